/**
 * Cutting one object out of its crop, pure and synchronous (the refine
 * worker runs these off the main thread):
 *  - grabCutObject: GrabCut seeded by a box, on a copy of the crop scaled to
 *    about 200 px, then snapped to the full-resolution edges;
 *  - refinePersonMask: the person model's coarse probability snapped to the
 *    crop's edges, keeping only the parts that overlap the detection.
 */
import type { Box, FloatMap, RgbImage } from './image';
import { cropRgb, expandBox, resizeFloat, resizeRgb } from './image';
import { boxTrimap, grabCut, Trimap } from './grabcut';
import { fillHoles, keepComponentsTouching, refineToEdges } from './refine';

/** Long side of the copy GrabCut works on: ~65k pixels, 1-3 s on one core (docs/segmentation.md). */
export const GRABCUT_WORK_SIDE = 256;
/** Edge refinement runs at most at this many pixels; larger crops are refined scaled down. */
export const REFINE_MAX_PIXELS = 4e6;

function workSize(width: number, height: number, maxPixels: number): { width: number; height: number } {
  const s = Math.min(1, Math.sqrt(maxPixels / (width * height)));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

function toFull(mask: Uint8Array, w: number, h: number, fullW: number, fullH: number): Uint8Array {
  if (w === fullW && h === fullH) return mask;
  const f = new Float32Array(mask.length);
  for (let i = 0; i < f.length; i++) f[i] = mask[i]! / 255;
  const up = resizeFloat({ width: w, height: h, data: f }, fullW, fullH);
  const out = new Uint8Array(fullW * fullH);
  for (let i = 0; i < out.length; i++) out[i] = up.data[i]! >= 0.5 ? 255 : 0;
  return out;
}

/** Largest 4-connected component plus any at least `fraction` of its size. */
function keepMainComponents(mask: Uint8Array, width: number, height: number, fraction: number): Uint8Array {
  const label = new Int32Array(mask.length).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]! <= 127 || label[i] !== -1) continue;
    const id = sizes.length;
    let size = 0;
    label[i] = id;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const x = p % width, y = (p - x) / width;
      const visit = (q: number) => { if (mask[q]! > 127 && label[q] === -1) { label[q] = id; stack.push(q); } };
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < height - 1) visit(p + width);
    }
    sizes.push(size);
  }
  const largest = Math.max(0, ...sizes);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (label[i]! >= 0 && sizes[label[i]!]! >= fraction * largest) out[i] = 255;
  return out;
}

/** GrabCut in `box` (image pixels); returns the mask over `bounds` (the box with a background ring). */
export function grabCutObject(image: RgbImage, box: Box): { mask: Uint8Array; bounds: Box } {
  const region = expandBox(box, 0.1, image.width, image.height, 8);
  const crop = cropRgb(image, region);
  const s = Math.min(1, GRABCUT_WORK_SIDE / Math.max(region.width, region.height));
  const ws = Math.max(4, Math.round(region.width * s)), hs = Math.max(4, Math.round(region.height * s));
  const small = resizeRgb(crop, ws, hs);
  const sx = ws / region.width, sy = hs / region.height;
  const inner = { x: (box.x - region.x) * sx, y: (box.y - region.y) * sy, width: box.width * sx, height: box.height * sy };
  const trimap = boxTrimap(ws, hs, inner);
  if (!trimap.includes(Trimap.Background)) {
    // The box is the whole photo: treat a thin frame as background so GrabCut has a model for it.
    for (let y = 0; y < hs; y++) for (let x = 0; x < ws; x++) if (x < 2 || y < 2 || x >= ws - 2 || y >= hs - 2) trimap[y * ws + x] = Trimap.Background;
  }
  let m = grabCut(small.data, ws, hs, trimap);
  m = fillHoles(keepMainComponents(m, ws, hs, 0.2), ws, hs);
  const coarse = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) coarse[i] = m[i]! / 255;
  const work = workSize(region.width, region.height, REFINE_MAX_PIXELS);
  const guide = work.width === region.width ? crop : resizeRgb(crop, work.width, work.height);
  const refined = refineToEdges(guide, { width: ws, height: hs, data: coarse });
  return { mask: toFull(refined, work.width, work.height, region.width, region.height), bounds: region };
}

/**
 * The person model's probability over the crop (any size; bilinear) snapped
 * to the crop's edges at `work` size, restricted to the components that reach
 * into the detection box (`inner`, as fractions of the crop), holes filled.
 * Returns a mask at the crop's full size.
 */
export function refinePersonMask(crop: RgbImage, coarse: FloatMap, work: { width: number; height: number }, inner: Box): Uint8Array {
  const guide = work.width === crop.width && work.height === crop.height ? crop : resizeRgb(crop, work.width, work.height);
  const refined = refineToEdges(guide, coarse);
  const x0 = Math.floor(inner.x * work.width), y0 = Math.floor(inner.y * work.height);
  const x1 = Math.ceil((inner.x + inner.width) * work.width), y1 = Math.ceil((inner.y + inner.height) * work.height);
  // Seeds: the middle half of the detection box, where the detected person certainly is.
  const mx0 = x0 + (x1 - x0) * 0.25, mx1 = x1 - (x1 - x0) * 0.25, my0 = y0 + (y1 - y0) * 0.1, my1 = y1 - (y1 - y0) * 0.1;
  const kept = keepComponentsTouching(refined, work.width, work.height, (i) => {
    const x = i % work.width, y = (i - x) / work.width;
    return x >= mx0 && x < mx1 && y >= my0 && y < my1;
  });
  const filled = fillHoles(kept, work.width, work.height, 0.02);
  return toFull(filled, work.width, work.height, crop.width, crop.height);
}
