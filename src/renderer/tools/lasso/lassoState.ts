/**
 * States, inputs and effects of the lasso (a small state machine):
 * Idle → Pressed → Freehand (drag) → Idle, or Pressed → Polygon (a click
 * without a drag starts a polygon; each click adds a corner; double-click,
 * Enter or a click on the first corner closes it) → Idle.
 */
import type { ImagePoint, ImagePx } from '../../geometry/coords';
import type { StrokeMode } from '../../mask/maskHistory';

export interface IdleState { readonly kind: 'idle' }
export interface PressedState { readonly kind: 'pressed'; readonly mode: StrokeMode; readonly slop: ImagePx; readonly origin: ImagePoint }
export interface FreehandState { readonly kind: 'freehand'; readonly mode: StrokeMode; readonly slop: ImagePx; readonly points: readonly ImagePoint[] }
export interface PolygonState {
  readonly kind: 'polygon';
  readonly mode: StrokeMode;
  readonly slop: ImagePx;
  readonly vertices: readonly ImagePoint[];
  /** Where the pointer is: the rubber-band end. */
  readonly hover: ImagePoint | null;
}

export type LassoState = IdleState | PressedState | FreehandState | PolygonState;

export type LassoInput =
  /** `slop`: how far (image px) the pointer may move and still count as a click; from the zoom. */
  | { readonly type: 'pointerDown'; readonly point: ImagePoint; readonly mode: StrokeMode; readonly slop: ImagePx }
  | { readonly type: 'pointerMove'; readonly point: ImagePoint }
  | { readonly type: 'pointerUp'; readonly point: ImagePoint }
  | { readonly type: 'doubleClick' }
  /** Enter. */
  | { readonly type: 'close' }
  /** Backspace: drop the last polygon corner. */
  | { readonly type: 'removeLast' }
  | { readonly type: 'cancel' };

export type LassoEffect =
  | { readonly type: 'preview'; readonly points: readonly ImagePoint[]; readonly closed: boolean; readonly mode: StrokeMode }
  | { readonly type: 'commitPolygon'; readonly points: readonly ImagePoint[]; readonly mode: StrokeMode }
  | { readonly type: 'clearPreview' };

export interface LassoTransition { readonly state: LassoState; readonly effects: readonly LassoEffect[] }

export const IDLE: IdleState = { kind: 'idle' };

export function distance(a: ImagePoint, b: ImagePoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Closes a finished outline: a polygon needs three corners, anything less is dropped. */
export function finish(points: readonly ImagePoint[], mode: StrokeMode): LassoTransition {
  return points.length >= 3
    ? { state: IDLE, effects: [{ type: 'clearPreview' }, { type: 'commitPolygon', points, mode }] }
    : { state: IDLE, effects: [{ type: 'clearPreview' }] };
}
