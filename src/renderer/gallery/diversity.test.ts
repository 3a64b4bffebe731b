import { describe, expect, it } from 'vitest';
import { describeDiversity, diversity, meanAbsoluteDifference, type SampleCrop } from './diversity';

const solid = (r: number, g: number, b: number, w = 4, h = 3): SampleCrop => {
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < rgba.length; i += 4) { rgba[i] = r; rgba[i + 1] = g; rgba[i + 2] = b; rgba[i + 3] = 255; }
  return { rgba, width: w, height: h };
};

describe('diversity score', () => {
  it('is the mean over pairs of the mean absolute RGB difference', () => {
    const a = solid(0, 0, 0), b = solid(255, 0, 0), c = solid(255, 255, 255);
    // By hand: |a-b| = 255/765 = 1/3, |a-c| = 1, |b-c| = 510/765 = 2/3.
    expect(meanAbsoluteDifference(a, b)).toBeCloseTo(1 / 3, 12);
    const r = diversity([a, b, c]);
    expect(r.score).toBeCloseTo((1 / 3 + 1 + 2 / 3) / 3, 12);
    expect(r.pairwise[0]![2]).toBeCloseTo(1, 12);
    expect(r.distinctness[0]).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(r.distinctness[1]).toBeCloseTo((1 / 3 + 2 / 3) / 2, 12);
  });

  it('identical samples score zero; one sample has no score; alpha is ignored', () => {
    const a = solid(10, 20, 30);
    const b = solid(10, 20, 30);
    b.rgba[3] = 0;
    expect(diversity([a, b]).score).toBe(0);
    expect(diversity([a]).score).toBeNull();
    expect(describeDiversity(0)).toBe('nearly identical');
    expect(describeDiversity(0.2)).toBe('very varied');
    expect(() => meanAbsoluteDifference(a, solid(1, 1, 1, 5, 3))).toThrow(/4×3 vs 5×3/);
  });
});
