import { describe, expect, it } from 'vitest';
import { realismScores, ringMask, wasserstein1 } from './realism';
import { blurInside, offsetInside, rectMask, texturedImage } from './testImages';

describe('realism proxies', () => {
  const w = 96, h = 80;
  const photo = texturedImage(w, h);
  const mask = rectMask(w, h, 30, 24, 36, 32);
  const ring = ringMask(mask, w, h, 6);

  it('the ring is outside the mask and within the radius', () => {
    expect(ring[24 * w + 29]).toBe(255); // just left of the hole
    expect(ring[24 * w + 30]).toBe(0); // in the hole
    expect(ring[24 * w + 23]).toBe(0); // 7 px away
  });

  it('real content scores like its surroundings', () => {
    const s = realismScores(photo, mask, ring);
    expect(s.hfRatio).toBeGreaterThan(0.8);
    expect(s.hfRatio).toBeLessThan(1.25);
    expect(s.gradRatio).toBeGreaterThan(0.85);
    expect(s.gradRatio).toBeLessThan(1.15);
    expect(s.gradW1).toBeLessThan(0.15);
    expect(s.seam).toBeGreaterThan(0.8);
    expect(s.seam).toBeLessThan(1.25);
  });

  it('a blurry fill scores visibly worse on every detail proxy', () => {
    const real = realismScores(photo, mask, ring);
    const blurry = realismScores(blurInside(photo, mask, 3), mask, ring);
    expect(blurry.hfRatio).toBeLessThan(0.15 * real.hfRatio);
    expect(blurry.gradRatio).toBeLessThan(0.6 * real.gradRatio);
    expect(blurry.gradW1).toBeGreaterThan(3 * real.gradW1 + 0.2);
  });

  it('a fill offset in level shows up as a seam', () => {
    const real = realismScores(photo, mask, ring);
    const offset = realismScores(offsetInside(photo, mask, 60), mask, ring);
    expect(offset.seam).toBeGreaterThan(1.6 * real.seam);
    // The offset does not change the texture inside, so the detail proxies stay close.
    expect(offset.hfRatio).toBeGreaterThan(0.7 * real.hfRatio);
  });

  it('W1 between two shifted point masses is the shift', () => {
    expect(wasserstein1(Float64Array.from([1, 1, 1, 1]), Float64Array.from([3, 3, 3]))).toBe(2);
    expect(wasserstein1(Float64Array.from([0, 1, 2, 3]), Float64Array.from([0, 1, 2, 3]))).toBe(0);
  });
});
