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

/** `out` (one per target) may be reused between calls: every entry is written. */
export function voteWeights(level: SearchLevel, field: NearestNeighbourField, out?: Float64Array): Float64Array {
  const { targets, width, height, r } = level;
  const n = targets.pixel.length;
  // Per-pixel match distances first, turned into weights in place (one target-sized array, not two).
  const weights = out && out.length === n ? out : new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const x = targets.x[t]!, y = targets.y[t]!;
    const cols = Math.min(x, r) + Math.min(width - 1 - x, r) + 1;
    const rows = Math.min(y, r) + Math.min(height - 1 - y, r) + 1;
    weights[t] = field.cost[t]! / (cols * rows);
  }
  const stride = Math.max(1, Math.floor(n / PERCENTILE_SAMPLES));
  const sample = new Float64Array(Math.ceil(n / stride));
  for (let i = 0, t = 0; t < n; t += stride) sample[i++] = weights[t]!;
  sample.sort();
  const sigma2 = Math.max(1, sample[Math.floor(0.75 * (sample.length - 1))] ?? 1);
  const depth = level.targetDepth;
  for (let t = 0; t < n; t++) {
    const match = Math.min(weights[t]! / (2 * sigma2), MAX_MATCH_EXPONENT);
    const confidence = Math.min(LOG_CONFIDENCE_BASE * depth[t]!, MAX_CONFIDENCE_EXPONENT);
    weights[t] = Math.exp(-match - confidence);
  }
  return weights;
}

/**
 * Writes the vote into `out`'s hole pixels, reading proposals from `values`
 * (same layout). Sources never overlap the hole, so `out` may be `values`.
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
  const source = field.source;
  const indexOf = targets.indexOf;
  const four = C === 4;
  for (let k = 0; k < targets.pixel.length; k++) {
    const p = targets.pixel[k]!;
    if (hole[p] === 0) continue;
    const x = targets.x[k]!, y = targets.y[k]!;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, wsum = 0;
    const dyMin = Math.max(-r, y - (height - 1)), dyMax = Math.min(r, y);
    const dxMin = Math.max(-r, x - (width - 1)), dxMax = Math.min(r, x);
    // The patch centred at p - (dx, dy) covers p at offset (dx, dy).
    for (let dy = dyMin; dy <= dyMax; dy++) {
      const rowOffset = dy * width;
      for (let dx = dxMin; dx <= dxMax; dx++) {
        const t = indexOf[p - rowOffset - dx]!;
        const w = weights[t]!;
        const s = (source[t]! + rowOffset + dx) * C;
        a0 += w * values[s]!;
        a1 += w * values[s + 1]!;
        a2 += w * values[s + 2]!;
        if (four) a3 += w * values[s + 3]!;
        wsum += w;
      }
    }
    const o = p * C;
    out[o] = clampRound(a0 / wsum, maxValue);
    out[o + 1] = clampRound(a1 / wsum, maxValue);
    out[o + 2] = clampRound(a2 / wsum, maxValue);
    if (four) out[o + 3] = clampRound(a3 / wsum, maxValue);
  }
}

function clampRound(v: number, maxValue: number): number {
  const r = Math.round(v);
  return r < 0 ? 0 : r > maxValue ? maxValue : r;
}
