import type { ToolDefinition } from '../toolTypes';

/** One click heals a round spot of the brush size at once (PatchMatch) and makes the result the new version. */
export const HEAL_TOOL: ToolDefinition = { id: 'heal', label: 'Spot heal', shortcut: 'J', strokeMode: 'paint', kind: 'spot' };
