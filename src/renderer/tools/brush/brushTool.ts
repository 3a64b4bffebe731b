/** The brush tool's transition function; the eraser is the same machine in 'erase' mode. */
import { type BrushInput, type BrushState, type BrushTransition } from './brushState';
import { updateIdle } from './idle';
import { updatePainting } from './painting';

export function updateBrush(state: BrushState, input: BrushInput): BrushTransition {
  return state.kind === 'idle' ? updateIdle(state, input) : updatePainting(state, input);
}
