/**
 * The pixel plumbing the selection engine needs: 8-bit RGB images, crops,
 * bilinear resampling of images and of single-channel float maps, and the
 * box type shared by detection and selection. Pure functions, no I/O.
 */
import { StudioError } from '../../shared/errors';

/** Interleaved 8-bit RGB, row-major, `data.length === width * height * 3`. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A single-channel float map (probabilities, weights), row-major. */
export interface FloatMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Axis-aligned box in image pixels: top-left corner and size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function checkRgb(image: RgbImage): void {
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width < 1 || image.height < 1) {
    throw new StudioError('BAD_REQUEST', `image size ${image.width}x${image.height} is not a positive integer size`);
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new StudioError('BAD_REQUEST', `image data holds ${image.data.length} bytes; ${image.width}x${image.height} RGB needs ${image.width * image.height * 3}`);
  }
}

/**
 * 8-bit RGB from decoded pixels with 3 or 4 channels, 8 or 16 bits
 * (the shape of imaging/io.ts's RawImage); alpha is dropped.
 */
export function toRgb8(raw: { width: number; height: number; channels: number; data: Uint8Array | Uint16Array }): RgbImage {
  const { width, height, channels, data } = raw;
  const n = width * height;
  if (data.length !== n * channels) throw new StudioError('BAD_REQUEST', `pixel data length ${data.length} does not match ${width}x${height}x${channels}`);
  if (channels === 3 && data instanceof Uint8Array) return { width, height, data };
  const out = new Uint8Array(n * 3);
  const shift = data instanceof Uint16Array ? 257 : 1;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(data[i * channels + c]! / shift);
  }
  return { width, height, data: out };
}

/** Integer box clamped to the image; throws when nothing is left. */
export function clampBox(box: Box, width: number, height: number): Box {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.ceil(box.x + box.width));
  const y1 = Math.min(height, Math.ceil(box.y + box.height));
  if (x1 - x0 < 1 || y1 - y0 < 1) throw new StudioError('BAD_REQUEST', `box ${box.x},${box.y},${box.width},${box.height} lies outside the ${width}x${height} image`);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The box grown by `fraction` of its size on every side (and at least `minPx`), clamped. */
export function expandBox(box: Box, fraction: number, width: number, height: number, minPx = 0): Box {
  const dx = Math.max(minPx, box.width * fraction);
  const dy = Math.max(minPx, box.height * fraction);
  return clampBox({ x: box.x - dx, y: box.y - dy, width: box.width + 2 * dx, height: box.height + 2 * dy }, width, height);
}

export function cropRgb(image: RgbImage, box: Box): RgbImage {
  const b = clampBox(box, image.width, image.height);
  const out = new Uint8Array(b.width * b.height * 3);
  for (let y = 0; y < b.height; y++) {
    const src = ((b.y + y) * image.width + b.x) * 3;
    out.set(image.data.subarray(src, src + b.width * 3), y * b.width * 3);
  }
  return { width: b.width, height: b.height, data: out };
}

/**
 * Bilinear resample with half-pixel centres (the convention of TF's
 * ResizeBilinear with half_pixel_centers and of ONNX's half_pixel). When
 * shrinking by more than 2x it first box-averages so that small detail is
 * not aliased away (a person 40 px tall must survive a 24 MP -> 416 px pass).
 */
export function resizeRgb(image: RgbImage, width: number, height: number): RgbImage {
  let src = image;
  while (src.width >= 2 * width && src.height >= 2 * height) src = halveRgb(src);
  const out = new Uint8Array(width * height * 3);
  const sx = src.width / width;
  const sy = src.height / height;
  const { xs0, xs1, xw } = axisWeights(src.width, width, sx);
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(src.height - 1, Math.floor(fy));
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * src.width * 3;
    const r1 = y1 * src.width * 3;
    for (let x = 0; x < width; x++) {
      const a = xs0[x]! * 3, b = xs1[x]! * 3, w = xw[x]!;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src.data[r0 + a + c]! * (1 - w) + src.data[r0 + b + c]! * w;
        const bot = src.data[r1 + a + c]! * (1 - w) + src.data[r1 + b + c]! * w;
        out[o + c] = Math.round(top * (1 - wy) + bot * wy);
      }
    }
  }
  return { width, height, data: out };
}

function halveRgb(image: RgbImage): RgbImage {
  const w = Math.floor(image.width / 2), h = Math.floor(image.height / 2);
  const out = new Uint8Array(w * h * 3);
  const stride = image.width * 3;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (2 * y * image.width + 2 * x) * 3;
      for (let c = 0; c < 3; c++) {
        out[(y * w + x) * 3 + c] = (image.data[i + c]! + image.data[i + 3 + c]! + image.data[i + stride + c]! + image.data[i + stride + 3 + c]! + 2) >> 2;
      }
    }
  }
  return { width: w, height: h, data: out };
}

function axisWeights(srcSize: number, dstSize: number, scale: number) {
  const xs0 = new Int32Array(dstSize), xs1 = new Int32Array(dstSize), xw = new Float32Array(dstSize);
  for (let x = 0; x < dstSize; x++) {
    const f = Math.max(0, (x + 0.5) * scale - 0.5);
    const x0 = Math.min(srcSize - 1, Math.floor(f));
    xs0[x] = x0;
    xs1[x] = Math.min(srcSize - 1, x0 + 1);
    xw[x] = f - x0;
  }
  return { xs0, xs1, xw };
}

/** Bilinear resample of a float map (half-pixel centres). */
export function resizeFloat(map: FloatMap, width: number, height: number): FloatMap {
  const out = new Float32Array(width * height);
  const { xs0, xs1, xw } = axisWeights(map.width, width, map.width / width);
  const sy = map.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(map.height - 1, Math.floor(fy));
    const y1 = Math.min(map.height - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * map.width, r1 = y1 * map.width;
    for (let x = 0; x < width; x++) {
      const a = xs0[x]!, b = xs1[x]!, w = xw[x]!;
      const top = map.data[r0 + a]! * (1 - w) + map.data[r0 + b]! * w;
      const bot = map.data[r1 + a]! * (1 - w) + map.data[r1 + b]! * w;
      out[y * width + x] = top * (1 - wy) + bot * wy;
    }
  }
  return { width, height, data: out };
}

/** Intersection over union of two boxes. */
export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export function boxContains(box: Box, x: number, y: number): boolean {
  return x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
}

/** IoU of two masks (> 127 = selected); 1 when both are empty. */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`mask sizes differ: ${a.length} vs ${b.length}`);
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]! > 127, q = b[i]! > 127;
    if (p && q) inter++;
    if (p || q) union++;
  }
  return union === 0 ? 1 : inter / union;
}
