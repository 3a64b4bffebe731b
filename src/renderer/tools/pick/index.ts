import type { ToolDefinition } from '../toolTypes';

/** Selects the object under a click (detector + person model or GrabCut); Alt-click removes it from the mask. */
export const PICK_TOOL: ToolDefinition = { id: 'pick', label: 'Select object', shortcut: 'S', strokeMode: 'paint', kind: 'pick' };
