/**
 * Fill methods behind one signature: each produces the pixels of the hole's
 * region for sample after sample; the caller blends them in.
 *
 * - patchmatch: multi-scale PatchMatch from the photo itself.
 * - diffusion: N samples from one batched diffusion run at working
 *   resolution, each used as the guide of a PatchMatch detail pass at the
 *   photo's own resolution, so the fill keeps the photo's grain and sharpness.
 *   The N detail passes run as one batch on the worker pool, with guides cut
 *   to each job's hole (no full-frame copies).
 */
import type { InpaintParams } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { MaskBounds } from '../../shared/mask-ops';
import { resolveWorkingEdge } from '../../shared/manifest';
import type { RawImage } from '../imaging/io';
import type { LoadedModel } from '../inference/models';
import { runPatchMatchInWorker } from '../imaging/patchmatch/worker-client';
import { runGuidedPatchMatchBatch } from '../imaging/patchmatch/guided-batch';
import type { FillResult } from '../imaging/patchmatch/types';
import { colourSpaceOf } from '../imaging/colour';
import { runDiffusionSampling, samplingRegion, samplingScale, type DiffusionSampling, type Rect, type WorkingSampler } from './diffusion-stage';
import { holeGroups, type DiffusionWork } from './holes';

export interface FillRequest {
  readonly image: RawImage;
  /** 8-bit view of `image` (the same buffer when the image is 8-bit). */
  readonly eight: Uint8Array;
  readonly mask: Uint8Array;
  readonly region: MaskBounds;
  readonly params: InpaintParams;
  readonly exclusion?: Uint8Array;
  /** Required for diffusion. */
  readonly model?: LoadedModel;
  readonly maxWorkingEdge?: number;
  readonly signal?: AbortSignal;
  /** Fraction of the whole fill (all samples), 0..1. */
  readonly onProgress: (fraction: number) => void;
  /** Replaces the diffusion sampler (benchmarks); default: TypeScript on ONNX Runtime. */
  readonly sampleWorking?: WorkingSampler;
  /** Diffusion: x₀ previews per sample (RGB, working resolution). */
  readonly onPreview?: (step: number, total: number, images: readonly Uint8Array[], width: number, height: number) => void;
  /** Diffusion: sampling is done and the detail pass starts; what was sampled. */
  readonly onSampled?: (work: DiffusionWork) => void;
  /** Diffusion: the photo's ICC profile; the model sees sRGB crops and its samples are converted back. */
  readonly icc?: Uint8Array | null;
}

export function sampleSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

async function patchMatchRegion(req: FillRequest, seed: number, onProgress: (f: number) => void): Promise<RawImage> {
  const { image } = req;
  const result = await runPatchMatchInWorker(
    { data: req.eight, width: image.width, height: image.height, channels: image.channels },
    req.mask,
    {
      seed,
      ...(req.exclusion ? { exclusion: req.exclusion } : {}),
      ...(image.depth === 16 ? { values16: image.data as Uint16Array } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      onProgress,
    },
  );
  return asRegion(req, result);
}

/** The region as RawImage, checked against the region the caller expects. */
function asRegion(req: FillRequest, result: FillResult): RawImage {
  const { image, region } = req;
  const r = result.region;
  if (r.x !== region.x || r.y !== region.y || r.width !== region.width || r.height !== region.height) {
    throw new Error(`PatchMatch returned region ${JSON.stringify(r)}, expected ${JSON.stringify(region)}`);
  }
  if (image.depth === 16) {
    if (!result.data16) throw new Error('PatchMatch returned no 16-bit data for a 16-bit image');
    return { width: r.width, height: r.height, channels: image.channels, depth: 16, data: result.data16 };
  }
  return { width: r.width, height: r.height, channels: image.channels, depth: 8, data: result.data };
}

/**
 * Sample `index`'s guide over `rect` (image pixels): each hole group's
 * diffusion sample upsampled over its part of the rect only. Pixels no
 * diffusion crop covers are not under the mask and stay 0 (never read); a
 * fourth channel is the photo's own.
 */
export async function guideRegion(stages: readonly DiffusionSampling[], eight: Uint8Array, imageWidth: number, channels: number, index: number, rect: Rect): Promise<Uint8Array> {
  const out = new Uint8Array(rect.width * rect.height * channels);
  for (const stage of stages) {
    const { crop } = stage;
    const x0 = Math.max(rect.x, crop.x), y0 = Math.max(rect.y, crop.y);
    const x1 = Math.min(rect.x + rect.width, crop.x + crop.width), y1 = Math.min(rect.y + rect.height, crop.y + crop.height);
    if (x1 <= x0 || y1 <= y0) continue;
    const part = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    const rgb = await samplingRegion(stage, index, part);
    for (let y = 0; y < part.height; y++) for (let x = 0; x < part.width; x++) {
      const s = (y * part.width + x) * 3;
      const d = ((y0 - rect.y + y) * rect.width + (x0 - rect.x + x)) * channels;
      out[d] = rgb[s]!; out[d + 1] = rgb[s + 1]!; out[d + 2] = rgb[s + 2]!;
      if (channels === 4) out[d + 3] = eight[((y0 + y) * imageWidth + x0 + x) * 4 + 3]!;
    }
  }
  return out;
}

export const DEFAULT_DIFFUSION_STEPS = 25;
/** Share of the progress bar given to sampling; the rest is the detail pass. */
const DIFFUSION_SHARE = 0.6;

export async function* fillSamples(req: FillRequest): AsyncGenerator<RawImage> {
  const { params } = req;
  const n = params.samples;
  if (params.method === 'patchmatch') {
    for (let i = 0; i < n; i++) {
      if (req.signal?.aborted) throw new StudioError('CANCELLED', 'the fill was cancelled');
      yield await patchMatchRegion(req, sampleSeed(params.seed, i), (f) => req.onProgress((i + f) / n));
    }
    return;
  }
  if (!req.model) throw new StudioError('MODEL_MISSING', 'diffusion fills need a model; none is installed');
  const diffusionShare = DIFFUSION_SHARE;
  // Far-apart holes get crops of their own, each diffused at working resolution.
  const holes = holeGroups(req.mask, req.image.width, req.image.height);
  const stages: DiffusionSampling[] = [];
  const colourSpace = await colourSpaceOf(req.icc);
  try {
    for (const [h, hole] of holes.entries()) {
      stages.push(await runDiffusionSampling(req.eight, req.image.width, req.image.height, req.image.channels, req.mask, hole, {
        model: req.model,
        sampler: params.sampler ?? 'ddim',
        steps: params.steps ?? DEFAULT_DIFFUSION_STEPS,
        strength: params.strength,
        seed: params.seed,
        count: n,
        maxWorkingEdge: resolveWorkingEdge(req.maxWorkingEdge, req.model.manifest),
        ...(req.signal ? { signal: req.signal } : {}),
        onStep: (step, total) => req.onProgress(diffusionShare * ((h + step / total) / holes.length)),
        ...(req.onPreview && h === 0 ? { onPreview: req.onPreview } : {}),
        ...(req.sampleWorking ? { sampleWorking: req.sampleWorking } : {}),
        colourSpace,
      }));
    }
  } finally {
    await colourSpace?.close();
  }
  req.onSampled?.({ groups: stages.length, workingPixels: stages.reduce((sum, s) => sum + s.working.width * s.working.height, 0) });
  yield* detailPass(req, stages);
}

/**
 * The full-resolution detail stage: one guided PatchMatch batch for all N
 * samples on the worker pool (see runGuidedPatchMatchBatch); samples are
 * yielded in order as they finish. Leaving early (an error downstream)
 * stops the workers.
 */
async function* detailPass(req: FillRequest, stages: readonly DiffusionSampling[]): AsyncGenerator<RawImage> {
  const { params, image } = req;
  const n = params.samples;
  const diffusionShare = DIFFUSION_SHARE;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  if (req.signal?.aborted) stop.abort();
  const ready: { promise: Promise<RawImage>; resolve: (r: RawImage) => void; reject: (e: unknown) => void }[] = [];
  for (let i = 0; i < n; i++) {
    let resolve!: (r: RawImage) => void, reject!: (e: unknown) => void;
    const promise = new Promise<RawImage>((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => {});
    ready.push({ promise, resolve, reject });
  }
  const batch = runGuidedPatchMatchBatch(
    { data: req.eight, width: image.width, height: image.height, channels: image.channels },
    req.mask,
    {
      seeds: Array.from({ length: n }, (_, i) => sampleSeed(params.seed, i)),
      guideRegion: (i, rect) => guideRegion(stages, req.eight, image.width, image.channels, i, rect),
      // The finest guide decides: no group's structure is assumed coarser than its samples resolve.
      guideScale: Math.min(...stages.map(samplingScale)),
      ...(req.exclusion ? { exclusion: req.exclusion } : {}),
      ...(image.depth === 16 ? { values16: image.data as Uint16Array } : {}),
      signal: stop.signal,
      onProgress: (f) => req.onProgress(diffusionShare + (1 - diffusionShare) * f),
      onSample: (i, result) => {
        try {
          ready[i]!.resolve(asRegion(req, result));
        } catch (e) {
          ready[i]!.reject(e);
        }
      },
    },
  );
  batch.catch((e: unknown) => {
    const error = req.signal?.aborted ? new StudioError('CANCELLED', 'the fill was cancelled') : e;
    for (const r of ready) r.reject(error);
  });
  try {
    for (let i = 0; i < n; i++) yield await ready[i]!.promise;
    await batch;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await batch.catch(() => {});
  }
}
