import { BRUSH_TOOL } from './brush';
import { BUCKET_TOOL } from './bucket';
import { ERASER_TOOL } from './eraser';
import { LASSO_TOOL } from './lasso';
import { RECTANGLE_TOOL } from './rectangle';
import { PICK_TOOL } from './pick';
import { HEAL_TOOL } from './spot-heal';
import type { ToolDefinition, ToolId } from './toolTypes';

export const TOOLS: readonly ToolDefinition[] = [BRUSH_TOOL, ERASER_TOOL, LASSO_TOOL, RECTANGLE_TOOL, BUCKET_TOOL, PICK_TOOL, HEAL_TOOL];

export function toolById(id: ToolId): ToolDefinition {
  return TOOLS.find((t) => t.id === id) ?? BRUSH_TOOL;
}
