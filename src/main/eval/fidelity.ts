/**
 * Fidelity metrics against the original photo: inside the mask (L1, PSNR,
 * SSIM), outside it (maximum absolute change), and across samples (diversity,
 * L1 of the samples' mean). Pure functions on 8-bit interleaved RGB.
 *
 * SSIM follows scikit-image's `structural_similarity` defaults (7×7 uniform
 * window, sample covariance, K1 = 0.01, K2 = 0.03, scipy "reflect" borders,
 * channels averaged); the tests check it against values scikit-image wrote.
 */

/** 8-bit interleaved RGB, row-major. */
export interface Rgb8 {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface Box { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

function checkSameSize(a: Rgb8, b: Rgb8, mask?: Uint8Array): void {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) {
    throw new Error(`images differ in size: ${a.width}x${a.height} (${a.data.length} bytes) vs ${b.width}x${b.height} (${b.data.length} bytes)`);
  }
  if (a.data.length !== a.width * a.height * 3) throw new Error(`expected RGB: ${a.width}x${a.height}x3 = ${a.width * a.height * 3} bytes, got ${a.data.length}`);
  if (mask && mask.length !== a.width * a.height) throw new Error(`mask has ${mask.length} pixels, image has ${a.width * a.height}`);
}

export function countMasked(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]! > 127) n++;
  return n;
}

/** Mean |a − b| over the mask's pixels and the 3 channels, on a 0..1 scale. */
export function maskedL1(a: Rgb8, b: Rgb8, mask: Uint8Array): number {
  checkSameSize(a, b, mask);
  let sum = 0, n = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! <= 127) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs(a.data[p * 3 + c]! - b.data[p * 3 + c]!);
    n += 3;
  }
  if (n === 0) throw new Error('the mask is empty');
  return sum / n / 255;
}

export function maskedMse(a: Rgb8, b: Rgb8, mask: Uint8Array): number {
  checkSameSize(a, b, mask);
  let sum = 0, n = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! <= 127) continue;
    for (let c = 0; c < 3; c++) { const d = a.data[p * 3 + c]! - b.data[p * 3 + c]!; sum += d * d; }
    n += 3;
  }
  if (n === 0) throw new Error('the mask is empty');
  return sum / n;
}

/** PSNR in dB over the mask's pixels (data range 255); Infinity when identical there. */
export function maskedPsnr(a: Rgb8, b: Rgb8, mask: Uint8Array): number {
  const mse = maskedMse(a, b, mask);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** scipy.ndimage "reflect" index: (d c b a | a b c d | d c b a). */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let k = ((i % period) + period) % period;
  if (k >= n) k = period - 1 - k;
  return k;
}

/** Separable `size`×`size` mean filter with scipy "reflect" borders. */
export function uniformFilter(src: Float64Array, width: number, height: number, size: number): Float64Array {
  const half = (size - 1) >> 1;
  const tmp = new Float64Array(width * height);
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -half; k <= size - 1 - half; k++) s += src[row + reflectIndex(x + k, width)]!;
      tmp[row + x] = s / size;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let s = 0;
      for (let k = -half; k <= size - 1 - half; k++) s += tmp[reflectIndex(y + k, height) * width + x]!;
      out[y * width + x] = s / size;
    }
  }
  return out;
}

function channelOf(img: Rgb8, box: Box, c: number): Float64Array {
  const out = new Float64Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) for (let x = 0; x < box.width; x++) {
    out[y * box.width + x] = img.data[((box.y + y) * img.width + box.x + x) * 3 + c]!;
  }
  return out;
}

/**
 * The SSIM map of one channel pair (scikit-image's `full=True` S), as
 * Float64 values at each pixel of `box`, computed with the box as the frame.
 */
function ssimMapChannel(a: Float64Array, b: Float64Array, width: number, height: number, winSize: number, dataRange: number): Float64Array {
  const np = winSize * winSize;
  const covNorm = np / (np - 1);
  const ab = new Float64Array(a.length), aa = new Float64Array(a.length), bb = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) { aa[i] = a[i]! * a[i]!; bb[i] = b[i]! * b[i]!; ab[i] = a[i]! * b[i]!; }
  const ux = uniformFilter(a, width, height, winSize), uy = uniformFilter(b, width, height, winSize);
  const uxx = uniformFilter(aa, width, height, winSize), uyy = uniformFilter(bb, width, height, winSize), uxy = uniformFilter(ab, width, height, winSize);
  const c1 = (0.01 * dataRange) ** 2, c2 = (0.03 * dataRange) ** 2;
  const s = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const vx = covNorm * (uxx[i]! - ux[i]! * ux[i]!);
    const vy = covNorm * (uyy[i]! - uy[i]! * uy[i]!);
    const vxy = covNorm * (uxy[i]! - ux[i]! * uy[i]!);
    s[i] = ((2 * ux[i]! * uy[i]! + c1) * (2 * vxy + c2)) / ((ux[i]! * ux[i]! + uy[i]! * uy[i]! + c1) * (vx + vy + c2));
  }
  return s;
}

/** Channel-averaged SSIM map over `box` (default: the whole image). */
export function ssimMap(a: Rgb8, b: Rgb8, box: Box = { x: 0, y: 0, width: a.width, height: a.height }, winSize = 7): Float64Array {
  checkSameSize(a, b);
  if (box.width < winSize || box.height < winSize) throw new Error(`SSIM needs at least ${winSize}x${winSize} pixels, got ${box.width}x${box.height}`);
  const out = new Float64Array(box.width * box.height);
  for (let c = 0; c < 3; c++) {
    const s = ssimMapChannel(channelOf(a, box, c), channelOf(b, box, c), box.width, box.height, winSize, 255);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + s[i]! / 3;
  }
  return out;
}

/** scikit-image's `structural_similarity(a, b, channel_axis=-1, data_range=255)`: the map's mean without a (win−1)/2 border. */
export function ssimGlobal(a: Rgb8, b: Rgb8, winSize = 7): number {
  const map = ssimMap(a, b, undefined, winSize);
  const pad = (winSize - 1) >> 1;
  let sum = 0, n = 0;
  for (let y = pad; y < a.height - pad; y++) for (let x = pad; x < a.width - pad; x++) { sum += map[y * a.width + x]!; n++; }
  return sum / n;
}

/** Bounding box of the mask grown by `margin`, clamped to the frame; null for an empty mask. */
export function maskBox(mask: Uint8Array, width: number, height: number, margin = 0): Box | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (mask[y * width + x]! > 127) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; y1 = y; }
  }
  if (x1 < 0) return null;
  const xa = Math.max(0, x0 - margin), ya = Math.max(0, y0 - margin);
  const xb = Math.min(width - 1, x1 + margin), yb = Math.min(height - 1, y1 + margin);
  return { x: xa, y: ya, width: xb - xa + 1, height: yb - ya + 1 };
}

/**
 * Mean of the full-image SSIM map over the mask's pixels. Computed on the
 * mask's box grown by the window radius, so every masked pixel sees exactly
 * the window it would see in the whole image.
 */
export function maskedSsim(a: Rgb8, b: Rgb8, mask: Uint8Array, winSize = 7): number {
  checkSameSize(a, b, mask);
  const pad = (winSize - 1) >> 1;
  let box = maskBox(mask, a.width, a.height, pad);
  if (!box) throw new Error('the mask is empty');
  if (box.width < winSize || box.height < winSize) box = { x: 0, y: 0, width: a.width, height: a.height };
  const map = ssimMap(a, b, box, winSize);
  let sum = 0, n = 0;
  for (let y = 0; y < box.height; y++) for (let x = 0; x < box.width; x++) {
    if (mask[(box.y + y) * a.width + box.x + x]! > 127) { sum += map[y * box.width + x]!; n++; }
  }
  return sum / n;
}

export interface OutsideChange {
  /** Largest |result − original| over pixels outside the mask and all channels; must be 0. */
  readonly maxAbs: number;
  /** Pixels outside the mask where any channel differs. */
  readonly changedPixels: number;
  /** Mean squared error over the outside pixels (the seed thesis's measure). */
  readonly mse: number;
}

export function outsideChange(original: Rgb8, result: Rgb8, mask: Uint8Array): OutsideChange {
  checkSameSize(original, result, mask);
  let maxAbs = 0, changed = 0, sq = 0, n = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! > 127) continue;
    let any = false;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(original.data[p * 3 + c]! - result.data[p * 3 + c]!);
      if (d > maxAbs) maxAbs = d;
      if (d) any = true;
      sq += d * d;
    }
    if (any) changed++;
    n += 3;
  }
  return { maxAbs, changedPixels: changed, mse: n ? sq / n : 0 };
}

/** Mean pairwise L1 (0..1) between samples inside the mask; 0 for fewer than two samples. */
export function diversity(samples: readonly Rgb8[], mask: Uint8Array): number {
  if (samples.length < 2) return 0;
  let sum = 0, pairs = 0;
  for (let i = 0; i < samples.length; i++) for (let j = i + 1; j < samples.length; j++) {
    sum += maskedL1(samples[i]!, samples[j]!, mask);
    pairs++;
  }
  return sum / pairs;
}

/**
 * L1 (0..1) of the per-pixel mean of the samples against the original inside
 * the mask. Averaging samples trades detail for a lower L1, which is why L1 of
 * single samples is reported beside it (DESIGN.md §8).
 */
export function l1OfMean(samples: readonly Rgb8[], original: Rgb8, mask: Uint8Array): number {
  if (samples.length === 0) throw new Error('no samples');
  for (const s of samples) checkSameSize(s, original, mask);
  let sum = 0, n = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! <= 127) continue;
    for (let c = 0; c < 3; c++) {
      let m = 0;
      for (const s of samples) m += s.data[p * 3 + c]!;
      sum += Math.abs(m / samples.length - original.data[p * 3 + c]!);
      n++;
    }
  }
  if (n === 0) throw new Error('the mask is empty');
  return sum / n / 255;
}
