/**
 * Fill methods behind one signature: each produces the pixels of the hole's
 * region for sample after sample; the caller blends them in.
 *
 * - patchmatch: multi-scale PatchMatch from the photo itself.
 * - diffusion: N samples from one batched diffusion run at working
 *   resolution, each used as the guide of a PatchMatch detail pass at the
 *   photo's own resolution, so the fill keeps the photo's grain and sharpness.
 */
import type { InpaintParams } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { MaskBounds } from '../../shared/mask-ops';
import type { RawImage } from '../imaging/io';
import type { LoadedModel } from '../inference/models';
import { runPatchMatchInWorker } from '../imaging/patchmatch/worker-client';
import type { PixelImage } from '../imaging/patchmatch/types';
import { runDiffusionStage, type DiffusionStageResult, type WorkingSampler } from './diffusion-stage';
import { holeGroups } from './holes';

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
}

export function sampleSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

async function patchMatchRegion(req: FillRequest, seed: number, guide: PixelImage | null, onProgress: (f: number) => void): Promise<RawImage> {
  const { image, region } = req;
  const result = await runPatchMatchInWorker(
    { data: req.eight, width: image.width, height: image.height, channels: image.channels },
    req.mask,
    {
      seed,
      ...(guide ? { guide } : {}),
      ...(req.exclusion ? { exclusion: req.exclusion } : {}),
      ...(image.depth === 16 ? { values16: image.data as Uint16Array } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      onProgress,
    },
  );
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

/** The full-size guide: the photo with each hole's crop replaced by sample `index` of its diffusion run. */
function guideFromSamples(req: FillRequest, stages: readonly DiffusionStageResult[], index: number): PixelImage {
  const { width, height, channels } = req.image;
  const data = req.eight.slice();
  for (const { crop, samples } of stages) {
    const rgb = samples[index]!;
    for (let y = 0; y < crop.height; y++) for (let x = 0; x < crop.width; x++) {
      const d = ((crop.y + y) * width + crop.x + x) * channels;
      const s = (y * crop.width + x) * 3;
      data[d] = rgb[s]!; data[d + 1] = rgb[s + 1]!; data[d + 2] = rgb[s + 2]!;
    }
  }
  return { data, width, height, channels };
}

export const DEFAULT_DIFFUSION_STEPS = 25;
export const DEFAULT_MAX_WORKING_EDGE = 128;

export async function* fillSamples(req: FillRequest): AsyncGenerator<RawImage> {
  const { params } = req;
  const n = params.samples;
  if (params.method === 'patchmatch') {
    for (let i = 0; i < n; i++) {
      if (req.signal?.aborted) throw new StudioError('CANCELLED', 'the fill was cancelled');
      yield await patchMatchRegion(req, sampleSeed(params.seed, i), null, (f) => req.onProgress((i + f) / n));
    }
    return;
  }
  if (!req.model) throw new StudioError('MODEL_MISSING', 'diffusion fills need a model; none is installed');
  const diffusionShare = 0.6;
  // Far-apart holes get crops of their own, each diffused at working resolution.
  const holes = holeGroups(req.mask, req.image.width, req.image.height);
  const stages: DiffusionStageResult[] = [];
  for (const [h, hole] of holes.entries()) {
    stages.push(await runDiffusionStage(req.eight, req.image.width, req.image.height, req.image.channels, req.mask, hole, {
      model: req.model,
      sampler: params.sampler ?? 'ddim',
      steps: params.steps ?? DEFAULT_DIFFUSION_STEPS,
      strength: params.strength,
      seed: params.seed,
      count: n,
      maxWorkingEdge: req.maxWorkingEdge ?? DEFAULT_MAX_WORKING_EDGE,
      ...(req.signal ? { signal: req.signal } : {}),
      onStep: (step, total) => req.onProgress(diffusionShare * ((h + step / total) / holes.length)),
      ...(req.onPreview && h === 0 ? { onPreview: req.onPreview } : {}),
      ...(req.sampleWorking ? { sampleWorking: req.sampleWorking } : {}),
    }));
  }
  for (let i = 0; i < n; i++) {
    if (req.signal?.aborted) throw new StudioError('CANCELLED', 'the fill was cancelled');
    const guide = guideFromSamples(req, stages, i);
    yield await patchMatchRegion(req, sampleSeed(params.seed, i), guide,
      (f) => req.onProgress(diffusionShare + (1 - diffusionShare) * ((i + f) / n)));
  }
}
