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
 * output [N, Cout, H, W] with Cout = C (ε) or 2C (ε, v).
 */
export type Denoise = (x: Float32Array, t: Float32Array, inputShape: Shape) => Promise<Float32Array>;

/** Source of noise draws, each [N, C, H, W]. */
export interface NoiseSource { draw(): Float32Array }

/** One GaussianRng per sample (seed + i mod 2³²), each filling its [C, H, W] slice. */
export class SeededNoise implements NoiseSource {
  private readonly gens: GaussianRng[];
  constructor(seed: number, private readonly shape: Shape) {
    this.gens = Array.from({ length: shape[0] }, (_, i) => new GaussianRng((seed + i) >>> 0));
  }
  draw(): Float32Array {
    const [n, c, h, w] = this.shape;
    const per = c * h * w;
    const out = new Float32Array(n * per);
    for (let i = 0; i < n; i++) this.gens[i]!.fillNormal(out.subarray(i * per, (i + 1) * per));
    return out;
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
  /** The chain state after this move, [N, C, H, W]. */
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

/** x ← m·x + (1−m)·known, the mask broadcast over channels. */
function keepKnown(x: Float32Array, known: Float32Array, mask: Float32Array, shape: Shape): void {
  const [n, c, h, w] = shape;
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * hw;
      for (let p = 0; p < hw; p++) {
        const m = mask[b * hw + p]!;
        const i = base + p;
        x[i] = f32(f32(m * x[i]!) + f32(f32(1 - m) * known[i]!));
      }
    }
  }
}

/** [x | source·(1−m) | m] along channels: the Palette network input. */
function paletteInput(x: Float32Array, task: InpaintTask, shape: Shape): Float32Array {
  const [n, c, h, w] = shape;
  const hw = h * w;
  const cin = 2 * c + 1;
  const out = new Float32Array(n * cin * hw);
  for (let b = 0; b < n; b++) {
    out.set(x.subarray(b * c * hw, (b + 1) * c * hw), b * cin * hw);
    for (let ch = 0; ch < c; ch++) {
      const src = (b * c + ch) * hw;
      const dst = (b * cin + c + ch) * hw;
      for (let p = 0; p < hw; p++) out[dst + p] = f32(task.source[src + p]! * f32(1 - task.mask[b * hw + p]!));
    }
    out.set(task.mask.subarray(b * hw, (b + 1) * hw), (b * cin + 2 * c) * hw);
  }
  return out;
}

/** Splits the network output into ε and (for 2C outputs) v, per sample. */
function splitOutput(out: Float32Array, shape: Shape, learned: boolean): { eps: Float32Array; v: Float32Array | null } {
  const [n, c, h, w] = shape;
  const per = c * h * w;
  if (out.length === n * per) {
    if (learned) throw new StudioError('MODEL_INVALID', `a learned-range model must output ${2 * c} channels; it gave ${c}`);
    return { eps: out, v: null };
  }
  if (out.length !== 2 * n * per) {
    throw new StudioError('MODEL_INVALID', `the model output has ${out.length} values; expected [${n}, ${c} or ${2 * c}, ${h}, ${w}]`);
  }
  const eps = new Float32Array(n * per);
  const v = new Float32Array(n * per);
  for (let b = 0; b < n; b++) {
    eps.set(out.subarray(2 * b * per, (2 * b + 1) * per), b * per);
    v.set(out.subarray((2 * b + 1) * per, (2 * b + 2) * per), b * per);
  }
  return { eps, v: learned ? v : null };
}

export async function* sampleSteps(o: SampleOptions): AsyncGenerator<SampleStep, Float32Array> {
  checkShapes(o);
  const d = o.diffusion;
  const S = d.numTimesteps;
  const cond = o.conditioning ?? 'none';
  const strength = o.strength ?? 1;
  const clip = o.clip ?? true;
  const eta = o.eta ?? 0;
  const [n, c, h, w] = o.shape;
  const size = n * c * h * w;
  let level = strength < 1 ? startLevelForStrength(S, strength) : S - 1;
  const moves: Move[] = o.method === 'repaint'
    ? repaintMoves(level, o.jumpLength ?? 10, o.jumpNSample ?? 10)
    : Array.from({ length: level + 1 }, () => 'reverse' as const);

  const z0 = o.noise.draw();
  let x = strength < 1 ? d.qSample(o.task!.source, level, z0) : z0;
  let predX0: Float32Array | null = null;
  const total = moves.length;
  const tIn = new Float32Array(n);
  const inputShape: Shape = cond === 'palette' ? [n, 2 * c + 1, h, w] : o.shape;

  for (let step = 0; step < total; step++) {
    if (o.signal?.aborted) throw new StudioError('CANCELLED', 'sampling was cancelled');
    if (moves[step] === 'undo') {
      const next = level + 1;
      const a = f32(Math.sqrt(1 - d.betas[next]!));
      const b = f32(Math.sqrt(d.betas[next]!));
      const z = o.noise.draw();
      const y = new Float32Array(size);
      for (let i = 0; i < size; i++) y[i] = f32(f32(a * x[i]!) + f32(b * z[i]!));
      x = y;
      level = next;
    } else {
      const t = level;
      if (cond === 'replace') {
        const known = d.qSample(o.task!.source, t, o.noise.draw());
        keepKnown(x, known, o.task!.mask, o.shape);
      }
      let xIn = x;
      if (cond === 'palette') {
        keepKnown(x, o.task!.source, o.task!.mask, o.shape);
        xIn = paletteInput(x, o.task!, o.shape);
      }
      tIn.fill(d.timestepMap[t]!);
      const out = await o.denoise(xIn, tIn, inputShape);
      const { eps, v } = splitOutput(out, o.shape, d.varianceType === 'learned-range');
      const x0 = d.predictX0FromEps(x, t, eps, clip);
      predX0 = x0;
      if (o.method === 'ddim') {
        const epsClipped = d.epsFromX0(x, t, x0);
        const ab = f32(d.alphasCumprod[t]!);
        const abPrev = f32(d.alphasCumprodPrev[t]!);
        const sigma = f32(f32(eta * f32(Math.sqrt(f32(f32(1 - abPrev) / f32(1 - ab))))) * f32(Math.sqrt(f32(1 - f32(ab / abPrev)))));
        const a = f32(Math.sqrt(abPrev));
        const b = f32(Math.sqrt(f32(f32(1 - abPrev) - f32(sigma * sigma))));
        const y = new Float32Array(size);
        for (let i = 0; i < size; i++) y[i] = f32(f32(a * x0[i]!) + f32(b * epsClipped[i]!));
        if (eta > 0 && level > 0) {
          const z = o.noise.draw();
          for (let i = 0; i < size; i++) y[i] = f32(y[i]! + f32(sigma * z[i]!));
        }
        x = y;
      } else {
        const mean = d.qPosteriorMean(x0, x, t);
        if (level > 0) {
          const logVar = d.logVariance(t, v, size);
          const z = o.noise.draw();
          for (let i = 0; i < size; i++) mean[i] = f32(mean[i]! + f32(f32(Math.exp(f32(0.5 * logVar[i]!))) * z[i]!));
        }
        x = mean;
      }
      level -= 1;
    }
    if (level === -1 && o.task && cond !== 'none') keepKnown(x, o.task.source, o.task.mask, o.shape);
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
