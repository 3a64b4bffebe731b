/** The editor's local state: active tool, brush radius, overlay look and the mask's undo history. */
import type { ImagePoint, ImagePx } from '../geometry/coords';
import { activeHistory, restoredHistory, withActiveHistory, type MaskLayer } from '../mask/exclusionLayer';
import { bucketFill, combineSelection, growShrinkMask, invertMask, lassoFill, rectangleFill, replaceMask } from '../mask/maskActions';
import { clearMask, createHistory, paintStroke, perform, redo, undo, type MaskAction, type MaskHistory, type Stroke, type StrokeMode } from '../mask/maskHistory';
import type { MaskRaster } from '../mask/tiledMask';
import { clampHardness, clampRadius, DEFAULT_HARDNESS, defaultRadius, stepHardness, stepRadius } from '../tools/brush/brushSize';
import type { ToolId } from '../tools/toolTypes';

export interface OverlayLook {
  /** CSS hex colour of the mask overlay. */
  readonly colour: string;
  /** 0..1 */
  readonly opacity: number;
}

export const DEFAULT_OVERLAY: OverlayLook = { colour: '#ff2020', opacity: 0.5 };

export interface EditorState {
  readonly tool: ToolId;
  readonly radius: ImagePx;
  /** Brush and eraser hardness, 0..1 (1 = hard edge). */
  readonly hardness: number;
  readonly overlay: OverlayLook;
  /** The fill mask's history. */
  readonly history: MaskHistory;
  /** The exclusion mask's history ("protect from sampling"). */
  readonly exclusion: MaskHistory;
  /** Which mask the tools and whole-mask actions edit. */
  readonly layer: MaskLayer;
}

export type EditorInput =
  | { readonly type: 'selectTool'; readonly tool: ToolId }
  | { readonly type: 'stepRadius'; readonly direction: -1 | 1 }
  | { readonly type: 'setRadius'; readonly radius: number }
  | { readonly type: 'stepHardness'; readonly direction: -1 | 1 }
  | { readonly type: 'setHardness'; readonly hardness: number }
  | { readonly type: 'setOverlay'; readonly overlay: Partial<OverlayLook> }
  | { readonly type: 'commitStroke'; readonly stroke: Stroke }
  | { readonly type: 'commitPolygon'; readonly tool: 'lasso' | 'rectangle'; readonly points: readonly ImagePoint[]; readonly mode: StrokeMode }
  | { readonly type: 'bucket'; readonly point: ImagePoint; readonly mode: StrokeMode }
  | { readonly type: 'invert' }
  | { readonly type: 'growShrink'; readonly radius: number }
  | { readonly type: 'loadMask'; readonly mask: MaskRaster }
  | { readonly type: 'addSelection'; readonly selection: MaskRaster; readonly label: string; readonly subtract: boolean }
  /** A saved draft becomes the starting mask: not an undo step of its own. */
  | { readonly type: 'restoreDraft'; readonly mask: MaskRaster }
  | { readonly type: 'restoreExclusionDraft'; readonly mask: MaskRaster }
  | { readonly type: 'selectLayer'; readonly layer: MaskLayer }
  | { readonly type: 'clearMask'; readonly layer?: MaskLayer }
  | { readonly type: 'undo' }
  | { readonly type: 'redo' };

/** Tool, brush size and overlay look carry over from one version to the next; the mask does not. */
export interface ToolPrefs {
  readonly tool: ToolId;
  readonly radius: ImagePx;
  readonly hardness?: number;
  readonly overlay?: OverlayLook;
  /** "Visualise spots" view: on/off and its threshold. */
  readonly spotView?: { readonly on: boolean; readonly threshold: number };
}

export function initialEditorState(width: number, height: number, prefs: ToolPrefs | null = null): EditorState {
  return {
    tool: prefs?.tool ?? 'brush',
    radius: prefs ? clampRadius(prefs.radius) : defaultRadius(width, height),
    hardness: clampHardness(prefs?.hardness ?? DEFAULT_HARDNESS),
    overlay: prefs?.overlay ?? DEFAULT_OVERLAY,
    history: createHistory(width, height),
    exclusion: createHistory(width, height),
    layer: 'fill',
  };
}

function edit<I>(state: EditorState, action: MaskAction<I>, input: I): EditorState {
  return withActiveHistory(state, perform(activeHistory(state), action, input));
}

function clamp01(v: number, fallback: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : fallback;
}

export function updateEditor(state: EditorState, input: EditorInput): EditorState {
  switch (input.type) {
    case 'selectTool':
      return input.tool === state.tool ? state : { ...state, tool: input.tool };
    case 'stepRadius':
      return { ...state, radius: stepRadius(state.radius, input.direction) };
    case 'setRadius':
      return Number.isFinite(input.radius) ? { ...state, radius: clampRadius(input.radius) } : state;
    case 'stepHardness':
      return { ...state, hardness: stepHardness(state.hardness, input.direction) };
    case 'setHardness':
      return Number.isFinite(input.hardness) ? { ...state, hardness: clampHardness(input.hardness) } : state;
    case 'setOverlay': {
      const colour = input.overlay.colour !== undefined && /^#[0-9a-f]{6}$/i.test(input.overlay.colour) ? input.overlay.colour : state.overlay.colour;
      const opacity = input.overlay.opacity !== undefined ? clamp01(input.overlay.opacity, state.overlay.opacity) : state.overlay.opacity;
      return { ...state, overlay: { colour, opacity } };
    }
    case 'commitStroke':
      return edit(state, paintStroke, input.stroke);
    case 'commitPolygon':
      return edit(state, input.tool === 'lasso' ? lassoFill : rectangleFill, { points: input.points, mode: input.mode });
    case 'bucket':
      return edit(state, bucketFill, { point: input.point, mode: input.mode });
    case 'invert':
      return edit(state, invertMask, undefined);
    case 'growShrink':
      return edit(state, growShrinkMask, input.radius);
    case 'loadMask':
      return edit(state, replaceMask, input.mask);
    case 'addSelection':
      return edit(state, combineSelection, { selection: input.selection, label: input.label, subtract: input.subtract });
    case 'restoreDraft':
      // A draft arriving after the user already started editing never overwrites their work.
      if (state.history.past.length > 0 || state.history.present.filled > 0) return state;
      return { ...state, history: { ...createHistory(input.mask.width, input.mask.height, state.history.limits), present: input.mask } };
    case 'restoreExclusionDraft':
      return { ...state, exclusion: restoredHistory(state.exclusion, input.mask) };
    case 'selectLayer':
      return input.layer === state.layer ? state : { ...state, layer: input.layer };
    case 'clearMask': {
      // Clears the given layer (default: the active one) without changing which layer is active.
      const layer = input.layer ?? state.layer;
      if (layer === state.layer) return edit(state, clearMask, undefined);
      return { ...edit({ ...state, layer }, clearMask, undefined), layer: state.layer };
    }
    case 'undo':
      return withActiveHistory(state, undo(activeHistory(state)));
    case 'redo':
      return withActiveHistory(state, redo(activeHistory(state)));
  }
}

/** Hex colour -> RGB triple. */
export function rgbOf(colour: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : [255, 32, 32];
}
