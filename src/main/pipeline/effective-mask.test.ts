import { describe, expect, it } from 'vitest';
import { binarizeMask, featherWeights, growSoftMask, isHardMask, maskBounds } from '../../shared/mask-ops';
import { effectiveMask, grownHole } from './effective-mask';

/** The whole-frame computation the windowed one must equal. */
function wholeFrame(mask: Uint8Array, w: number, h: number, grow: number, feather: number) {
  const soft = growSoftMask(mask, w, h, grow);
  const effective = isHardMask(soft) ? soft : binarizeMask(soft);
  return { effective, weights: featherWeights(soft, w, h, feather), region: maskBounds(effective, w, h) };
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Random blobs; soft ones get a ramp of levels (some ≤ 127) around a core, like a soft brush. */
function blobs(w: number, h: number, n: number, soft: boolean, rand: () => number, edge = false): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let k = 0; k < n; k++) {
    const cx = edge && k === 0 ? 0 : rand() * w, cy = edge && k === 0 ? rand() * h : rand() * h, r = 1 + rand() * 6;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const v = soft ? Math.round(255 * Math.max(0, Math.min(1, (r + 3 - d) / 4))) : d <= r ? 255 : 0;
      m[y * w + x] = Math.max(m[y * w + x]!, v);
    }
  }
  return m;
}

describe('effectiveMask (windowed grow and feather)', () => {
  const W = 61, H = 47;
  const cases: Array<[string, boolean, boolean]> = [['hard', false, false], ['soft', true, false], ['hard, touching the frame', false, true], ['soft, touching the frame', true, true]];
  for (const [name, soft, edge] of cases) {
    it(`equals the whole-frame computation: ${name}`, () => {
      const rand = lcg(soft ? 7 : 3);
      for (let trial = 0; trial < 6; trial++) {
        const mask = blobs(W, H, 1 + (trial % 3), soft, rand, edge);
        for (const grow of [0, 2, 5]) {
          for (const feather of [0, 3, 8]) {
            const want = wholeFrame(mask, W, H, grow, feather);
            const got = effectiveMask(mask, W, H, grow, feather);
            if (!want.region) { expect(got).toBeNull(); continue; }
            expect(got).not.toBeNull();
            expect(got!.region).toEqual(want.region);
            expect(Buffer.from(got!.effective).equals(Buffer.from(want.effective))).toBe(true);
            const r = want.region;
            const wantRegion: number[] = [];
            for (let y = r.y; y < r.y + r.height; y++) for (let x = r.x; x < r.x + r.width; x++) wantRegion.push(want.weights[y * W + x]!);
            expect(Array.from(got!.weights)).toEqual(wantRegion);
            // and nothing outside the region carries weight in the whole-frame computation
            let outside = 0;
            for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
              if (x < r.x || y < r.y || x >= r.x + r.width || y >= r.y + r.height) outside += want.weights[y * W + x]! > 0 ? 1 : 0;
            }
            expect(outside).toBe(0);
          }
        }
      }
    });
  }

  it('returns null for an empty mask and for one with only levels ≤ 127', () => {
    expect(effectiveMask(new Uint8Array(20 * 10), 20, 10, 3, 2)).toBeNull();
    expect(effectiveMask(new Uint8Array(20 * 10).fill(127), 20, 10, 3, 2)).toBeNull();
  });

  it('a dust spot in a large frame touches only a window around it', () => {
    const w = 4000, h = 3000, mask = new Uint8Array(w * h);
    for (let y = 1495; y < 1505; y++) for (let x = 1995; x < 2005; x++) mask[y * w + x] = 255;
    const m = effectiveMask(mask, w, h, 4, 3)!;
    expect(m.region).toEqual({ x: 1991, y: 1491, width: 18, height: 18 });
    let nonzero = 0;
    for (let i = 0; i < m.weights.length; i++) if (m.weights[i]! > 0) nonzero++;
    // closed form: the 10×10 square, four 10×4 side bands, and per corner the
    // (dx, dy) in 1..4 with dx² + dy² ≤ 16 (3 + 3 + 2 + 0 = 8)
    expect(Array.from(m.effective).filter((v) => v === 255).length).toBe(100 + 4 * 40 + 4 * 8);
    expect(nonzero).toBe(100 + 4 * 40 + 4 * 8);
  });

  it('a box known to hold the mask (a mask region\'s box) changes nothing; grownHole counts the grown mask', () => {
    const rand = lcg(19);
    for (let trial = 0; trial < 6; trial++) {
      const mask = blobs(W, H, 1 + (trial % 3), trial % 2 === 1, rand, trial === 4);
      const b = maskBounds(mask, W, H)!;
      // The tight box, and a looser one around it clipped to the frame.
      const loose = { x: Math.max(0, b.x - 3), y: Math.max(0, b.y - 2), width: 0, height: 0 };
      const boxes = [b, { ...loose, width: Math.min(W, b.x + b.width + 4) - loose.x, height: Math.min(H, b.y + b.height + 1) - loose.y }];
      for (const within of boxes) {
        const want = effectiveMask(mask, W, H, 3, 2)!;
        const got = effectiveMask(mask, W, H, 3, 2, within)!;
        expect(got.region).toEqual(want.region);
        expect(Buffer.from(got.effective).equals(Buffer.from(want.effective))).toBe(true);
        expect(Buffer.from(got.weights.buffer).equals(Buffer.from(want.weights.buffer))).toBe(true);
        const hole = grownHole(mask, W, H, 3, within)!;
        expect(hole.pixels).toBe(wholeFrame(mask, W, H, 3, 0).effective.filter((v) => v > 127).length);
      }
    }
    expect(effectiveMask(new Uint8Array(W * H), W, H, 3, 2, { x: 5, y: 5, width: 4, height: 4 })).toBeNull();
    expect(() => effectiveMask(new Uint8Array(W * H), W, H, 0, 0, { x: W - 2, y: 0, width: 4, height: 4 })).toThrow(/outside/);
  });
});
