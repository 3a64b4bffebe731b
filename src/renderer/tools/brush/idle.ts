import { clampHardness, pressureRadius } from './brushSize';
import type { BrushInput, BrushTransition, IdleState } from './brushState';

/** Idle: only a primary-button press starts a stroke. */
export function updateIdle(state: IdleState, input: BrushInput): BrushTransition {
  if (input.type !== 'pointerDown' || !(input.radius > 0)) return { state, effects: [] };
  const { point, radius, mode } = input;
  const r = input.pressure === undefined ? radius : pressureRadius(radius, input.pressure);
  const hardness = clampHardness(input.hardness ?? 1);
  return {
    state: { kind: 'painting', mode, radius, hardness, points: [point], radii: input.pressure === undefined ? null : [r] },
    effects: [{ type: 'previewSegment', from: point, to: point, radius: r, mode, hardness }],
  };
}
