import { describe, expect, it } from 'vitest';
import { collectTargets, distanceToKnown, targetDepths, ValidSources } from './levelMaps';
import { Mulberry32 } from './random';

function randomBlobs(width: number, height: number, seed: number, blobs: number): Uint8Array {
  const rng = new Mulberry32(seed);
  const m = new Uint8Array(width * height);
  for (let b = 0; b < blobs; b++) {
    const cx = rng.nextInt(width), cy = rng.nextInt(height), rx = 2 + rng.nextInt(width / 3), ry = 2 + rng.nextInt(height / 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - cx) ** 2 / rx ** 2 + (y - cy) ** 2 / ry ** 2 <= 1) m[y * width + x] = 1;
  }
  return m;
}

describe('level maps without crop-sized buffers', () => {
  it('the distance transform is the chamfer 3-4 distance to the nearest known pixel (brute force)', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const w = 23 + seed, h = 17 + seed;
      const hole = randomBlobs(w, h, 100 + seed, 2);
      const d = distanceToKnown(hole, w, h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        let best = Infinity;
        for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) {
          if (hole[v * w + u]) continue;
          const ax = Math.abs(u - x), ay = Math.abs(v - y);
          best = Math.min(best, 3 * Math.max(ax, ay) + Math.min(ax, ay));
        }
        if (best === Infinity) continue; // no known pixel at all: the 'far' value
        expect(d[y * w + x]).toBe(Math.fround(best / 3));
      }
    }
  });

  it('target depths equal the whole-level distance transform at every target, holes at the border included', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const w = 40 + seed * 7, h = 30 + seed * 5;
      const hole = randomBlobs(w, h, seed, 1 + (seed % 3));
      const targets = collectTargets(hole, w, h, 3);
      const whole = distanceToKnown(hole, w, h);
      const perTarget = targetDepths(hole, w, h, targets);
      expect(perTarget.length).toBe(targets.pixel.length);
      for (let t = 0; t < targets.pixel.length; t++) expect(perTarget[t]).toBe(whole[targets.pixel[t]!]);
    }
  });
  it('a hole covering the whole level (no known pixel) keeps the transform\'s "far" depth', () => {
    const w = 9, h = 7, hole = new Uint8Array(w * h).fill(1);
    const targets = collectTargets(hole, w, h, 1);
    const whole = distanceToKnown(hole, w, h);
    const perTarget = targetDepths(hole, w, h, targets);
    for (let t = 0; t < targets.pixel.length; t++) expect(perTarget[t]).toBe(whole[targets.pixel[t]!]);
  });
  it('valid sources drawn by rank are the set indices in raster order', () => {
    for (const density of [0.001, 0.3, 0.97]) {
      const rng = new Mulberry32(Math.round(density * 1000));
      const valid = new Uint8Array(10_007);
      for (let i = 0; i < valid.length; i++) valid[i] = rng.nextInt(1_000_000) < density * 1_000_000 ? 1 : 0;
      const list: number[] = [];
      valid.forEach((v, i) => { if (v) list.push(i); });
      const sources = new ValidSources(valid);
      expect(sources.count).toBe(list.length);
      for (let k = 0; k < list.length; k++) expect(sources.pick(k)).toBe(list[k]);
      expect(() => sources.pick(list.length)).toThrow(RangeError);
    }
  });
});
