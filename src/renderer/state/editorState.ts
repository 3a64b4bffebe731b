/** The editor's local state: active tool, brush radius and the mask's undo history. */
import type { ImagePx } from '../geometry/coords';
import { clearMask, createHistory, paintStroke, perform, redo, undo, type MaskHistory, type Stroke } from '../mask/maskHistory';
import { clampRadius, defaultRadius, stepRadius } from '../tools/brush/brushSize';
import type { ToolId } from '../tools/toolTypes';

export interface EditorState {
  readonly tool: ToolId;
  readonly radius: ImagePx;
  readonly history: MaskHistory;
}

export type EditorInput =
  | { readonly type: 'selectTool'; readonly tool: ToolId }
  | { readonly type: 'stepRadius'; readonly direction: -1 | 1 }
  | { readonly type: 'setRadius'; readonly radius: number }
  | { readonly type: 'commitStroke'; readonly stroke: Stroke }
  | { readonly type: 'clearMask' }
  | { readonly type: 'undo' }
  | { readonly type: 'redo' };

/** Tool and brush size carry over from one version to the next; the mask does not. */
export interface ToolPrefs { readonly tool: ToolId; readonly radius: ImagePx }

export function initialEditorState(width: number, height: number, prefs: ToolPrefs | null = null): EditorState {
  return {
    tool: prefs?.tool ?? 'brush',
    radius: prefs ? clampRadius(prefs.radius) : defaultRadius(width, height),
    history: createHistory(width, height),
  };
}

export function updateEditor(state: EditorState, input: EditorInput): EditorState {
  switch (input.type) {
    case 'selectTool':
      return input.tool === state.tool ? state : { ...state, tool: input.tool };
    case 'stepRadius':
      return { ...state, radius: stepRadius(state.radius, input.direction) };
    case 'setRadius':
      return Number.isFinite(input.radius) ? { ...state, radius: clampRadius(input.radius) } : state;
    case 'commitStroke': {
      const history = perform(state.history, paintStroke, input.stroke);
      return history === state.history ? state : { ...state, history };
    }
    case 'clearMask': {
      const history = perform(state.history, clearMask, undefined);
      return history === state.history ? state : { ...state, history };
    }
    case 'undo': {
      const history = undo(state.history);
      return history === state.history ? state : { ...state, history };
    }
    case 'redo': {
      const history = redo(state.history);
      return history === state.history ? state : { ...state, history };
    }
  }
}
