import type { ToolDefinition } from '../toolTypes';

/** The eraser runs the brush state machine; only the value it writes differs. */
export const ERASER_TOOL: ToolDefinition = { id: 'eraser', label: 'Eraser', shortcut: 'E', strokeMode: 'erase' };
