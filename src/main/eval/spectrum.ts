/**
 * Radially averaged power spectrum of the fill, compared with the original's
 * spectrum under the same window. The window is the mask softened inward
 * (weight rises over `taper` px from the edge), so only the filled pixels
 * contribute and both images are seen through exactly the same aperture: any
 * difference comes from the fill's content. A blurry fill loses power at high
 * frequencies (negative dB); noise or ringing adds it (positive dB).
 */
import { squaredDistanceTo } from '../../shared/mask-ops';
import { maskBox, type Rgb8 } from './fidelity';
import { luma } from './realism';

/** In-place iterative radix-2 FFT of (re, im); length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new Error(`FFT length must be a power of two with equal parts, got ${re.length} and ${im.length}`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len >> 1; k++) {
        const a = i + k, b = a + (len >> 1);
        const tr = re[b]! * cr - im[b]! * ci, ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr; im[b] = im[a]! - ti;
        re[a] = re[a]! + tr; im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** 2-D FFT of a rows×cols grid (row-major), both powers of two, in place. */
export function fft2d(re: Float64Array, im: Float64Array, rows: number, cols: number): void {
  const rr = new Float64Array(cols), ri = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    rr.set(re.subarray(r * cols, (r + 1) * cols)); ri.set(im.subarray(r * cols, (r + 1) * cols));
    fft(rr, ri);
    re.set(rr, r * cols); im.set(ri, r * cols);
  }
  const cr = new Float64Array(rows), ci = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) { cr[r] = re[r * cols + c]!; ci[r] = im[r * cols + c]!; }
    fft(cr, ci);
    for (let r = 0; r < rows; r++) { re[r * cols + c] = cr[r]!; im[r * cols + c] = ci[r]!; }
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * Radially averaged power of (values − weighted mean)·window, zero-padded to
 * powers of two. Bin k covers radial frequency [k, k+1)·0.5/bins cycles/px;
 * frequencies beyond 0.5 (the corners) are dropped.
 */
export function radialPowerSpectrum(values: Float64Array, window: Float64Array, width: number, height: number, bins = 16): Float64Array {
  let wsum = 0, vsum = 0;
  for (let i = 0; i < values.length; i++) { wsum += window[i]!; vsum += window[i]! * values[i]!; }
  const mean = wsum > 0 ? vsum / wsum : 0;
  const cols = nextPow2(width), rows = nextPow2(height);
  const re = new Float64Array(rows * cols), im = new Float64Array(rows * cols);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    re[y * cols + x] = (values[y * width + x]! - mean) * window[y * width + x]!;
  }
  fft2d(re, im, rows, cols);
  const power = new Float64Array(bins), count = new Float64Array(bins);
  for (let r = 0; r < rows; r++) {
    const fy = (r <= rows / 2 ? r : r - rows) / rows;
    for (let c = 0; c < cols; c++) {
      const fx = (c <= cols / 2 ? c : c - cols) / cols;
      const f = Math.hypot(fx, fy);
      if (f === 0 || f >= 0.5) continue;
      const k = Math.floor((f / 0.5) * bins);
      power[k] = power[k]! + re[r * cols + c]! ** 2 + im[r * cols + c]! ** 2;
      count[k] = count[k]! + 1;
    }
  }
  for (let k = 0; k < bins; k++) power[k] = count[k] ? power[k]! / count[k]! / Math.max(wsum, 1e-12) : 0;
  return power;
}

/** The mask softened inward: 0 outside, rising linearly to 1 at `taper` px inside. */
export function taperedWindow(mask: Uint8Array, width: number, height: number, taper: number): Float64Array {
  const d2 = squaredDistanceTo(width, height, (i) => mask[i]! <= 127);
  const out = new Float64Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]! > 127) out[i] = taper > 0 ? Math.min(1, Math.sqrt(d2[i]!) / (taper + 1)) : 1;
  }
  return out;
}

export interface SpectrumComparison {
  /** Per radial bin, 10·log10(P_fill / P_original), dB. */
  readonly curveDb: Float64Array;
  /** Mean dB over the upper half of the frequency range (0.25–0.5 cycles/px): detail lost (<0) or added (>0). */
  readonly highDb: number;
  /** Mean dB over the lower half: structure and contrast at coarse scales. */
  readonly lowDb: number;
}

/** Largest side analysed; bigger holes are analysed in their central part. */
export const SPECTRUM_MAX_SIDE = 512;

/** Compares the result's fill with the original's content under the same tapered mask window. */
export function compareSpectra(original: Rgb8, result: Rgb8, mask: Uint8Array, bins = 16, taper = 3): SpectrumComparison {
  const { width, height } = original;
  let box = maskBox(mask, width, height);
  if (!box) throw new Error('the mask is empty');
  if (box.width > SPECTRUM_MAX_SIDE || box.height > SPECTRUM_MAX_SIDE) {
    const w = Math.min(box.width, SPECTRUM_MAX_SIDE), h = Math.min(box.height, SPECTRUM_MAX_SIDE);
    box = { x: box.x + ((box.width - w) >> 1), y: box.y + ((box.height - h) >> 1), width: w, height: h };
  }
  const fullWindow = taperedWindow(mask, width, height, taper);
  const crop = (v: Float64Array): Float64Array => {
    const out = new Float64Array(box!.width * box!.height);
    for (let y = 0; y < box!.height; y++) out.set(v.subarray((box!.y + y) * width + box!.x, (box!.y + y) * width + box!.x + box!.width), y * box!.width);
    return out;
  };
  const window = crop(fullWindow);
  const po = radialPowerSpectrum(crop(luma(original)), window, box.width, box.height, bins);
  const pr = radialPowerSpectrum(crop(luma(result)), window, box.width, box.height, bins);
  // A floor of 1e-6 (luma² units) keeps flat regions (sky) from giving ±∞.
  const curveDb = new Float64Array(bins);
  for (let k = 0; k < bins; k++) curveDb[k] = 10 * Math.log10((pr[k]! + 1e-6) / (po[k]! + 1e-6));
  const mean = (a: number, b: number): number => { let s = 0; for (let k = a; k < b; k++) s += curveDb[k]!; return s / (b - a); };
  return { curveDb, lowDb: mean(0, bins >> 1), highDb: mean(bins >> 1, bins) };
}
