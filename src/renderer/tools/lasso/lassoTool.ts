/** The lasso's transition function: one small file per state. */
import { updatePressed, updateFreehand } from './freehand';
import { updateIdle } from './idle';
import type { LassoInput, LassoState, LassoTransition } from './lassoState';
import { updatePolygon } from './polygon';

export function updateLasso(state: LassoState, input: LassoInput): LassoTransition {
  switch (state.kind) {
    case 'idle': return updateIdle(state, input);
    case 'pressed': return updatePressed(state, input);
    case 'freehand': return updateFreehand(state, input);
    case 'polygon': return updatePolygon(state, input);
  }
}
