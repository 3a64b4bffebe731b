import { distance, finish, IDLE, type LassoInput, type LassoTransition, type PolygonState } from './lassoState';

function preview(state: PolygonState): LassoTransition {
  const points = state.hover ? [...state.vertices, state.hover] : state.vertices;
  return { state, effects: [{ type: 'preview', points, closed: false, mode: state.mode }] };
}

/** Polygon: each click adds a corner; double-click, Enter or a click on the first corner closes. */
export function updatePolygon(state: PolygonState, input: LassoInput): LassoTransition {
  switch (input.type) {
    case 'pointerMove':
      return preview({ ...state, hover: input.point });
    case 'pointerDown': {
      const first = state.vertices[0]!;
      const last = state.vertices[state.vertices.length - 1]!;
      if (state.vertices.length >= 3 && distance(input.point, first) <= state.slop) return finish(state.vertices, state.mode);
      // The second click of a double-click lands on the corner just added.
      if (distance(input.point, last) <= state.slop) return { state, effects: [] };
      return preview({ ...state, vertices: [...state.vertices, input.point], hover: input.point });
    }
    case 'doubleClick':
    case 'close':
      return finish(state.vertices, state.mode);
    case 'removeLast': {
      if (state.vertices.length <= 1) return { state: IDLE, effects: [{ type: 'clearPreview' }] };
      return preview({ ...state, vertices: state.vertices.slice(0, -1) });
    }
    case 'cancel':
      return { state: IDLE, effects: [{ type: 'clearPreview' }] };
    case 'pointerUp':
      return { state, effects: [] };
  }
}
