import { describe, expect, it } from 'vitest';
import { changeHeatmap, excludedArea } from './heatmap';

describe('outside-mask heatmap', () => {
  const W = 20, H = 10;
  const grey = (v: number) => new Uint8ClampedArray(W * H * 4).fill(v);

  it('counts changes outside the excluded area only', () => {
    const a = grey(100), b = grey(100);
    const excluded = excludedArea(W, H, (x, y) => x >= 5 && x < 8 && y >= 3 && y < 6, 1);
    // Mask 3×3 grown by 1 (square): 5×5.
    expect(excluded.reduce((s, v) => s + v, 0)).toBe(25);
    b[(4 * W + 6) * 4] = 200; // inside the mask: ignored
    expect(changeHeatmap(a, b, W, H, excluded)).toMatchObject({ maxOutside: 0, changedOutside: 0, outsidePixels: W * H - 25 });
    b[(9 * W + 19) * 4 + 2] = 97; // a corner pixel changes by 3
    const r = changeHeatmap(a, b, W, H, excluded);
    expect([r.maxOutside, r.changedOutside]).toEqual([3, 1]);
    expect(r.rgba[(9 * W + 19) * 4 + 3]).toBeGreaterThan(0);
    expect(r.rgba[(0 * W + 0) * 4 + 3]).toBe(0);
  });

  it('the margin is a square neighbourhood clipped at the border', () => {
    const e = excludedArea(W, H, (x, y) => x === 0 && y === 0, 2);
    expect(e.reduce((s, v) => s + v, 0)).toBe(9);
    expect(() => changeHeatmap(grey(0), grey(0).subarray(4), W, H, e)).toThrow(/20×10/);
  });
});
