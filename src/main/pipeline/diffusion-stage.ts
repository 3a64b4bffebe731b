/**
 * The diffusion stage of a fill: a context crop around the hole, resized to
 * the model's working resolution, N samples from one batched sampling run,
 * kept at working resolution and upsampled to full size a region at a time
 * (never a whole frame). What comes out is a guide for the full-resolution
 * detail stage (guided PatchMatch), not the final pixels.
 */
import sharp from 'sharp';
import { StudioError } from '../../shared/errors';
import type { MaskBounds } from '../../shared/mask-ops';
import type { SamplerName } from '../../shared/api';
import type { LoadedModel } from '../inference/models';
import { sample, SeededNoise, type Shape } from '../diffusion/sampler';
import type { ColourSpace } from '../imaging/colour';

export interface Rect { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** The hole's bounding box grown by a margin of context, clamped to the image. */
export function contextRect(hole: MaskBounds, width: number, height: number, marginFraction = 0.5, minMargin = 16): Rect {
  const margin = Math.max(minMargin, Math.round(marginFraction * Math.max(hole.width, hole.height)));
  const x0 = Math.max(0, hole.x - margin);
  const y0 = Math.max(0, hole.y - margin);
  const x1 = Math.min(width, hole.x + hole.width + margin);
  const y1 = Math.min(height, hole.y + hole.height + margin);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Working size: the crop scaled so its long edge is at most `maxEdge`, each side a multiple of `multiple`. */
export function workingSize(crop: Rect, maxEdge: number, multiple = 8): { width: number; height: number } {
  const scale = Math.min(1, maxEdge / Math.max(crop.width, crop.height));
  const round = (v: number) => Math.max(multiple, Math.round((v * scale) / multiple) * multiple);
  return { width: round(crop.width), height: round(crop.height) };
}

/** A working-resolution hole mask: a cell is hole if any full-resolution pixel under it is. */
export function downsampleMaskConservative(mask: Uint8Array, imageWidth: number, crop: Rect, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy0 = crop.y + Math.floor((y * crop.height) / h);
    const sy1 = crop.y + Math.max(Math.floor(((y + 1) * crop.height) / h), Math.floor((y * crop.height) / h) + 1);
    for (let x = 0; x < w; x++) {
      const sx0 = crop.x + Math.floor((x * crop.width) / w);
      const sx1 = crop.x + Math.max(Math.floor(((x + 1) * crop.width) / w), Math.floor((x * crop.width) / w) + 1);
      let hit = 0;
      for (let yy = sy0; yy < sy1 && !hit; yy++) for (let xx = sx0; xx < sx1; xx++) if (mask[yy * imageWidth + xx]! > 127) { hit = 1; break; }
      out[y * w + x] = hit;
    }
  }
  return out;
}

async function cropToWorking(image8: Uint8Array, width: number, channels: number, crop: Rect, w: number, h: number, space: ColourSpace | null): Promise<Float32Array> {
  const rgb = new Uint8Array(crop.width * crop.height * 3);
  for (let y = 0; y < crop.height; y++) for (let x = 0; x < crop.width; x++) {
    const s = ((crop.y + y) * width + crop.x + x) * channels;
    const d = (y * crop.width + x) * 3;
    rgb[d] = image8[s]!; rgb[d + 1] = image8[s + 1]!; rgb[d + 2] = image8[s + 2]!;
  }
  const small = await sharp(rgb, { raw: { width: crop.width, height: crop.height, channels: 3 } })
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  const resized = space ? await space.toSrgb(new Uint8Array(small.buffer, small.byteOffset, small.length), w, h) : small;
  const out = new Float32Array(3 * w * h);
  for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) out[c * w * h + p] = resized[p * 3 + c]! / 127.5 - 1;
  return out;
}

function toRgbBatch(x: Float32Array, n: number, w: number, h: number): Uint8Array[] {
  const per = 3 * w * h;
  return Array.from({ length: n }, (_, i) => {
    const rgb = new Uint8Array(per);
    for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) {
      rgb[p * 3 + c] = Math.max(0, Math.min(255, Math.round((x[i * per + c * w * h + p]! + 1) * 127.5)));
    }
    return rgb;
  });
}

function workingRgb(x: Float32Array, w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) {
    rgb[p * 3 + c] = Math.max(0, Math.min(255, Math.round((x[c * w * h + p]! + 1) * 127.5)));
  }
  return rgb;
}

/**
 * A working-resolution sample upsampled to the crop's full size (Lanczos 3),
 * of which only `region` (image pixels, inside the crop) is computed and returned.
 */
export async function upsampleRegion(rgb: Uint8Array, w: number, h: number, crop: Rect, region: Rect): Promise<Uint8Array> {
  if (region.x < crop.x || region.y < crop.y || region.x + region.width > crop.x + crop.width || region.y + region.height > crop.y + crop.height) {
    throw new Error(`region ${JSON.stringify(region)} lies outside the crop ${JSON.stringify(crop)}`);
  }
  let img = sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).resize(crop.width, crop.height, { fit: 'fill', kernel: 'lanczos3' });
  if (region.width !== crop.width || region.height !== crop.height) {
    img = img.extract({ left: region.x - crop.x, top: region.y - crop.y, width: region.width, height: region.height });
  }
  const up = await img.raw().toBuffer();
  return new Uint8Array(up.buffer, up.byteOffset, up.length);
}

export interface DiffusionStageOptions {
  readonly model: LoadedModel;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly strength: number | null;
  readonly seed: number;
  readonly count: number;
  readonly maxWorkingEdge: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, total: number) => void;
  /** Called with the x₀ prediction of every sample as 8-bit RGB at working resolution. */
  readonly onPreview?: (step: number, total: number, images: readonly Uint8Array[], width: number, height: number) => void;
  /** Replaces the sampler (benchmarks swap in the PyTorch reference); default: our TypeScript sampler on the ONNX model. */
  readonly sampleWorking?: WorkingSampler;
  /** The photo's colour space when it is not sRGB: the model sees sRGB, its samples are converted back. */
  readonly colourSpace?: ColourSpace | null;
}

/** One batched sampling run at working resolution: [N, 3, h, w] in, [N, 3, h, w] out, in [-1, 1]. */
export interface WorkingTask {
  readonly source: Float32Array;
  readonly mask: Float32Array;
  readonly shape: Shape;
  readonly steps: number;
  readonly seed: number;
  readonly sampler: SamplerName;
  readonly conditional: boolean;
  readonly strength: number | null;
}
export type WorkingSampler = (task: WorkingTask) => Promise<Float32Array>;

export interface DiffusionStageResult {
  readonly crop: Rect;
  readonly working: { readonly width: number; readonly height: number };
  /** Per sample: RGB, crop-sized, interleaved 8-bit. */
  readonly samples: Uint8Array[];
}

/** The sampling run's output kept at working resolution; crop-sized pixels are made on demand, a region at a time. */
export interface DiffusionSampling {
  readonly crop: Rect;
  readonly working: { readonly width: number; readonly height: number };
  /** Per sample: RGB at working resolution, interleaved 8-bit. */
  readonly samples: readonly Uint8Array[];
}

/** Sample `index` upsampled to full resolution over `region` (image pixels inside the crop). */
export function samplingRegion(stage: DiffusionSampling, index: number, region: Rect): Promise<Uint8Array> {
  return upsampleRegion(stage.samples[index]!, stage.working.width, stage.working.height, stage.crop, region);
}

/** Full-resolution pixels per working pixel: how coarse the samples' detail is once upsampled. */
export function samplingScale(stage: DiffusionSampling): number {
  return Math.max(1, Math.max(stage.crop.width / stage.working.width, stage.crop.height / stage.working.height));
}

export async function runDiffusionStage(image8: Uint8Array, width: number, height: number, channels: number, mask: Uint8Array, hole: MaskBounds, o: DiffusionStageOptions): Promise<DiffusionStageResult> {
  const stage = await runDiffusionSampling(image8, width, height, channels, mask, hole, o);
  const samples: Uint8Array[] = [];
  for (let i = 0; i < stage.samples.length; i++) samples.push(await samplingRegion(stage, i, stage.crop));
  return { crop: stage.crop, working: stage.working, samples };
}

export async function runDiffusionSampling(image8: Uint8Array, width: number, height: number, channels: number, mask: Uint8Array, hole: MaskBounds, o: DiffusionStageOptions): Promise<DiffusionSampling> {
  const m = o.model.manifest;
  if (m.channels !== 3) throw new StudioError('MODEL_INVALID', `model ${m.id} works on ${m.channels} channels; photo fills need an RGB model`);
  const conditional = m.kind === 'conditional-inpaint';
  if (o.sampler === 'repaint' && conditional) {
    throw new StudioError('BAD_REQUEST', `RePaint resampling is for unconditional models; ${m.id} is a conditional inpainting model (use ddim or ddpm)`);
  }
  const crop = contextRect(hole, width, height);
  const working = workingSize(crop, o.maxWorkingEdge);
  const { width: w, height: h } = working;
  const space = o.colourSpace ?? null;
  const source1 = await cropToWorking(image8, width, channels, crop, w, h, space);
  const mask1 = downsampleMaskConservative(mask, width, crop, w, h);
  const n = o.count;
  const source = new Float32Array(n * source1.length);
  const maskN = new Float32Array(n * mask1.length);
  for (let i = 0; i < n; i++) { source.set(source1, i * source1.length); maskN.set(mask1, i * mask1.length); }
  const shape: Shape = [n, 3, h, w];
  const steps = Math.min(o.steps, m.schedule.timesteps);
  const diffusion = o.model.diffusion.respaced(String(steps));
  const x = o.sampleWorking
    ? await o.sampleWorking({ source, mask: maskN, shape, steps, seed: o.seed, sampler: o.sampler, conditional, strength: o.strength })
    : await sample({
    diffusion, denoise: o.model.denoise, noise: new SeededNoise(o.seed, shape), shape,
    method: o.sampler, task: { source, mask: maskN }, conditioning: conditional ? 'palette' : 'replace',
    ...(o.strength !== null && o.strength < 1 ? { strength: o.strength } : {}),
    ...(o.sampler === 'repaint' ? { jumpLength: Math.max(1, Math.round(steps / 25)), jumpNSample: 10 } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  }, (s) => {
    o.onStep?.(s.step, s.total);
    if (o.onPreview && s.predX0) o.onPreview(s.step, s.total, toRgbBatch(s.predX0, n, w, h), w, h);
  });
  const per = 3 * w * h;
  const samples: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const rgb = workingRgb(x.subarray(i * per, (i + 1) * per), w, h);
    samples.push(space ? await space.fromSrgb(rgb, w, h) : rgb);
  }
  return { crop, working, samples };
}
