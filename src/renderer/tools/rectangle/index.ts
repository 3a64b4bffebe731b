import type { ToolDefinition } from '../toolTypes';

export const RECTANGLE_TOOL: ToolDefinition = { id: 'rectangle', label: 'Rectangle', shortcut: 'M', strokeMode: 'paint', kind: 'rectangle' };
