import { describe, expect, it } from 'vitest';
import { featherWeights, growMask, growSoftMask, isHardMask, maskWeight, shrinkMask, shrinkSoftMask, weightToMaskValue } from './mask-ops';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A random soft mask: a few discs with linear soft edges, values canonical (0 or 128..255). */
function softMask(W: number, H: number, seed: number): Uint8Array {
  const r = rng(seed);
  const m = new Uint8Array(W * H);
  for (let k = 0; k < 4; k++) {
    const cx = r() * W, cy = r() * H, rad = 3 + r() * 10, hard = r();
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const p = d <= hard * rad ? 1 : d <= rad ? (rad - d) / (rad - hard * rad) : 0;
      m[y * W + x] = Math.max(m[y * W + x]!, weightToMaskValue(p));
    }
  }
  return m;
}

/** Brute force: max (or min) over the in-image pixels q with |q − p|² ≤ r², values ≤ 127 counting as 0. */
function bruteMorph(m: Uint8Array, W: number, H: number, r: number, useMax: boolean): Uint8Array {
  const out = new Uint8Array(W * H);
  const R = Math.ceil(r);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let best = useMax ? 0 : 255;
    for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) {
      if (dx * dx + dy * dy > r * r) continue;
      const xx = x + dx, yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
      const v = m[yy * W + xx]! > 127 ? m[yy * W + xx]! : 0;
      best = useMax ? Math.max(best, v) : Math.min(best, v);
    }
    out[y * W + x] = best > 127 ? best : 0;
  }
  return out;
}

describe('soft masks', () => {
  it('weights: 255 is 1, 128 is 1/128, ≤ 127 is 0; values and weights round-trip on the 128 levels', () => {
    expect(maskWeight(255)).toBe(1);
    expect(maskWeight(128)).toBe(1 / 128);
    expect(maskWeight(127)).toBe(0);
    expect(maskWeight(0)).toBe(0);
    for (let v = 128; v <= 255; v++) expect(weightToMaskValue(maskWeight(v))).toBe(v);
    expect(weightToMaskValue(0.5)).toBe(191);
    expect(weightToMaskValue(0)).toBe(0);
    expect(weightToMaskValue(0.003)).toBe(0);
    expect(weightToMaskValue(1.5)).toBe(255);
  });

  it('soft grow and shrink equal a brute-force disc max/min, and keep growMask/shrinkMask fill regions', () => {
    const W = 47, H = 39;
    for (let seed = 1; seed <= 6; seed++) {
      const m = softMask(W, H, seed);
      expect(isHardMask(m)).toBe(false);
      for (const r of [1, 2.5, 4, 7]) {
        const grown = growSoftMask(m, W, H, r);
        expect(Buffer.from(grown).equals(Buffer.from(bruteMorph(m, W, H, r, true))), `grow ${seed} ${r}`).toBe(true);
        const hardGrown = growMask(m, W, H, r);
        expect(grown.filter((v, i) => (v > 127) !== (hardGrown[i]! > 127)).length).toBe(0);
        const shrunk = shrinkSoftMask(m, W, H, r);
        expect(Buffer.from(shrunk).equals(Buffer.from(bruteMorph(m, W, H, r, false))), `shrink ${seed} ${r}`).toBe(true);
        const hardShrunk = shrinkMask(m, W, H, r);
        expect(shrunk.filter((v, i) => (v > 127) !== (hardShrunk[i]! > 127)).length).toBe(0);
      }
    }
  });

  it('a hard mask takes the binary path: identical to growMask and shrinkMask', () => {
    const W = 40, H = 30;
    const m = softMask(W, H, 9).map((v) => (v > 127 ? 255 : 0));
    expect(isHardMask(m)).toBe(true);
    expect(Buffer.from(growSoftMask(m, W, H, 5)).equals(Buffer.from(growMask(m, W, H, 5)))).toBe(true);
    expect(Buffer.from(shrinkSoftMask(m, W, H, 3)).equals(Buffer.from(shrinkMask(m, W, H, 3)))).toBe(true);
  });

  it('feather weights are the smaller of the mask weight and the edge ramp (brute-force distances)', () => {
    const W = 50, H = 40;
    const m = softMask(W, H, 3);
    for (const feather of [0, 3, 8]) {
      const w = featherWeights(m, W, H, feather);
      let worst = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const v = m[y * W + x]!;
        let want = 0;
        if (v > 127) {
          let d2 = Infinity;
          for (let yy = 0; yy < H; yy++) for (let xx = 0; xx < W; xx++) if (m[yy * W + xx]! <= 127) d2 = Math.min(d2, (xx - x) ** 2 + (yy - y) ** 2);
          const ramp = feather <= 0 ? 1 : Math.min(1, Math.sqrt(d2) / (feather + 1));
          want = Math.min((v - 127) / 128, ramp);
        }
        worst = Math.max(worst, Math.abs(w[y * W + x]! - want));
      }
      expect(worst, `feather ${feather}`).toBeLessThan(1e-6);
    }
  });
});
