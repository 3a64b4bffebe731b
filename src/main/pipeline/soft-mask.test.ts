/**
 * A soft mask end to end through the fill pipeline: pixels outside the
 * > 127 region are byte-identical to the photo, and inside, the result is the
 * hard-mask fill blended with weight min((v − 127) / 128, feather ramp),
 * computed here in closed form (brute-force distances).
 */
import { describe, expect, it } from 'vitest';
import { inpaintParamsSchema } from '../../shared/api';
import type { RawImage } from '../imaging/io';
import { runInpaint } from './inpaint';

const W = 96, H = 72;

function photo(): RawImage {
  const data = new Uint8Array(W * H * 3);
  let s = 7;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const i = (y * W + x) * 3;
    data[i] = (x * 5 + (s >>> 28)) & 255; data[i + 1] = (y * 7) & 255; data[i + 2] = ((x ^ y) * 3) & 255;
  }
  return { width: W, height: H, channels: 3, depth: 8, data };
}

/** A soft brush dab: full inside radius 8, falling linearly to the edge at 20 (v = 127 + round(128·p)). */
function softDab(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const d = Math.hypot(x + 0.5 - 48, y + 0.5 - 36);
    const p = d <= 8 ? 1 : d <= 20 ? (20 - d) / 12 : 0;
    const n = Math.round(128 * p);
    m[y * W + x] = n > 0 ? 127 + n : 0;
  }
  return m;
}

async function fill(mask: Uint8Array, feather: number): Promise<RawImage> {
  const params = inpaintParamsSchema.parse({ method: 'patchmatch', samples: 1, seed: 11, feather });
  const [s] = await runInpaint({ image: photo(), mask, params });
  // Paste the region's crop into a copy of the photo.
  const out = photo();
  const c = s!.crop;
  for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width * 3; x++) {
    (out.data as Uint8Array)[((s!.region.y + y) * W + s!.region.x) * 3 + x] = (c.data as Uint8Array)[y * c.width * 3 + x]!;
  }
  return out;
}

describe('soft masks in the fill', () => {
  it('outside the mask nothing changes; inside, the hard fill is blended by the mask weight and the feather ramp', async () => {
    const soft = softDab();
    const hard = soft.map((v) => (v > 127 ? 255 : 0));
    const base = photo().data as Uint8Array;
    // The same fill region and seed: the hard run gives the fill itself (weight 1 everywhere inside).
    const filled = (await fill(hard, 0)).data as Uint8Array;
    for (const feather of [0, 4]) {
      const got = (await fill(soft, feather)).data as Uint8Array;
      let outsideChanged = 0, wrong = 0, partial = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const v = soft[i]!;
        if (v <= 127) {
          for (let k = 0; k < 3; k++) if (got[i * 3 + k] !== base[i * 3 + k]) outsideChanged++;
          continue;
        }
        let d2 = Infinity;
        for (let yy = 0; yy < H; yy++) for (let xx = 0; xx < W; xx++) if (soft[yy * W + xx]! <= 127) d2 = Math.min(d2, (xx - x) ** 2 + (yy - y) ** 2);
        const ramp = feather === 0 ? 1 : Math.min(1, Math.sqrt(d2) / (feather + 1));
        const w = Math.min((v - 127) / 128, ramp);
        if (w > 0 && w < 1) partial++;
        for (let k = 0; k < 3; k++) {
          const b = base[i * 3 + k]!, f = filled[i * 3 + k]!;
          const want = w === 1 ? f : Math.round(b + w * (f - b));
          if (got[i * 3 + k] !== want) wrong++;
        }
      }
      expect(outsideChanged, `feather ${feather}`).toBe(0);
      expect(wrong, `feather ${feather}`).toBe(0);
      expect(partial).toBeGreaterThan(500); // the soft ring really blends partially
    }
  });

  it('a binary mask gives the same result as before: weight 1 inside, untouched outside', async () => {
    const hard = softDab().map((v) => (v > 127 ? 255 : 0));
    const got = (await fill(hard, 0)).data as Uint8Array;
    const base = photo().data as Uint8Array;
    let outsideChanged = 0, insideChanged = 0;
    for (let i = 0; i < W * H; i++) for (let k = 0; k < 3; k++) {
      if (hard[i] === 0 && got[i * 3 + k] !== base[i * 3 + k]) outsideChanged++;
      if (hard[i] === 255 && got[i * 3 + k] !== base[i * 3 + k]) insideChanged++;
    }
    expect(outsideChanged).toBe(0);
    expect(insideChanged).toBeGreaterThan(0);
  });
});
