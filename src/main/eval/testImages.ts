/**
 * Synthetic test pictures for the eval tests: a stationary texture (so the
 * fill and its surroundings should score alike) and helpers that damage a
 * fill the way weak inpainting does (blur, level offset).
 */
import type { Rgb8 } from './fidelity';
import { mulberry32 } from './masks';

/** Grain plus oriented stripes plus a gentle gradient: detail at every scale, statistically the same everywhere. */
export function texturedImage(width: number, height: number, seed = 1): Rgb8 {
  const rand = mulberry32(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const stripes = 40 * Math.sin(0.9 * x + 0.4 * y) + 25 * Math.sin(0.23 * x - 0.31 * y);
    for (let c = 0; c < 3; c++) {
      const v = 110 + 20 * c + stripes + 50 * (rand() - 0.5) + 0.1 * y;
      data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { width, height, data };
}

export function rectMask(width: number, height: number, x0: number, y0: number, w: number, h: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) m[y * width + x] = 255;
  return m;
}

/** The image with the masked pixels replaced by a (2r+1)² box blur of the image: a soft, detail-free fill. */
export function blurInside(img: Rgb8, mask: Uint8Array, r: number): Rgb8 {
  const { width, height } = img;
  const out = img.data.slice();
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (mask[y * width + x]! <= 127) continue;
    for (let c = 0; c < 3; c++) {
      let s = 0, n = 0;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const xx = Math.min(width - 1, Math.max(0, x + dx)), yy = Math.min(height - 1, Math.max(0, y + dy));
        s += img.data[(yy * width + xx) * 3 + c]!; n++;
      }
      out[(y * width + x) * 3 + c] = Math.round(s / n);
    }
  }
  return { width, height, data: out };
}

export function offsetInside(img: Rgb8, mask: Uint8Array, d: number): Rgb8 {
  const out = img.data.slice();
  for (let p = 0; p < mask.length; p++) if (mask[p]! > 127) for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.max(0, Math.min(255, out[p * 3 + c]! + d));
  return { width: img.width, height: img.height, data: out };
}
