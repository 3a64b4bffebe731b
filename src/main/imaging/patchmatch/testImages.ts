/** Synthetic images and masks with known ground truth for the PatchMatch tests. */
import { Mulberry32 } from './random';
import type { PixelImage } from './types';

/** A random tile of side `period` repeated over the image: every patch has exact copies elsewhere. */
export function tiledRandomTexture(width: number, height: number, period: number, channels = 3, seed = 1): PixelImage {
  const rng = new Mulberry32(seed);
  const tile = new Uint8Array(period * period * channels);
  for (let i = 0; i < tile.length; i++) tile[i] = rng.nextInt(256);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = ((y % period) * period + (x % period)) * channels;
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = tile[t + c]!;
    }
  }
  return { data, width, height, channels };
}

/** Value = a + b*x + c*y per channel, rounded. */
export function linearGradient(width: number, height: number, channels = 3): PixelImage {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      data[o] = Math.round(20 + (200 * x) / (width - 1));
      data[o + 1] = Math.round(30 + (180 * y) / (height - 1));
      data[o + 2] = Math.round(40 + (100 * (x + y)) / (width + height - 2));
      if (channels === 4) data[o + 3] = 255;
    }
  }
  return { data, width, height, channels };
}

export function discMask(width: number, height: number, cx: number, cy: number, radius: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) mask[y * width + x] = 255;
    }
  }
  return mask;
}

export function rectMask(width: number, height: number, x0: number, y0: number, w: number, h: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = y0; y < y0 + h; y++) mask.fill(255, y * width + x0, y * width + x0 + w);
  return mask;
}

/** Per-channel absolute errors inside the mask: mean and maximum. */
export function errorInsideMask(a: PixelImage, b: PixelImage, mask: Uint8Array): { mean: number; max: number } {
  let sum = 0, n = 0, max = 0;
  const C = a.channels;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]! <= 127) continue;
    for (let c = 0; c < C; c++) {
      const d = Math.abs(a.data[i * C + c]! - b.data[i * C + c]!);
      sum += d;
      n++;
      if (d > max) max = d;
    }
  }
  return { mean: sum / n, max };
}

/** The image with a fill result pasted into its region. */
export function applyFill(image: PixelImage, region: { x: number; y: number; width: number; height: number }, data: Uint8Array): PixelImage {
  const out = image.data.slice();
  const row = region.width * image.channels;
  for (let j = 0; j < region.height; j++) {
    out.set(data.subarray(j * row, (j + 1) * row), ((region.y + j) * image.width + region.x) * image.channels);
  }
  return { ...image, data: out };
}

/** Uniform random noise: no patch repeats, so different seeds give different fills. */
export function randomNoise(width: number, height: number, channels = 3, seed = 5): PixelImage {
  const rng = new Mulberry32(seed);
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextInt(256);
  return { data, width, height, channels };
}
