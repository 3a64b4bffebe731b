import { distance, finish, IDLE, type FreehandState, type LassoInput, type LassoTransition, type PressedState } from './lassoState';

/** Pressed: moving past the slop starts a freehand outline; releasing first starts a polygon. */
export function updatePressed(state: PressedState, input: LassoInput): LassoTransition {
  switch (input.type) {
    case 'pointerMove': {
      if (distance(input.point, state.origin) <= state.slop) return { state, effects: [] };
      const points = [state.origin, input.point];
      return { state: { kind: 'freehand', mode: state.mode, slop: state.slop, points }, effects: [{ type: 'preview', points, closed: true, mode: state.mode }] };
    }
    case 'pointerUp':
      return {
        state: { kind: 'polygon', mode: state.mode, slop: state.slop, vertices: [state.origin], hover: input.point },
        effects: [{ type: 'preview', points: [state.origin, input.point], closed: false, mode: state.mode }],
      };
    case 'cancel':
      return { state: IDLE, effects: [{ type: 'clearPreview' }] };
    default:
      return { state, effects: [] };
  }
}

/** Freehand: the outline follows the pointer and closes itself on release. */
export function updateFreehand(state: FreehandState, input: LassoInput): LassoTransition {
  switch (input.type) {
    case 'pointerMove': {
      // Points closer than half the slop add nothing visible and only slow the fill.
      if (distance(input.point, state.points[state.points.length - 1]!) < state.slop / 2) return { state, effects: [] };
      const points = [...state.points, input.point];
      return { state: { ...state, points }, effects: [{ type: 'preview', points, closed: true, mode: state.mode }] };
    }
    case 'pointerUp': {
      const last = state.points[state.points.length - 1]!;
      return finish(distance(input.point, last) > 0 ? [...state.points, input.point] : state.points, state.mode);
    }
    case 'cancel':
      return { state: IDLE, effects: [{ type: 'clearPreview' }] };
    default:
      return { state, effects: [] };
  }
}
