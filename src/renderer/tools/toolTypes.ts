import type { StrokeMode } from '../mask/maskHistory';

export type ToolId = 'brush' | 'eraser' | 'lasso' | 'rectangle' | 'bucket' | 'pick' | 'heal';

/** Which state machine drives the tool; the eraser is the brush machine writing 0. */
export type ToolKind = 'brush' | 'lasso' | 'rectangle' | 'bucket' | 'pick' | 'spot';

export interface ToolDefinition {
  readonly id: ToolId;
  readonly label: string;
  readonly shortcut: string;
  /** What a plain gesture does; Alt inverts it (subtract from the mask, or add with the eraser). */
  readonly strokeMode: StrokeMode;
  readonly kind?: ToolKind;
}

export function toolKind(tool: ToolDefinition): ToolKind {
  return tool.kind ?? 'brush';
}
