import type { StrokeMode } from '../mask/maskHistory';

export type ToolId = 'brush' | 'eraser';

export interface ToolDefinition {
  readonly id: ToolId;
  readonly label: string;
  readonly shortcut: string;
  readonly strokeMode: StrokeMode;
}
