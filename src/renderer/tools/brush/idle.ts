import type { BrushInput, BrushTransition, IdleState } from './brushState';

/** Idle: only a primary-button press starts a stroke. */
export function updateIdle(state: IdleState, input: BrushInput): BrushTransition {
  if (input.type !== 'pointerDown' || !(input.radius > 0)) return { state, effects: [] };
  const { point, radius, mode } = input;
  return {
    state: { kind: 'painting', mode, radius, points: [point] },
    effects: [{ type: 'previewSegment', from: point, to: point, radius, mode }],
  };
}
