import { describe, expect, it } from 'vitest';
import { BELOW_THRESHOLD_MAX, boxMean, highPass, luminance, renderSpotMap, type RgbaImage } from './spotMap';

const W = 160, H = 120;
/** Dark Gaussian dust spots: centre, depth (luminance units) and σ. */
const SPOTS = [
  { x: 40.5, y: 40.5, depth: 80, sigma: 1.5 },
  { x: 100.5, y: 70.5, depth: 60, sigma: 2 },
  { x: 130.5, y: 30.5, depth: 50, sigma: 1.2 },
];
/** A smooth brightness ramp (vignetting-like light fall-off) the map must ignore. */
const background = (x: number, y: number): number => 150 + 0.3 * x - 0.1 * y;
const spotDepth = (x: number, y: number): number =>
  SPOTS.reduce((s, p) => s + p.depth * Math.exp(-((x + 0.5 - p.x) ** 2 + (y + 0.5 - p.y) ** 2) / (2 * p.sigma ** 2)), 0);

function grey(value: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const v = value(x, y);
    data.set([v, v, v, 255], (y * W + x) * 4);
  }
  return { width: W, height: H, data };
}

const dusty = grey((x, y) => background(x, y) - spotDepth(x, y));
const lit = (map: Uint8ClampedArray, i: number): boolean => map[i * 4] === 255;

describe('visualise spots (high-pass map)', () => {
  it('box mean equals a brute-force window average, borders clipped', () => {
    const v = new Float32Array(37 * 23).map((_, i) => (i * 7919) % 251);
    const got = boxMean(v, 37, 23, 4);
    for (let y = 0; y < 23; y++) for (let x = 0; x < 37; x++) {
      let s = 0, n = 0;
      for (let yy = Math.max(0, y - 4); yy <= Math.min(22, y + 4); yy++) for (let xx = Math.max(0, x - 4); xx <= Math.min(36, x + 4); xx++) { s += v[yy * 37 + xx]!; n++; }
      expect(got[y * 37 + x]).toBeCloseTo(s / n, 3);
    }
  });

  it('luminance is Rec. 601 luma', () => {
    const l = luminance({ width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 0, 255, 10, 200, 30, 255]) });
    expect(l[0]).toBeCloseTo(76.245, 3);
    expect(l[1]).toBeCloseTo(0.299 * 10 + 0.587 * 200 + 0.114 * 30, 3);
  });

  it('the dark spots, and only they, light up; the brightness ramp stays dark', () => {
    const t = 12;
    const map = renderSpotMap(highPass(dusty, 12), t);
    // Closed form: a pixel lights where the spot's depth there reaches the threshold. The local mean
    // drops by at most depth·2πσ²/25² (< 2 units here) next to a spot, so only pixels within that
    // margin of the threshold may go either way.
    const margin = 2.5;
    let unsure = 0, litCount = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const d = spotDepth(x, y);
      const i = y * W + x;
      if (lit(map, i)) litCount++;
      if (Math.abs(d - t) < margin) { unsure++; continue; }
      expect(lit(map, i), `pixel ${x},${y} (spot depth ${d.toFixed(1)})`).toBe(d > t);
    }
    for (const s of SPOTS) expect(lit(map, Math.floor(s.y) * W + Math.floor(s.x))).toBe(true);
    expect(litCount).toBeGreaterThan(3 * 9);
    expect(unsure).toBeLessThan(litCount);
    // Away from the spots the map is dim.
    for (let i = 0; i < W * H; i++) if (!lit(map, i)) expect(map[i * 4]).toBeLessThanOrEqual(BELOW_THRESHOLD_MAX);
    const clean = renderSpotMap(highPass(grey(background), 12), t);
    for (let i = 0; i < W * H; i++) expect(lit(clean, i)).toBe(false);
  });

  it('raising the threshold keeps a subset and drops the faintest spot', () => {
    const hp = highPass(dusty, 12);
    const low = renderSpotMap(hp, 12), high = renderSpotMap(hp, 55);
    let highCount = 0;
    for (let i = 0; i < W * H; i++) if (lit(high, i)) { highCount++; expect(lit(low, i)).toBe(true); }
    expect(highCount).toBeGreaterThan(0);
    const faint = SPOTS[2]!;
    expect(lit(high, Math.floor(faint.y) * W + Math.floor(faint.x))).toBe(false);
    expect(lit(high, Math.floor(SPOTS[0]!.y) * W + Math.floor(SPOTS[0]!.x))).toBe(true);
  });

  it('bright specks light up too', () => {
    const map = renderSpotMap(highPass(grey((x, y) => 100 + (x === 50 && y === 60 ? 60 : 0)), 8), 12);
    const litAt: number[] = [];
    for (let i = 0; i < W * H; i++) if (lit(map, i)) litAt.push(i);
    expect(litAt).toEqual([60 * W + 50]);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => highPass({ width: 4, height: 4, data: new Uint8ClampedArray(10) })).toThrow(/expected 64 RGBA bytes/);
    expect(() => highPass({ width: 0, height: 4, data: new Uint8ClampedArray(0) })).toThrow(/positive integers/);
    expect(() => boxMean(new Float32Array(4), 2, 2, 0)).toThrow(/radius/);
    expect(() => renderSpotMap(highPass(dusty), 0)).toThrow(/threshold/);
  });
});
