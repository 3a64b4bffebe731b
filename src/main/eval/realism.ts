/**
 * Realism proxies that need no learned network. Each compares the fill with
 * the photo around it (the "ring": pixels outside the mask within a few
 * pixels of it), so it works without ground truth; running the same function
 * on the original photo gives the value real content scores.
 *
 * - high-frequency energy: mean squared 4-neighbour Laplacian of luma, fill ÷
 *   ring. An upscaled or diffused (blurry) fill scores far below 1.
 * - gradient statistics: mean gradient magnitude, fill ÷ ring, and the
 *   1-Wasserstein distance between the two gradient-magnitude distributions
 *   divided by the ring's mean (0 = same distribution).
 * - seam: mean |Δluma| across the mask edge (4-neighbour pairs with one pixel
 *   in and one out) ÷ mean |Δluma| between neighbouring ring pixels. A fill
 *   whose colour or level jumps at the edge scores well above 1.
 */
import { squaredDistanceTo } from '../../shared/mask-ops';
import type { Rgb8 } from './fidelity';

/** BT.601 luma, 0..255, as Float64. */
export function luma(img: Rgb8): Float64Array {
  const out = new Float64Array(img.width * img.height);
  for (let p = 0; p < out.length; p++) {
    out[p] = 0.299 * img.data[p * 3]! + 0.587 * img.data[p * 3 + 1]! + 0.114 * img.data[p * 3 + 2]!;
  }
  return out;
}

/** Pixels outside the mask within `radius` px (Euclidean) of it, 255 / 0. */
export function ringMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const d2 = squaredDistanceTo(width, height, (i) => mask[i]! > 127);
  const out = new Uint8Array(mask.length);
  const r2 = radius * radius;
  for (let i = 0; i < out.length; i++) if (mask[i]! <= 127 && d2[i]! <= r2) out[i] = 255;
  return out;
}

/** Ring radius used by the runner: wide enough to hold texture, scaled with the hole. */
export function defaultRingRadius(width: number, height: number): number {
  return Math.max(6, Math.round(0.04 * Math.min(width, height)));
}

/** Squared 4-neighbour Laplacian at each pixel (borders replicate). */
export function laplacianEnergy(l: Float64Array, width: number, height: number): Float64Array {
  const out = new Float64Array(l.length);
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1) * width, down = Math.min(height - 1, y + 1) * width, row = y * width;
    for (let x = 0; x < width; x++) {
      const left = Math.max(0, x - 1), right = Math.min(width - 1, x + 1);
      const v = 4 * l[row + x]! - l[row + left]! - l[row + right]! - l[up + x]! - l[down + x]!;
      out[row + x] = v * v;
    }
  }
  return out;
}

/** Gradient magnitude from central differences (one-sided at borders). */
export function gradientMagnitude(l: Float64Array, width: number, height: number): Float64Array {
  const out = new Float64Array(l.length);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - 1), y1 = Math.min(height - 1, y + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - 1), x1 = Math.min(width - 1, x + 1);
      const gx = (l[y * width + x1]! - l[y * width + x0]!) / Math.max(1, x1 - x0);
      const gy = (l[y1 * width + x]! - l[y0 * width + x]!) / Math.max(1, y1 - y0);
      out[y * width + x] = Math.hypot(gx, gy);
    }
  }
  return out;
}

function meanOver(values: Float64Array, mask: Uint8Array): number {
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) if (mask[i]! > 127) { s += values[i]!; n++; }
  return n ? s / n : NaN;
}

function valuesOver(values: Float64Array, mask: Uint8Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (mask[i]! > 127) out.push(values[i]!);
  return Float64Array.from(out).sort();
}

/** 1-Wasserstein distance between two empirical distributions (sorted inputs), via their quantile functions. */
export function wasserstein1(a: Float64Array, b: Float64Array, points = 256): number {
  if (a.length === 0 || b.length === 0) return NaN;
  let s = 0;
  for (let k = 0; k < points; k++) {
    const q = (k + 0.5) / points;
    s += Math.abs(a[Math.min(a.length - 1, Math.floor(q * a.length))]! - b[Math.min(b.length - 1, Math.floor(q * b.length))]!);
  }
  return s / points;
}

export interface RealismScores {
  /** Laplacian energy, fill ÷ ring (1 ≈ as detailed as the surroundings). */
  readonly hfRatio: number;
  /** Mean gradient magnitude, fill ÷ ring. */
  readonly gradRatio: number;
  /** W1 distance of gradient magnitudes, fill vs ring, ÷ ring mean. */
  readonly gradW1: number;
  /** Mean |Δluma| across the mask edge ÷ mean |Δluma| between ring neighbours. */
  readonly seam: number;
}

export function realismScores(img: Rgb8, mask: Uint8Array, ring: Uint8Array): RealismScores {
  const { width, height } = img;
  const l = luma(img);
  const lap = laplacianEnergy(l, width, height);
  const grad = gradientMagnitude(l, width, height);
  const ringGrad = meanOver(grad, ring);
  return {
    hfRatio: meanOver(lap, mask) / meanOver(lap, ring),
    gradRatio: meanOver(grad, mask) / ringGrad,
    gradW1: wasserstein1(valuesOver(grad, mask), valuesOver(grad, ring)) / ringGrad,
    seam: seamScore(l, width, height, mask, ring),
  };
}

/** See the module comment; NaN when the mask has no edge inside the frame. */
export function seamScore(l: Float64Array, width: number, height: number, mask: Uint8Array, ring: Uint8Array): number {
  let across = 0, nAcross = 0, inRing = 0, nRing = 0;
  const pair = (a: number, b: number): void => {
    const ma = mask[a]! > 127, mb = mask[b]! > 127;
    const d = Math.abs(l[a]! - l[b]!);
    if (ma !== mb) { across += d; nAcross++; } else if (!ma && ring[a]! > 127 && ring[b]! > 127) { inRing += d; nRing++; }
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = y * width + x;
    if (x + 1 < width) pair(i, i + 1);
    if (y + 1 < height) pair(i, i + width);
  }
  if (!nAcross || !nRing) return NaN;
  // A tiny floor keeps a perfectly flat ring from dividing by zero.
  return (across / nAcross) / Math.max(inRing / nRing, 1e-3);
}
