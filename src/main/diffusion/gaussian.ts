/**
 * Coefficient arrays of a (possibly respaced) Gaussian diffusion, named after
 * their formulas, and the q_* (forward) / p_* (reverse) helpers on
 * [N, C, H, W] Float32Arrays. Arrays are float64; per-step coefficients are
 * rounded to float32 where they meet image tensors, as on the PyTorch side.
 */
import { namedBetas, respaceBetas, spaceTimesteps, type ScheduleType } from './schedule';

export type VarianceType = 'fixed-small' | 'fixed-large' | 'learned-range';

const f32 = Math.fround;

export class GaussianDiffusion {
  readonly numTimesteps: number;
  readonly alphasCumprod: Float64Array;
  readonly alphasCumprodPrev: Float64Array;
  readonly sqrtAlphasCumprod: Float64Array;
  readonly sqrtOneMinusAlphasCumprod: Float64Array;
  readonly sqrtRecipAlphasCumprod: Float64Array;
  readonly sqrtRecipm1AlphasCumprod: Float64Array;
  readonly posteriorVariance: Float64Array;
  readonly posteriorLogVarianceClipped: Float64Array;
  readonly posteriorMeanCoef1: Float64Array;
  readonly posteriorMeanCoef2: Float64Array;
  readonly fixedLargeLogVariance: Float64Array;
  readonly logBetas: Float64Array;

  constructor(
    readonly betas: Float64Array,
    readonly varianceType: VarianceType,
    /** timestepMap[i]: the original step the network receives at internal index i. */
    readonly timestepMap: Int32Array = Int32Array.from(betas, (_, i) => i),
  ) {
    const T = betas.length;
    this.numTimesteps = T;
    const map = (fn: (i: number) => number) => Float64Array.from({ length: T }, (_, i) => fn(i));
    let acc = 1;
    this.alphasCumprod = map((i) => (acc *= 1 - betas[i]!));
    this.alphasCumprodPrev = map((i) => (i === 0 ? 1 : this.alphasCumprod[i - 1]!));
    const ab = this.alphasCumprod;
    const abPrev = this.alphasCumprodPrev;
    this.sqrtAlphasCumprod = map((i) => Math.sqrt(ab[i]!));
    this.sqrtOneMinusAlphasCumprod = map((i) => Math.sqrt(1 - ab[i]!));
    this.sqrtRecipAlphasCumprod = map((i) => Math.sqrt(1 / ab[i]!));
    this.sqrtRecipm1AlphasCumprod = map((i) => Math.sqrt(1 / ab[i]! - 1));
    this.posteriorVariance = map((i) => (betas[i]! * (1 - abPrev[i]!)) / (1 - ab[i]!));
    const pv1 = T > 1 ? this.posteriorVariance[1]! : betas[0]!;
    this.posteriorLogVarianceClipped = map((i) => Math.log(i === 0 ? pv1 : this.posteriorVariance[i]!));
    this.posteriorMeanCoef1 = map((i) => (betas[i]! * Math.sqrt(abPrev[i]!)) / (1 - ab[i]!));
    this.posteriorMeanCoef2 = map((i) => ((1 - abPrev[i]!) * Math.sqrt(1 - betas[i]!)) / (1 - ab[i]!));
    this.fixedLargeLogVariance = map((i) => Math.log(i === 0 ? pv1 : betas[i]!));
    this.logBetas = map((i) => Math.log(betas[i]!));
  }

  static fromSchedule(type: ScheduleType, numTimesteps: number, varianceType: VarianceType): GaussianDiffusion {
    return new GaussianDiffusion(namedBetas(type, numTimesteps), varianceType);
  }

  /** A diffusion over a subset of steps ("ddim50", "100", "10,10,5" or explicit steps). */
  respaced(useTimesteps: string | readonly number[]): GaussianDiffusion {
    const keep = typeof useTimesteps === 'string' ? spaceTimesteps(this.numTimesteps, useTimesteps) : useTimesteps;
    const { betas, timestepMap } = respaceBetas(this.alphasCumprod, keep);
    return new GaussianDiffusion(betas, this.varianceType, Int32Array.from(timestepMap, (i) => this.timestepMap[i]!));
  }

  /** x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, every sample at the same level t. */
  qSample(x0: Float32Array, t: number, noise: Float32Array, out = new Float32Array(x0.length)): Float32Array {
    const a = f32(this.sqrtAlphasCumprod[t]!);
    const b = f32(this.sqrtOneMinusAlphasCumprod[t]!);
    for (let i = 0; i < x0.length; i++) out[i] = f32(f32(a * x0[i]!) + f32(b * noise[i]!));
    return out;
  }

  /** x₀ = √(1/ᾱ_t) x_t − √(1/ᾱ_t − 1) ε, optionally clamped to [−1, 1]. */
  predictX0FromEps(xt: Float32Array, t: number, eps: Float32Array, clip: boolean, out = new Float32Array(xt.length)): Float32Array {
    const a = f32(this.sqrtRecipAlphasCumprod[t]!);
    const b = f32(this.sqrtRecipm1AlphasCumprod[t]!);
    for (let i = 0; i < xt.length; i++) {
      const v = f32(f32(a * xt[i]!) - f32(b * eps[i]!));
      out[i] = clip ? Math.min(1, Math.max(-1, v)) : v;
    }
    return out;
  }

  /** ε = (√(1/ᾱ_t) x_t − x₀) / √(1/ᾱ_t − 1). */
  epsFromX0(xt: Float32Array, t: number, x0: Float32Array, out = new Float32Array(xt.length)): Float32Array {
    const a = f32(this.sqrtRecipAlphasCumprod[t]!);
    const b = f32(this.sqrtRecipm1AlphasCumprod[t]!);
    for (let i = 0; i < xt.length; i++) out[i] = f32(f32(f32(a * xt[i]!) - x0[i]!) / b);
    return out;
  }

  /** Posterior mean coef1·x₀ + coef2·x_t. */
  qPosteriorMean(x0: Float32Array, xt: Float32Array, t: number, out = new Float32Array(xt.length)): Float32Array {
    const c1 = f32(this.posteriorMeanCoef1[t]!);
    const c2 = f32(this.posteriorMeanCoef2[t]!);
    for (let i = 0; i < xt.length; i++) out[i] = f32(f32(c1 * x0[i]!) + f32(c2 * xt[i]!));
    return out;
  }

  /**
   * Per-element log σ² at level t. For learned-range, v is the network's
   * second half: log σ² = f·log β_t + (1−f)·log σ̃²_t (clipped), f = (v+1)/2.
   */
  logVariance(t: number, v: Float32Array | null, length: number, out = new Float32Array(length)): Float32Array {
    switch (this.varianceType) {
      case 'fixed-small': return out.fill(f32(this.posteriorLogVarianceClipped[t]!));
      case 'fixed-large': return out.fill(f32(this.fixedLargeLogVariance[t]!));
      case 'learned-range': {
        if (!v) throw new Error('a learned-range model must output the variance channels');
        const minLog = f32(this.posteriorLogVarianceClipped[t]!);
        const maxLog = f32(this.logBetas[t]!);
        for (let i = 0; i < length; i++) {
          const frac = f32(f32(v[i]! + 1) / 2);
          out[i] = f32(f32(frac * maxLog) + f32(f32(1 - frac) * minLog));
        }
        return out;
      }
    }
  }
}
