import { pressureRadius } from './brushSize';
import { IDLE, type BrushInput, type BrushTransition, type PaintingState } from './brushState';

/**
 * Points closer than this to the previous one add nothing visible; skipping
 * them keeps long strokes cheap to rasterise.
 */
export function minSpacing(radius: number): number {
  return Math.max(0.5, radius * 0.15);
}

/** Painting: moves extend the stroke, release commits it, cancel drops it. */
export function updatePainting(state: PaintingState, input: BrushInput): BrushTransition {
  switch (input.type) {
    case 'pointerMove': {
      const last = state.points[state.points.length - 1]!;
      if (Math.hypot(input.point.x - last.x, input.point.y - last.y) < minSpacing(state.radius)) return { state, effects: [] };
      const r = state.radii ? pressureRadius(state.radius, input.pressure ?? 1) : state.radius;
      return {
        state: { ...state, points: [...state.points, input.point], radii: state.radii ? [...state.radii, r] : null },
        effects: [{ type: 'previewSegment', from: last, to: input.point, radius: r, mode: state.mode, hardness: state.hardness }],
      };
    }
    case 'pointerUp': {
      const stroke = { mode: state.mode, radius: state.radius, points: state.points, ...(state.hardness < 1 ? { hardness: state.hardness } : {}) };
      return { state: IDLE, effects: [{ type: 'commitStroke', stroke: state.radii ? { ...stroke, radii: state.radii } : stroke }] };
    }
    case 'cancel':
      return { state: IDLE, effects: [{ type: 'discardPreview' }] };
    case 'pointerDown':
      return { state, effects: [] }; // a second button during a stroke changes nothing
  }
}
