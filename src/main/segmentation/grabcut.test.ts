import { describe, expect, it } from 'vitest';
import { boxTrimap, grabCut, Trimap } from './grabcut';
import { maskIou } from './image';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/**
 * A synthetic photo with a known foreground: a star-shaped object of two
 * colours over a two-colour background with texture and Gaussian noise.
 */
function syntheticScene(seed: number, width: number, height: number) {
  const rand = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const data = new Uint8Array(width * height * 3);
  const truth = new Uint8Array(width * height);
  const cx = width * (0.4 + 0.2 * rand()), cy = height * (0.4 + 0.2 * rand());
  const r0 = Math.min(width, height) * 0.25;
  // Two colours per side, every foreground colour at least 90 levels (RGB distance) from every background one:
  // GrabCut's premise is that the colour statistics differ (with overlapping palettes OpenCV's grabCut scores the
  // same low IoU as ours; see docs/segmentation.md).
  const colour = () => [200 * rand() + 30, 200 * rand() + 30, 200 * rand() + 30];
  const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
  let fgA: number[], fgB: number[], bgA: number[], bgB: number[];
  do {
    fgA = colour(); fgB = colour(); bgA = colour(); bgB = colour();
  } while (Math.min(dist(fgA, bgA), dist(fgA, bgB), dist(fgB, bgA), dist(fgB, bgB)) < 90);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = Math.atan2(y - cy, x - cx), d = Math.hypot(x - cx, y - cy);
      const inside = d < r0 * (1 + 0.35 * Math.cos(5 * a));
      const i = y * width + x;
      truth[i] = inside ? 255 : 0;
      const stripes = inside ? (Math.floor((x + y) / 9) % 2 === 0) : (Math.sin(x / 7) * Math.cos(y / 11) > 0);
      const base = inside ? (stripes ? fgA : fgB) : (stripes ? bgA : bgB);
      for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(base[c]! + 12 * gauss())));
    }
  }
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i]) { const x = i % width, y = (i - x) / width; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const pad = 6;
  return { data, truth, box: { x: x0 - pad, y: y0 - pad, width: x1 - x0 + 1 + 2 * pad, height: y1 - y0 + 1 + 2 * pad } };
}

describe('grabCut', () => {
  it('recovers a known foreground from a loose box (IoU >= 0.95 on 6 synthetic scenes)', () => {
    const ious: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const w = 200, h = 160;
      const scene = syntheticScene(seed, w, h);
      const mask = grabCut(scene.data, w, h, boxTrimap(w, h, scene.box));
      ious.push(maskIou(mask, scene.truth));
    }
    console.log(`grabCut synthetic IoU: ${ious.map((v) => v.toFixed(4)).join(', ')} (min ${Math.min(...ious).toFixed(4)})`);
    for (const iou of ious) expect(iou).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps fixed foreground and background pixels as given', () => {
    const w = 60, h = 40;
    const scene = syntheticScene(9, w, h);
    const trimap = boxTrimap(w, h, scene.box);
    trimap[0] = Trimap.Background;
    const centre = Math.floor(h / 2) * w + Math.floor(w / 2);
    trimap[centre] = Trimap.Foreground;
    const mask = grabCut(scene.data, w, h, trimap);
    expect(mask[0]).toBe(0);
    expect(mask[centre]).toBe(255);
  });

  it('refuses a trimap without background', () => {
    const data = new Uint8Array(4 * 4 * 3);
    expect(() => grabCut(data, 4, 4, new Uint8Array(16).fill(Trimap.ProbablyForeground))).toThrow(/background and foreground/);
  });
});
