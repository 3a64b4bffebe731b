/**
 * Report thumbnails (small JPEGs): the context around the hole for the
 * original, the mask and each method's fill, and the whole-frame
 * outside-change heatmap, downscaled by max-pooling so that a single changed
 * pixel never disappears from the thumbnail.
 */
import sharp from 'sharp';
import type { Box, Rgb8 } from './fidelity';
import { maskBox } from './fidelity';

/** The hole's box plus a margin of a quarter of its long side (at least 12 px). */
export function contextBox(mask: Uint8Array, width: number, height: number): Box {
  const tight = maskBox(mask, width, height);
  if (!tight) return { x: 0, y: 0, width, height };
  return maskBox(mask, width, height, Math.max(12, Math.round(0.25 * Math.max(tight.width, tight.height))))!;
}

export function cropRgb(img: Rgb8, box: Box): Rgb8 {
  const data = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * img.width + box.x) * 3;
    data.set(img.data.subarray(from, from + box.width * 3), y * box.width * 3);
  }
  return { width: box.width, height: box.height, data };
}

/** The photo with the hole tinted red (half strength) so the mask reads at a glance. */
export function maskOverlay(img: Rgb8, mask: Uint8Array): Rgb8 {
  const data = img.data.slice();
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! <= 127) continue;
    data[p * 3] = Math.round((data[p * 3]! + 255) / 2);
    data[p * 3 + 1] = Math.round(data[p * 3 + 1]! / 2);
    data[p * 3 + 2] = Math.round(data[p * 3 + 2]! / 2);
  }
  return { width: img.width, height: img.height, data };
}

/** Downscale by an integer factor taking, per block, the pixel with the largest channel sum. */
export function maxPoolDownscale(img: Rgb8, factor: number): Rgb8 {
  if (factor <= 1) return img;
  const w = Math.ceil(img.width / factor), h = Math.ceil(img.height / factor);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let best = -1, bi = 0;
    for (let yy = y * factor; yy < Math.min(img.height, (y + 1) * factor); yy++) {
      for (let xx = x * factor; xx < Math.min(img.width, (x + 1) * factor); xx++) {
        const i = (yy * img.width + xx) * 3;
        const s = img.data[i]! + img.data[i + 1]! + img.data[i + 2]!;
        if (s > best) { best = s; bi = i; }
      }
    }
    const o = (y * w + x) * 3;
    data[o] = img.data[bi]!; data[o + 1] = img.data[bi + 1]!; data[o + 2] = img.data[bi + 2]!;
  }
  return { width: w, height: h, data };
}

export async function jpegThumb(img: Rgb8, maxEdge: number, quality = 82): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}

/** Heatmap thumbnail: max-pool first so changed pixels survive, then a gentle resize. */
export async function heatmapThumb(heat: Rgb8, maxEdge: number): Promise<Buffer> {
  const factor = Math.max(1, Math.floor(Math.max(heat.width, heat.height) / maxEdge));
  const pooled = maxPoolDownscale(heat, factor);
  return sharp(pooled.data, { raw: { width: pooled.width, height: pooled.height, channels: 3 } })
    .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true, kernel: 'nearest' })
    .jpeg({ quality: 90 })
    .toBuffer();
}
