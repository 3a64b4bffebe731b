import type { ToolDefinition } from '../toolTypes';

export const BRUSH_TOOL: ToolDefinition = { id: 'brush', label: 'Brush', shortcut: 'B', strokeMode: 'paint' };
