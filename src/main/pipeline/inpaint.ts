/**
 * The inpaint job, independent of history and transport: given the photo's
 * pixels and a binary mask, produce N samples, each as the blended crop of
 * the region it may change. Only pixels inside the effective mask (the mask
 * after grow) can differ from the source; feathering blends only inside it.
 */
import type { InpaintParams } from '../../shared/api';
import { maskEmptyError, StudioError } from '../../shared/errors';
import type { MaskBounds } from '../../shared/mask-ops';
import { effectiveMask } from './effective-mask';
import { blendRegion } from '../imaging/composite';
import { toEightBit, type RawImage } from '../imaging/io';
import type { LoadedModel } from '../inference/models';
import { fillSamples, sampleSeed } from './methods';
import type { WorkingSampler } from './diffusion-stage';
import type { DiffusionWork } from './holes';

export interface InpaintSample {
  readonly index: number;
  readonly seed: number;
  readonly region: MaskBounds;
  /** The blended pixels of `region` (same depth and channels as the photo). */
  readonly crop: RawImage;
  /** When the sample was ready, in ms from the start of this run's sampling (model loading excluded; samples of one batch finish together). */
  readonly millis: number;
}

export interface InpaintInput {
  readonly image: RawImage;
  /** One byte per pixel, > 127 = fill, at the image's size. */
  readonly mask: Uint8Array;
  /** Optional: a box known to hold every mask pixel (a mask region's box); spares a scan of the whole frame. */
  readonly maskBox?: MaskBounds;
  readonly params: InpaintParams;
  /** One byte per pixel, > 127 = PatchMatch never takes patches from here. */
  readonly exclusion?: Uint8Array;
  readonly model?: LoadedModel;
  readonly maxWorkingEdge?: number;
  readonly signal?: AbortSignal;
  /** Fraction of the whole job, 0..1. */
  readonly onProgress?: (fraction: number) => void;
  readonly onPreview?: (step: number, total: number, images: readonly Uint8Array[], width: number, height: number) => void;
  readonly sampleWorking?: WorkingSampler;
  /** Diffusion: called once when sampling is done and the detail pass starts. */
  readonly onSampled?: (work: DiffusionWork) => void;
  /** Called as each sample finishes, so callers can store and show it at once. */
  readonly onSample?: (s: InpaintSample) => Promise<void> | void;
  /** The photo's ICC profile (diffusion works in sRGB and converts back). */
  readonly icc?: Uint8Array | null;
}

export { sampleSeed };

export async function runInpaint(input: InpaintInput): Promise<InpaintSample[]> {
  const { image, params } = input;
  if (input.mask.length !== image.width * image.height) {
    throw new StudioError('MASK_SIZE_MISMATCH', `mask has ${input.mask.length} pixels, image has ${image.width * image.height}`);
  }
  const m = effectiveMask(input.mask, image.width, image.height, params.grow, params.feather, input.maskBox);
  if (!m) throw maskEmptyError();
  const { effective, weights, region } = m;
  const samples: InpaintSample[] = [];
  const started = performance.now();
  let index = 0;
  for await (const fill of fillSamples({
    image, eight: toEightBit(image), mask: effective, region, params,
    ...(input.model ? { model: input.model } : {}),
    ...(input.exclusion ? { exclusion: input.exclusion } : {}),
    ...(input.maxWorkingEdge ? { maxWorkingEdge: input.maxWorkingEdge } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    onProgress: (f) => input.onProgress?.(f),
    ...(input.onPreview ? { onPreview: input.onPreview } : {}),
    ...(input.sampleWorking ? { sampleWorking: input.sampleWorking } : {}),
    ...(input.onSampled ? { onSampled: input.onSampled } : {}),
    ...(input.icc ? { icc: input.icc } : {}),
  })) {
    const crop = blendRegion(image, fill, region, weights);
    const sample: InpaintSample = { index, seed: sampleSeed(params.seed, index), region, crop, millis: Math.round(performance.now() - started) };
    samples.push(sample);
    await input.onSample?.(sample);
    index++;
  }
  return samples;
}
