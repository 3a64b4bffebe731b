import { describe, expect, it } from 'vitest';
import { guideSourceRadius, maskedBoxMean, textureEnergy } from './guideSource';
import { patchMatchFill } from './patchMatchFill';
import { patchCost, type SearchLevel } from './nearestNeighbourField';
import { Mulberry32 } from './random';
import { rectMask, tiledRandomTexture } from './testImages';

/** The definition, pixel by pixel: the rounded mean of the known pixels in the clipped box. */
function bruteForce(image: Uint8Array, hole: Uint8Array, w: number, h: number, C: number, R: number): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sums = new Array<number>(C).fill(0);
    let n = 0;
    for (let yy = Math.max(0, y - R); yy <= Math.min(h - 1, y + R); yy++) {
      for (let xx = Math.max(0, x - R); xx <= Math.min(w - 1, x + R); xx++) {
        if (hole[yy * w + xx]) continue;
        n++;
        for (let c = 0; c < C; c++) sums[c]! += image[(yy * w + xx) * C + c]!;
      }
    }
    for (let c = 0; c < C; c++) out[(y * w + x) * C + c] = n === 0 ? image[(y * w + x) * C + c]! : Math.round(sums[c]! / n);
  }
  return out;
}

/**
 * A period-4 grain on the left, flat at the grain's mean on the right (an
 * out-of-focus area), and a 50x50 hole in the grain.
 */
function grainBesideFlat() {
  const W = 240, H = 120, C = 3;
  const grain = tiledRandomTexture(W, H, 4, C, 9);
  const mean = [0, 1, 2].map((c) => Math.round(Array.from({ length: 16 }, (_, k) => grain.data[((k >> 2) * W + (k & 3)) * C + c]!).reduce((a, v) => a + v, 0) / 16));
  const image = new Uint8Array(W * H * C);
  for (let i = 0; i < W * H; i++) for (let c = 0; c < C; c++) image[i * C + c] = i % W < W / 2 ? grain.data[i * C + c]! : mean[c]!;
  return { W, H, C, image, mean, hole: rectMask(W, H, 30, 35, 50, 50) };
}

describe('guide source (the photo low-passed to the guide scale)', () => {
  it('is the rounded mean of the known pixels in the clipped box, for any radius, channel count and hole', () => {
    const rng = new Mulberry32(3);
    for (const [w, h, C, R] of [[17, 11, 3, 1], [23, 19, 4, 3], [9, 30, 3, 6], [40, 7, 1, 12], [5, 5, 3, 0]] as const) {
      const image = new Uint8Array(w * h * C).map(() => rng.nextInt(256));
      // A hole with a fully unknown stretch wider than the box, so some boxes hold no known pixel.
      const hole = new Uint8Array(w * h).map((_, i) => (rng.nextInt(4) === 0 || (i % w >= 2 && i % w < 2 + 2 * R + 2 && Math.floor(i / w) < 2 * R + 2) ? 1 : 0));
      expect(Buffer.from(maskedBoxMean(image, hole, w, h, C, R)).equals(Buffer.from(bruteForce(image, hole, w, h, C, R)))).toBe(true);
      // No hole: every pixel known.
      expect(Buffer.from(maskedBoxMean(image, null, w, h, C, R)).equals(Buffer.from(bruteForce(image, new Uint8Array(w * h), w, h, C, R)))).toBe(true);
    }
  });

  it('uses a box as smooth as the guide\'s bilinear upsampling', () => {
    // Tent of half-width s has variance s²/6; a box of radius R has R(R+1)/3.
    for (const s of [2, 4, 8, 25, 60]) {
      const R = guideSourceRadius(s);
      expect(Math.abs(R * (R + 1) / 3 - s * s / 6)).toBeLessThan(s * s / 6 * 0.5);
    }
    expect(guideSourceRadius(0.5)).toBe(0);
  });

  it('the guide term no longer charges grain: a grain source and a flat one of the same local mean cost the same against a blurry guide', () => {
    const { W, H, C, image, mean, hole } = grainBesideFlat();
    // A guide 8 px per guide pixel: inside the hole the grain's local mean, flat.
    const guideScale = 8;
    const low = maskedBoxMean(image, hole, W, H, C, guideSourceRadius(guideScale));
    const guide = new Uint8Array(low);
    for (let i = 0; i < W * H; i++) if (hole[i]) for (let c = 0; c < C; c++) guide[i * C + c] = mean[c]!;
    const level = (guideSource: Uint8Array | null, withGuide: boolean) =>
      ({ width: W, height: H, channels: C, image, guide: withGuide ? guide : null, guideWeight: 1, guideSource, texture: null, r: 3 }) as unknown as SearchLevel;
    const target = { x: 55, y: 60 };
    const grainSource = 60 * W + 104, flatSource = 60 * W + 180;
    const guideTerm = (guideSource: Uint8Array | null, s: number) =>
      patchCost(level(guideSource, true), target.x, target.y, s, Infinity) - patchCost(level(guideSource, false), target.x, target.y, s, Infinity);
    // The grain's own energy over a 7x7 patch: what comparing the blurry guide with sharp patches charges a grain source.
    let grainEnergy = 0;
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) for (let c = 0; c < C; c++) {
      grainEnergy += (image[(grainSource + dy * W + dx) * C + c]! - mean[c]!) ** 2;
    }
    // Compared with the image itself (before), the grain source pays its whole energy more than the flat one ...
    expect(guideTerm(null, grainSource) - guideTerm(null, flatSource)).toBeGreaterThan(0.9 * grainEnergy);
    // ... compared with the low-passed image (now), almost nothing.
    expect(Math.abs(guideTerm(low, grainSource) - guideTerm(low, flatSource))).toBeLessThan(0.05 * grainEnergy);
  });

  it('texture energy is the box mean of the known pixels\' mean absolute forward differences, and the hole gets its boundary\'s', () => {
    const rng = new Mulberry32(11);
    const w = 21, h = 17, C = 3;
    const image = new Uint8Array(w * h * C).map(() => rng.nextInt(256));
    const hole = rectMask(w, h, 6, 5, 7, 6);
    const energy = textureEnergy(image, hole, w, h, C);
    const raw = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (hole[i]) continue;
      let sum = 0;
      for (let c = 0; c < C; c++) {
        if (x + 1 < w && !hole[i + 1]) sum += Math.abs(image[(i + 1) * C + c]! - image[i * C + c]!);
        if (y + 1 < h && !hole[i + w]) sum += Math.abs(image[(i + w) * C + c]! - image[i * C + c]!);
      }
      raw[i] = Math.min(255, Math.round(sum / C));
    }
    const expected = bruteForce(raw, hole, w, h, 1, 2);
    for (let i = 0; i < w * h; i++) if (!hole[i]) expect(energy[i]).toBe(expected[i]);
    // Inside the hole: within the range of the known values around it (filled from the boundary inward).
    const known = Array.from(expected).filter((_, i) => !hole[i]);
    for (let i = 0; i < w * h; i++) if (hole[i]) {
      expect(energy[i]).toBeGreaterThanOrEqual(Math.min(...known));
      expect(energy[i]).toBeLessThanOrEqual(Math.max(...known));
    }
  });

  it('a hole in grain beside a flat area of the same local mean is filled with grain, not flat', () => {
    // With colours alone a flat patch is nearer (in L2) to any grainy estimate than another grain patch is, so the
    // fill used to end flat (2 % of the grain's energy); the texture-energy term asks for the surroundings' detail.
    const { W, H, C, image: data, mean, hole } = grainBesideFlat();
    // The guide a coarse model gives for grain: its local mean, flat.
    const guide = new Uint8Array(data);
    for (let i = 0; i < W * H; i++) if (hole[i]) for (let c = 0; c < C; c++) guide[i * C + c] = mean[c]!;
    const fill = patchMatchFill({ data, width: W, height: H, channels: C }, hole, { seed: 1, guide: { data: guide, width: W, height: H, channels: C }, guideScale: 8 });
    const r = fill.region;
    const filled = new Uint8Array(data);
    for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) for (let c = 0; c < C; c++) {
      filled[((r.y + y) * W + r.x + x) * C + c] = fill.data[(y * r.width + x) * C + c]!;
    }
    // Mean squared difference of horizontal neighbours: inside the filled box vs in the grain.
    const energy = (img: Uint8Array, x0: number, y0: number, x1: number, y1: number) => {
      let sum = 0, n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1 - 1; x++) for (let c = 0; c < C; c++) {
        const d = img[(y * W + x) * C + c]! - img[(y * W + x + 1) * C + c]!;
        sum += d * d;
        n++;
      }
      return sum / n;
    };
    expect(energy(filled, 35, 40, 75, 80)).toBeGreaterThan(0.5 * energy(data, 0, 0, 30, H));
  });
});
