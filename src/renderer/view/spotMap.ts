/**
 * "Visualise spots": a high-pass map of the photo in which sensor dust and
 * small specks stand out. Each pixel's luminance minus the mean of the
 * (2r+1)² window around it (the window clipped at the borders) is the
 * detail at that scale; smooth gradients (sky, vignetting) cancel out, a
 * spot smaller than the window does not. Pixels whose detail reaches the
 * threshold are drawn white, the rest dim grey in proportion, so the spots
 * light up on a dark map.
 */

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** Window radius (pixels of the analysed image): spots up to about this radius stand out. */
export const DEFAULT_SPOT_RADIUS = 12;
/** Luminance difference (0..255) at which a pixel lights up. */
export const DEFAULT_SPOT_THRESHOLD = 12;
export const MIN_SPOT_THRESHOLD = 1;
export const MAX_SPOT_THRESHOLD = 64;
/** Brightest grey of pixels below the threshold. */
export const BELOW_THRESHOLD_MAX = 96;

export interface HighPass {
  readonly width: number;
  readonly height: number;
  /** Luminance minus its local mean, per pixel. */
  readonly detail: Float32Array;
}

function checkImage(img: RgbaImage): void {
  if (!(Number.isInteger(img.width) && Number.isInteger(img.height) && img.width > 0 && img.height > 0)) {
    throw new Error(`image size must be positive integers, got ${img.width}×${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 4) {
    throw new Error(`expected ${img.width * img.height * 4} RGBA bytes for ${img.width}×${img.height}, got ${img.data.length}`);
  }
}

/** Rec. 601 luma, 0..255. */
export function luminance(img: RgbaImage): Float32Array {
  checkImage(img);
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) out[i] = 0.299 * d[i * 4]! + 0.587 * d[i * 4 + 1]! + 0.114 * d[i * 4 + 2]!;
  return out;
}

/** Mean over the (2r+1)² window around each pixel, clipped at the borders (separable running sums). */
export function boxMean(values: Float32Array, width: number, height: number, radius: number): Float32Array {
  if (!(Number.isInteger(radius) && radius >= 1)) throw new Error(`radius must be a positive integer, got ${radius}`);
  if (values.length !== width * height) throw new Error(`expected ${width * height} values, got ${values.length}`);
  const rows = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(radius, width); x++) sum += values[o + x]!;
    for (let x = 0; x < width; x++) {
      if (x + radius < width) sum += values[o + x + radius]!;
      if (x - radius - 1 >= 0) sum -= values[o + x - radius - 1]!;
      rows[o + x] = sum / (Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1);
    }
  }
  const out = new Float32Array(width * height);
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(radius, height); y++) sum += rows[y * width + x]!;
    for (let y = 0; y < height; y++) {
      if (y + radius < height) sum += rows[(y + radius) * width + x]!;
      if (y - radius - 1 >= 0) sum -= rows[(y - radius - 1) * width + x]!;
      out[y * width + x] = sum / (Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1);
    }
  }
  return out;
}

export function highPass(img: RgbaImage, radius = DEFAULT_SPOT_RADIUS): HighPass {
  const lum = luminance(img);
  const mean = boxMean(lum, img.width, img.height, radius);
  for (let i = 0; i < lum.length; i++) lum[i] = lum[i]! - mean[i]!;
  return { width: img.width, height: img.height, detail: lum };
}

/** The map as opaque RGBA: white where |detail| ≥ threshold, grey up to BELOW_THRESHOLD_MAX below it. */
export function renderSpotMap(hp: HighPass, threshold: number): Uint8ClampedArray<ArrayBuffer> {
  if (!(Number.isFinite(threshold) && threshold > 0)) throw new Error(`threshold must be a positive number, got ${threshold}`);
  const n = hp.width * hp.height;
  const out = new Uint8ClampedArray(n * 4);
  const scale = BELOW_THRESHOLD_MAX / threshold;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(hp.detail[i]!);
    const g = v >= threshold ? 255 : Math.min(BELOW_THRESHOLD_MAX, Math.round(v * scale));
    out[i * 4] = g;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = g;
    out[i * 4 + 3] = 255;
  }
  return out;
}
