/**
 * EM "M-step" of Wexler et al. 2007: every hole pixel becomes the weighted
 * mean of the values that all overlapping target patches' sources propose for
 * it. A patch's weight falls with its match distance, exp(-d / 2σ²), with σ²
 * the 75th percentile of the distances (Wexler's choice), so poor matches
 * barely blur good ones; and with the patch centre's distance k from the
 * known area, γ^-k (Wexler's confidence term, γ = 1.3), so patches anchored
 * at the hole's edge win over guesses from its middle and the fill grows
 * inward from the boundary.
 */
import type { NearestNeighbourField, SearchLevel } from './nearestNeighbourField';

/** Exponent cap: keeps weights of terrible matches above zero so every pixel has a vote. */
const MAX_MATCH_EXPONENT = 20;
/** ln γ for the boundary-confidence term. */
const LOG_CONFIDENCE_BASE = Math.log(1.3);
/** Keeps the product of both terms well inside float64's range. */
const MAX_CONFIDENCE_EXPONENT = 600;
const PERCENTILE_SAMPLES = 4096;

export function voteWeights(level: SearchLevel, field: NearestNeighbourField): Float64Array {
  const { targets, width, height, r } = level;
  const n = targets.pixel.length;
  const perPixel = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const x = targets.x[t]!, y = targets.y[t]!;
    const cols = Math.min(x, r) + Math.min(width - 1 - x, r) + 1;
    const rows = Math.min(y, r) + Math.min(height - 1 - y, r) + 1;
    perPixel[t] = field.cost[t]! / (cols * rows);
  }
  const stride = Math.max(1, Math.floor(n / PERCENTILE_SAMPLES));
  const sample = new Float64Array(Math.ceil(n / stride));
  for (let i = 0, t = 0; t < n; t += stride) sample[i++] = perPixel[t]!;
  sample.sort();
  const sigma2 = Math.max(1, sample[Math.floor(0.75 * (sample.length - 1))] ?? 1);
  const weights = new Float64Array(n);
  const depth = level.depth;
  for (let t = 0; t < n; t++) {
    const match = Math.min(perPixel[t]! / (2 * sigma2), MAX_MATCH_EXPONENT);
    const confidence = Math.min(LOG_CONFIDENCE_BASE * depth[targets.pixel[t]!]!, MAX_CONFIDENCE_EXPONENT);
    weights[t] = Math.exp(-match - confidence);
  }
  return weights;
}

/**
 * Writes the vote into `out`'s hole pixels, reading proposals from `values`
 * (same layout). Sources never overlap the hole, so `out` may be `values`.
 * Scatters each target's source patch (contiguous rows, cache-friendly) into
 * per-target accumulators, then divides.
 */
export function voteHole<T extends Uint8Array | Uint16Array>(
  level: SearchLevel,
  field: NearestNeighbourField,
  weights: Float64Array,
  values: T,
  out: T,
  maxValue: number,
): void {
  const { targets, width, height, r, hole, channels: C } = level;
  const { indexOf } = targets;
  const source = field.source;
  const n = targets.pixel.length;
  const sums = new Float64Array(n * C);
  const weightSums = new Float64Array(n);
  const four = C === 4;
  for (let t = 0; t < n; t++) {
    const w = weights[t]!;
    const tx = targets.x[t]!, ty = targets.y[t]!;
    const x0 = tx < r ? -tx : -r, x1 = tx + r >= width ? width - 1 - tx : r;
    const y0 = ty < r ? -ty : -r, y1 = ty + r >= height ? height - 1 - ty : r;
    const s = source[t]!;
    for (let dy = y0; dy <= y1; dy++) {
      const rowP = (ty + dy) * width + tx;
      const rowS = s + dy * width;
      for (let dx = x0; dx <= x1; dx++) {
        const p = rowP + dx;
        if (hole[p] === 0) continue;
        const q = indexOf[p]!;
        const a = q * C, b = (rowS + dx) * C;
        sums[a] += w * values[b]!;
        sums[a + 1] += w * values[b + 1]!;
        sums[a + 2] += w * values[b + 2]!;
        if (four) sums[a + 3] += w * values[b + 3]!;
        weightSums[q] += w;
      }
    }
  }
  for (let q = 0; q < n; q++) {
    const p = targets.pixel[q]!;
    if (hole[p] === 0) continue;
    const inv = 1 / weightSums[q]!, a = q * C, o = p * C;
    for (let c = 0; c < C; c++) {
      const v = Math.round(sums[a + c]! * inv);
      out[o + c] = v < 0 ? 0 : v > maxValue ? maxValue : v;
    }
  }
}
