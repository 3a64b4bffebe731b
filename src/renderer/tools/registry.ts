import { BRUSH_TOOL } from './brush';
import { ERASER_TOOL } from './eraser';
import type { ToolDefinition, ToolId } from './toolTypes';

export const TOOLS: readonly ToolDefinition[] = [BRUSH_TOOL, ERASER_TOOL];

export function toolById(id: ToolId): ToolDefinition {
  return TOOLS.find((t) => t.id === id) ?? BRUSH_TOOL;
}
