/**
 * The inpaint job, independent of history and transport: given the photo's
 * pixels and a binary mask, produce N samples, each as the blended crop of
 * the region it may change. Only pixels inside the effective mask (the mask
 * after grow) can differ from the source; feathering blends only inside it.
 */
import type { InpaintParams } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { featherWeights, growMask, maskBounds, type MaskBounds } from '../../shared/mask-ops';
import { blendRegion } from '../imaging/composite';
import { toEightBit, type RawImage } from '../imaging/io';
import { fillRegion } from './methods';

export interface InpaintProgress {
  readonly sampleIndex: number;
  /** 0..1 within the current sample. */
  readonly fraction: number;
}

export interface InpaintSample {
  readonly index: number;
  readonly seed: number;
  readonly region: MaskBounds;
  /** The blended pixels of `region` (same depth and channels as the photo). */
  readonly crop: RawImage;
  readonly millis: number;
}

export interface InpaintInput {
  readonly image: RawImage;
  /** One byte per pixel, > 127 = fill, at the image's size. */
  readonly mask: Uint8Array;
  readonly params: InpaintParams;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: InpaintProgress) => void;
  /** Called as each sample finishes, so callers can store and show it at once. */
  readonly onSample?: (s: InpaintSample) => Promise<void> | void;
}

export function sampleSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

export async function runInpaint(input: InpaintInput): Promise<InpaintSample[]> {
  const { image, params } = input;
  if (input.mask.length !== image.width * image.height) {
    throw new StudioError('MASK_SIZE_MISMATCH', `mask has ${input.mask.length} pixels, image has ${image.width * image.height}`);
  }
  const effective = growMask(input.mask, image.width, image.height, params.grow);
  const region = maskBounds(effective, image.width, image.height);
  if (!region) throw new StudioError('MASK_EMPTY', 'the mask is empty: paint over what should be removed (white = fill)');
  const weights = featherWeights(effective, image.width, image.height, params.feather);
  const eight = toEightBit(image);
  const samples: InpaintSample[] = [];
  for (let index = 0; index < params.samples; index++) {
    if (input.signal?.aborted) throw new StudioError('CANCELLED', 'the fill was cancelled');
    const started = performance.now();
    const seed = sampleSeed(params.seed, index);
    const fill = await fillRegion(params.method, {
      image, eight, mask: effective, region, seed, params,
      ...(input.signal ? { signal: input.signal } : {}),
      onProgress: (fraction) => input.onProgress?.({ sampleIndex: index, fraction }),
    });
    const crop = blendRegion(image, fill, region, weights);
    const sample: InpaintSample = { index, seed, region, crop, millis: Math.round(performance.now() - started) };
    samples.push(sample);
    await input.onSample?.(sample);
  }
  return samples;
}
