import { describe, expect, it } from 'vitest';
import { imagePoint } from '../../geometry/coords';
import { rasterizePolygon } from '../lasso/polygonFill';
import { RECT_IDLE, rectCorners, updateRectangle, type RectEffect, type RectInput, type RectState } from './rectangleTool';

function run(inputs: readonly RectInput[]): { state: RectState; effects: RectEffect[] } {
  let state = RECT_IDLE;
  const effects: RectEffect[] = [];
  for (const i of inputs) {
    const t = updateRectangle(state, i);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

describe('rectangle tool', () => {
  it('a drag in any direction commits the spanned rectangle', () => {
    const { state, effects } = run([
      { type: 'pointerDown', point: imagePoint(50, 40), mode: 'paint' },
      { type: 'pointerMove', point: imagePoint(30, 45) },
      { type: 'pointerUp', point: imagePoint(10, 70) },
    ]);
    expect(state).toBe(RECT_IDLE);
    expect(effects.at(-1)).toEqual({ type: 'commitPolygon', mode: 'paint', points: [imagePoint(10, 40), imagePoint(50, 40), imagePoint(50, 70), imagePoint(10, 70)] });
  });

  it('a click without a drag commits nothing; cancel clears the preview', () => {
    expect(run([{ type: 'pointerDown', point: imagePoint(5, 5), mode: 'paint' }, { type: 'pointerUp', point: imagePoint(5, 5) }]).effects)
      .toEqual([{ type: 'clearPreview' }]);
    expect(run([{ type: 'pointerDown', point: imagePoint(5, 5), mode: 'erase' }, { type: 'cancel' }]).effects).toEqual([{ type: 'clearPreview' }]);
  });

  it('fills exactly the pixels whose centres lie inside (independent count)', () => {
    const a = imagePoint(10.2, 20.7), b = imagePoint(40.6, 33.4);
    let n = 0;
    rasterizePolygon(rectCorners(a, b), { width: 100, height: 100 }, (_y, x0, x1) => { n += x1 - x0 + 1; });
    // Centres i + 0.5 in [10.2, 40.6): i = 10..40 (31 columns); rows j + 0.5 in [20.7, 33.4): j = 21..32 (12 rows).
    expect(n).toBe(31 * 12);
  });
});
