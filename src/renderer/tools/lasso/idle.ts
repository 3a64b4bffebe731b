import type { IdleState, LassoInput, LassoTransition } from './lassoState';

/** Idle: a press may become a freehand drag or the first corner of a polygon. */
export function updateIdle(state: IdleState, input: LassoInput): LassoTransition {
  if (input.type !== 'pointerDown') return { state, effects: [] };
  return {
    state: { kind: 'pressed', mode: input.mode, slop: input.slop, origin: input.point },
    effects: [{ type: 'preview', points: [input.point], closed: false, mode: input.mode }],
  };
}
