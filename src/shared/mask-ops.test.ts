import { describe, expect, it } from 'vitest';
import { featherWeights, growMask, maskBounds, maskCoverage, shrinkMask, squaredDistanceTo } from './mask-ops';

function bruteForceSquaredDistance(w: number, h: number, seeds: boolean[]): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (let sy = 0; sy < h; sy++) for (let sx = 0; sx < w; sx++) {
        if (seeds[sy * w + sx]) best = Math.min(best, (sx - x) ** 2 + (sy - y) ** 2);
      }
      out.push(best);
    }
  }
  return out;
}

describe('squaredDistanceTo', () => {
  it('matches brute force on random seed sets', () => {
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const [w, h] of [[1, 1], [7, 5], [23, 17], [40, 3]] as const) {
      const seeds = Array.from({ length: w * h }, () => rand() < 0.08);
      seeds[Math.floor(rand() * w * h)] = true;
      const ours = squaredDistanceTo(w, h, (i) => seeds[i]!);
      expect(Array.from(ours)).toEqual(bruteForceSquaredDistance(w, h, seeds));
    }
  });
});

describe('grow, shrink, feather', () => {
  const w = 41, h = 41;
  const single = new Uint8Array(w * h);
  single[20 * w + 20] = 255;

  it('grows a point into a Euclidean disc of the given radius', () => {
    const grown = growMask(single, w, h, 10);
    let inside = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const expected = (x - 20) ** 2 + (y - 20) ** 2 <= 100;
      expect(grown[y * w + x] === 255).toBe(expected);
      if (expected) inside++;
    }
    expect(inside).toBe(317); // lattice points in a disc of radius 10 (Gauss circle problem, N(10) = 317)
  });

  it('shrink undoes grow on a disc up to the boundary lattice', () => {
    const disc = growMask(single, w, h, 12);
    const back = shrinkMask(disc, w, h, 12);
    expect(back[20 * w + 20]).toBe(255);
    expect(maskCoverage(back)).toBeLessThan(5 / (w * h));
  });

  it('feather weights are 0 outside the mask, 1 deep inside, monotone towards the edge', () => {
    const disc = growMask(single, w, h, 15);
    const wts = featherWeights(disc, w, h, 4);
    for (let i = 0; i < disc.length; i++) {
      if (disc[i] !== 255) expect(wts[i]).toBe(0);
      else expect(wts[i]).toBeGreaterThan(0);
    }
    expect(wts[20 * w + 20]).toBe(1);
    // along the radius the weight never decreases towards the centre
    let prev = 0;
    for (let x = 20 - 15; x <= 20; x++) {
      const v = wts[20 * w + x]!;
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });

  it('feather 0 is the binary mask', () => {
    const disc = growMask(single, w, h, 5);
    const wts = featherWeights(disc, w, h, 0);
    for (let i = 0; i < disc.length; i++) expect(wts[i]).toBe(disc[i] === 255 ? 1 : 0);
  });

  it('bounds', () => {
    expect(maskBounds(new Uint8Array(9), 3, 3)).toBeNull();
    const m = new Uint8Array(20);
    m[1 * 5 + 2] = 200;
    m[3 * 5 + 4] = 128;
    expect(maskBounds(m, 5, 4)).toEqual({ x: 2, y: 1, width: 3, height: 3 });
  });
});
