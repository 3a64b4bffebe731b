/**
 * The sampling loop: DDPM ancestral, DDIM (η), RePaint resampling, RePaint's
 * known-region replacement and Palette conditioning, and strength. It never
 * owns the network: it takes a `denoise` function. The loop is an async
 * generator yielding every move; inpainting is a hook on the loop, not a
 * fork of it. Noise is drawn in the order docs/rng.md fixes, one generator
 * per sample, so a sample never depends on its batch.
 */
import { StudioError } from '../../shared/errors';
import { GaussianRng } from './rng';
import type { GaussianDiffusion } from './gaussian';
import { repaintMoves, startLevelForStrength, type Move } from './moves';

export type Shape = readonly [n: number, c: number, h: number, w: number];

/**
 * The network: input [N, Cin, H, W] and the original timesteps [N] (float),
 * output [N, Cout, H, W] with Cout = C (ε) or 2C (ε, v). The sampler reuses
 * its input buffers from step to step: `x` and `t` are valid only until the
 * returned promise settles, and the denoiser must neither keep nor modify them
 * (copy or transfer a copy). The returned array is only read, within the step.
 */
export type Denoise = (x: Float32Array, t: Float32Array, inputShape: Shape) => Promise<Float32Array>;

/**
 * Source of noise draws, each [N, C, H, W]. The sampler passes a buffer of
 * that size to fill; a source may fill and return it (no allocation) or return
 * an array of its own. The sampler only reads the returned array.
 */
export interface NoiseSource { draw(out?: Float32Array): Float32Array }

/** One GaussianRng per sample (seed + i mod 2³²), each filling its [C, H, W] slice. */
export class SeededNoise implements NoiseSource {
  private readonly gens: GaussianRng[];
  constructor(seed: number, private readonly shape: Shape) {
    this.gens = Array.from({ length: shape[0] }, (_, i) => new GaussianRng((seed + i) >>> 0));
  }
  draw(out?: Float32Array): Float32Array {
    const [n, c, h, w] = this.shape;
    const per = c * h * w;
    if (out && out.length !== n * per) throw new Error(`noise buffer has ${out.length} values, expected [${this.shape.join(', ')}]`);
    const dst = out ?? new Float32Array(n * per);
    for (let i = 0; i < n; i++) this.gens[i]!.fillNormal(dst.subarray(i * per, (i + 1) * per));
    return dst;
  }
}

/** Source image [N, C, H, W] in [−1, 1] and mask [N, 1, H, W], 1 = hole. */
export interface InpaintTask {
  readonly source: Float32Array;
  readonly mask: Float32Array;
}

export type Conditioning = 'none' | 'replace' | 'palette';

export interface SampleOptions {
  readonly diffusion: GaussianDiffusion;
  readonly denoise: Denoise;
  readonly noise: NoiseSource;
  /** Shape of the image being generated, [N, C, H, W]. */
  readonly shape: Shape;
  readonly method: 'ddpm' | 'ddim' | 'repaint';
  readonly eta?: number;
  readonly task?: InpaintTask;
  readonly conditioning?: Conditioning;
  readonly strength?: number;
  readonly jumpLength?: number;
  readonly jumpNSample?: number;
  readonly clip?: boolean;
  readonly signal?: AbortSignal;
}

export interface SampleStep {
  readonly step: number;
  readonly total: number;
  readonly level: number;
  /**
   * The chain state after this move, [N, C, H, W]. Every step yields new
   * arrays: later steps never write into an array already yielded.
   */
  readonly x: Float32Array;
  /** The latest x₀ prediction (null before the first network call). */
  readonly predX0: Float32Array | null;
}

const f32 = Math.fround;

function checkShapes(o: SampleOptions): void {
  const [n, c, h, w] = o.shape;
  if (![n, c, h, w].every((d) => Number.isInteger(d) && d > 0)) throw new Error(`bad shape [${o.shape.join(', ')}]`);
  const cond = o.conditioning ?? 'none';
  if (cond !== 'none' || (o.strength ?? 1) < 1) {
    if (!o.task) throw new Error(`conditioning "${cond}" / strength needs a source and a mask`);
    if (o.task.source.length !== n * c * h * w) throw new Error(`source has ${o.task.source.length} values, expected [${n}, ${c}, ${h}, ${w}]`);
    if (o.task.mask.length !== n * h * w) throw new Error(`mask has ${o.task.mask.length} values, expected [${n}, 1, ${h}, ${w}]`);
  }
}

/*
 * The per-element kernels. Each is one pass over the batch with every float32
 * rounding of the reference (training/inpaint_training) in the same order, so
 * fusing them changes no bit. They are plain functions, not inlined in the
 * async generator, so the JIT optimises them like any hot loop.
 */

/** out ← a·x + b·z (q-sample, RePaint's undo step). */
function axpbz(out: Float32Array, x: Float32Array, z: Float32Array, a: number, b: number): void {
  for (let i = 0; i < out.length; i++) out[i] = f32(f32(a * x[i]!) + f32(b * z[i]!));
}

/**
 * The conditioning hook before a network call, into `xt` [N, C, H, W]:
 * xt = m·x + (1−m)·known with known = a·src + b·z (replace: the source noised
 * to the current level) or known = src (palette, z = null). With `palette`
 * set, xt is also written into the first C channels of each sample of the
 * network input [N, 2C+1, H, W].
 */
function mergeKnown(xt: Float32Array, x: Float32Array, src: Float32Array, mask: Float32Array, z: Float32Array | null, a: number, b: number,
  shape: Shape, palette: Float32Array | null): void {
  const [n, c, h, w] = shape;
  const hw = h * w;
  const cin = 2 * c + 1;
  for (let bi = 0; bi < n; bi++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (bi * c + ch) * hw;
      const pBase = (bi * cin + ch) * hw;
      const mBase = bi * hw;
      for (let p = 0; p < hw; p++) {
        const i = base + p;
        const m = mask[mBase + p]!;
        const known = z ? f32(f32(a * src[i]!) + f32(b * z[i]!)) : src[i]!;
        const v = f32(f32(m * x[i]!) + f32(f32(1 - m) * known));
        xt[i] = v;
        if (palette) palette[pBase + p] = v;
      }
    }
  }
}

/** The constant channels of the Palette input: source·(1−m), then m. */
function paletteConstants(input: Float32Array, task: InpaintTask, shape: Shape): void {
  const [n, c, h, w] = shape;
  const hw = h * w;
  const cin = 2 * c + 1;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const src = (b * c + ch) * hw;
      const dst = (b * cin + c + ch) * hw;
      for (let p = 0; p < hw; p++) input[dst + p] = f32(task.source[src + p]! * f32(1 - task.mask[b * hw + p]!));
    }
    input.set(task.mask.subarray(b * hw, (b + 1) * hw), (b * cin + 2 * c) * hw);
  }
}

/** Per-step scalars of a reverse step, rounded to float32 where they meet tensors. */
interface ReverseCoefficients {
  /** √(1/ᾱ), √(1/ᾱ − 1): ε → x₀. */
  readonly recip: number;
  readonly recipM1: number;
}

/**
 * DDIM: x̂₀ = clip(√(1/ᾱ)x − √(1/ᾱ−1)ε) into predX0; ε' re-derived from the
 * clipped x̂₀; out = √ᾱ_prev·x̂₀ + √(1−ᾱ_prev−σ²)·ε' (+ σ·z when z is given).
 * ε of sample b starts at `epsStride`·b in `net`.
 */
function ddimUpdate(out: Float32Array, predX0: Float32Array, xt: Float32Array, net: Float32Array, epsStride: number, per: number, n: number,
  k: ReverseCoefficients, clip: boolean, a: number, b: number, sigma: number, z: Float32Array | null): void {
  const ra = k.recip, rb = k.recipM1;
  for (let bi = 0; bi < n; bi++) {
    const base = bi * per;
    const eBase = bi * epsStride;
    for (let p = 0; p < per; p++) {
      const i = base + p;
      const ax = f32(ra * xt[i]!);
      const raw = f32(ax - f32(rb * net[eBase + p]!));
      const x0 = clip ? Math.min(1, Math.max(-1, raw)) : raw;
      predX0[i] = x0;
      const eps = f32(f32(ax - x0) / rb);
      const y = f32(f32(a * x0) + f32(b * eps));
      out[i] = z ? f32(y + f32(sigma * z[i]!)) : y;
    }
  }
}

/**
 * DDPM: x̂₀ into predX0; mean = coef1·x̂₀ + coef2·x; out = mean + exp(½ log σ²)·z
 * (z null: out = mean). log σ² is the fixed value `fixedLogVar` or, when
 * `vStride` ≥ 0, learned-range from v (at `vStride`·b + per in `net`):
 * f·log β + (1−f)·log σ̃², f = (v+1)/2.
 */
function ddpmUpdate(out: Float32Array, predX0: Float32Array, xt: Float32Array, net: Float32Array, epsStride: number, per: number, n: number,
  k: ReverseCoefficients, clip: boolean, c1: number, c2: number, z: Float32Array | null, fixedLogVar: number, learned: boolean, minLog: number, maxLog: number): void {
  const ra = k.recip, rb = k.recipM1;
  const fixedStd = f32(Math.exp(f32(0.5 * fixedLogVar)));
  for (let bi = 0; bi < n; bi++) {
    const base = bi * per;
    const eBase = bi * epsStride;
    const vBase = eBase + per;
    for (let p = 0; p < per; p++) {
      const i = base + p;
      const x = xt[i]!;
      const raw = f32(f32(ra * x) - f32(rb * net[eBase + p]!));
      const x0 = clip ? Math.min(1, Math.max(-1, raw)) : raw;
      predX0[i] = x0;
      const mean = f32(f32(c1 * x0) + f32(c2 * x));
      if (!z) {
        out[i] = mean;
        continue;
      }
      let std = fixedStd;
      if (learned) {
        const frac = f32(f32(net[vBase + p]! + 1) / 2);
        const logVar = f32(f32(frac * maxLog) + f32(f32(1 - frac) * minLog));
        std = f32(Math.exp(f32(0.5 * logVar)));
      }
      out[i] = f32(mean + f32(std * z[i]!));
    }
  }
}

export async function* sampleSteps(o: SampleOptions): AsyncGenerator<SampleStep, Float32Array> {
  checkShapes(o);
  const d = o.diffusion;
  const S = d.numTimesteps;
  const cond = o.conditioning ?? 'none';
  const strength = o.strength ?? 1;
  const clip = o.clip ?? true;
  const eta = o.eta ?? 0;
  const learned = d.varianceType === 'learned-range';
  const [n, c, h, w] = o.shape;
  const per = c * h * w;
  const size = n * per;
  let level = strength < 1 ? startLevelForStrength(S, strength) : S - 1;
  const moves: Move[] = o.method === 'repaint'
    ? repaintMoves(level, o.jumpLength ?? 10, o.jumpNSample ?? 10)
    : Array.from({ length: level + 1 }, () => 'reverse' as const);

  // Buffers reused by every step. Arrays that are yielded (x, predX0) are new each step.
  const noiseBuf = new Float32Array(size);
  const draw = (): Float32Array => o.noise.draw(noiseBuf);
  const xt = cond === 'none' ? null : new Float32Array(size);
  const paletteIn = cond === 'palette' ? new Float32Array(n * (2 * c + 1) * h * w) : null;
  if (paletteIn) paletteConstants(paletteIn, o.task!, o.shape);
  const tIn = new Float32Array(n);
  const inputShape: Shape = cond === 'palette' ? [n, 2 * c + 1, h, w] : o.shape;

  const z0 = draw();
  let x = new Float32Array(size);
  if (strength < 1) axpbz(x, o.task!.source, z0, f32(d.sqrtAlphasCumprod[level]!), f32(d.sqrtOneMinusAlphasCumprod[level]!));
  else x.set(z0);
  let predX0: Float32Array | null = null;
  const total = moves.length;

  for (let step = 0; step < total; step++) {
    if (o.signal?.aborted) throw new StudioError('CANCELLED', 'sampling was cancelled');
    const next = new Float32Array(size);
    if (moves[step] === 'undo') {
      const up = level + 1;
      axpbz(next, x, draw(), f32(Math.sqrt(1 - d.betas[up]!)), f32(Math.sqrt(d.betas[up]!)));
      level = up;
    } else {
      const t = level;
      let state = x;
      if (cond === 'replace') {
        mergeKnown(xt!, x, o.task!.source, o.task!.mask, draw(), f32(d.sqrtAlphasCumprod[t]!), f32(d.sqrtOneMinusAlphasCumprod[t]!), o.shape, null);
        state = xt!;
      } else if (cond === 'palette') {
        mergeKnown(xt!, x, o.task!.source, o.task!.mask, null, 0, 0, o.shape, paletteIn);
        state = xt!;
      }
      tIn.fill(d.timestepMap[t]!);
      const out = await o.denoise(paletteIn ?? state, tIn, inputShape);
      if (out.length !== size && out.length !== 2 * size) {
        throw new StudioError('MODEL_INVALID', `the model output has ${out.length} values; expected [${n}, ${c} or ${2 * c}, ${h}, ${w}]`);
      }
      const twoHeads = out.length === 2 * size;
      if (learned && !twoHeads) throw new StudioError('MODEL_INVALID', `a learned-range model must output ${2 * c} channels; it gave ${c}`);
      const epsStride = twoHeads ? 2 * per : per;
      const k: ReverseCoefficients = { recip: f32(d.sqrtRecipAlphasCumprod[t]!), recipM1: f32(d.sqrtRecipm1AlphasCumprod[t]!) };
      const x0 = new Float32Array(size);
      if (o.method === 'ddim') {
        const ab = f32(d.alphasCumprod[t]!);
        const abPrev = f32(d.alphasCumprodPrev[t]!);
        const sigma = f32(f32(eta * f32(Math.sqrt(f32(f32(1 - abPrev) / f32(1 - ab))))) * f32(Math.sqrt(f32(1 - f32(ab / abPrev)))));
        const a = f32(Math.sqrt(abPrev));
        const b = f32(Math.sqrt(f32(f32(1 - abPrev) - f32(sigma * sigma))));
        ddimUpdate(next, x0, state, out, epsStride, per, n, k, clip, a, b, sigma, eta > 0 && level > 0 ? draw() : null);
      } else {
        const fixedLogVar = d.varianceType === 'fixed-large' ? d.fixedLargeLogVariance[t]! : d.posteriorLogVarianceClipped[t]!;
        ddpmUpdate(next, x0, state, out, epsStride, per, n, k, clip, f32(d.posteriorMeanCoef1[t]!), f32(d.posteriorMeanCoef2[t]!),
          level > 0 ? draw() : null, f32(fixedLogVar), learned, f32(d.posteriorLogVarianceClipped[t]!), f32(d.logBetas[t]!));
      }
      predX0 = x0;
      level -= 1;
    }
    x = next;
    if (level === -1 && o.task && cond !== 'none') mergeKnown(x, x, o.task.source, o.task.mask, null, 0, 0, o.shape, null);
    yield { step: step + 1, total, level, x, predX0 };
  }
  return x;
}

/** Runs the loop to the end and returns the final image [N, C, H, W]. */
export async function sample(o: SampleOptions, onStep?: (s: SampleStep) => void): Promise<Float32Array> {
  const it = sampleSteps(o);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    onStep?.(r.value);
  }
}
