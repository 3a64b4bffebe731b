/**
 * The rectangle tool (a small state machine: Idle → Dragging → Idle) and its
 * geometry: the rectangle becomes a four-corner polygon, filled by the same
 * pixel-centre rule as the lasso.
 */
import { imagePoint, type ImagePoint } from '../../geometry/coords';
import type { StrokeMode } from '../../mask/maskHistory';

export type RectState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'dragging'; readonly mode: StrokeMode; readonly anchor: ImagePoint; readonly current: ImagePoint };

export type RectInput =
  | { readonly type: 'pointerDown'; readonly point: ImagePoint; readonly mode: StrokeMode }
  | { readonly type: 'pointerMove'; readonly point: ImagePoint }
  | { readonly type: 'pointerUp'; readonly point: ImagePoint }
  | { readonly type: 'cancel' };

export type RectEffect =
  | { readonly type: 'preview'; readonly points: readonly ImagePoint[]; readonly closed: true; readonly mode: StrokeMode }
  | { readonly type: 'commitPolygon'; readonly points: readonly ImagePoint[]; readonly mode: StrokeMode }
  | { readonly type: 'clearPreview' };

export const RECT_IDLE: RectState = { kind: 'idle' };

/** Corners of the rectangle spanned by two opposite points, clockwise from the top left. */
export function rectCorners(a: ImagePoint, b: ImagePoint): ImagePoint[] {
  const x0 = Math.min(a.x, b.x), x1 = Math.max(a.x, b.x), y0 = Math.min(a.y, b.y), y1 = Math.max(a.y, b.y);
  return [imagePoint(x0, y0), imagePoint(x1, y0), imagePoint(x1, y1), imagePoint(x0, y1)];
}

export function updateRectangle(state: RectState, input: RectInput): { state: RectState; effects: readonly RectEffect[] } {
  if (state.kind === 'idle') {
    if (input.type !== 'pointerDown') return { state, effects: [] };
    return { state: { kind: 'dragging', mode: input.mode, anchor: input.point, current: input.point }, effects: [] };
  }
  switch (input.type) {
    case 'pointerMove':
      return { state: { ...state, current: input.point }, effects: [{ type: 'preview', points: rectCorners(state.anchor, input.point), closed: true, mode: state.mode }] };
    case 'pointerUp': {
      const a = state.anchor, b = input.point;
      const effects: RectEffect[] = [{ type: 'clearPreview' }];
      if (a.x !== b.x && a.y !== b.y) effects.push({ type: 'commitPolygon', points: rectCorners(a, b), mode: state.mode });
      return { state: RECT_IDLE, effects };
    }
    case 'cancel':
      return { state: RECT_IDLE, effects: [{ type: 'clearPreview' }] };
    case 'pointerDown':
      return { state, effects: [] };
  }
}
