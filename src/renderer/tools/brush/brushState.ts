/** States, inputs and effects of the brush/eraser tool (a small state machine: Idle → Painting → Idle). */
import type { ImagePoint, ImagePx } from '../../geometry/coords';
import type { Stroke, StrokeMode } from '../../mask/maskHistory';

export interface IdleState { readonly kind: 'idle' }

export interface PaintingState {
  readonly kind: 'painting';
  readonly mode: StrokeMode;
  readonly radius: ImagePx;
  /** 0..1; 1 = hard edge (see Stroke.hardness). */
  readonly hardness: number;
  readonly points: readonly ImagePoint[];
  /** Per-point radii when the pointer reports pressure (a pen), else null. */
  readonly radii: readonly ImagePx[] | null;
}

export type BrushState = IdleState | PaintingState;

export type BrushInput =
  /** `pressure` (0..1) only for pointers that report it (pens); it scales the radius per point. */
  | { readonly type: 'pointerDown'; readonly point: ImagePoint; readonly radius: ImagePx; readonly mode: StrokeMode; readonly pressure?: number; readonly hardness?: number }
  | { readonly type: 'pointerMove'; readonly point: ImagePoint; readonly pressure?: number }
  | { readonly type: 'pointerUp' }
  | { readonly type: 'cancel' };

export type BrushEffect =
  /** Draw this piece of the live preview (screen-resolution overlay only). */
  | { readonly type: 'previewSegment'; readonly from: ImagePoint; readonly to: ImagePoint; readonly radius: ImagePx; readonly mode: StrokeMode; readonly hardness: number }
  /** The gesture ended: apply the stroke to the full-resolution mask as one undo step. */
  | { readonly type: 'commitStroke'; readonly stroke: Stroke }
  /** The gesture was abandoned: redraw the overlay from the mask. */
  | { readonly type: 'discardPreview' };

export interface BrushTransition {
  readonly state: BrushState;
  readonly effects: readonly BrushEffect[];
}

export const IDLE: IdleState = { kind: 'idle' };
