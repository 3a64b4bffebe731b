import type { ToolDefinition } from '../toolTypes';

export const LASSO_TOOL: ToolDefinition = { id: 'lasso', label: 'Lasso', shortcut: 'L', strokeMode: 'paint', kind: 'lasso' };
