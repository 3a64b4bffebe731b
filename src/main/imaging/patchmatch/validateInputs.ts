/**
 * Boundary checks for patchMatchFill. Everything a caller can get wrong
 * becomes a StudioError with the offending sizes in the message.
 */
import { StudioError } from '../../../shared/errors';
import { DEFAULT_PATCH_SIZE, type PatchMatchOptions, type PixelImage } from './types';

export interface ResolvedSettings {
  readonly patchSize: number;
  readonly seed: number;
  readonly guideWeight: number;
  readonly guideScale: number | undefined;
}

function checkImageShape(image: PixelImage, what: string): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new StudioError('BAD_REQUEST', `${what} has an invalid size ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4) {
    throw new StudioError('UNSUPPORTED_FORMAT', `${what} has ${channels} channels; PatchMatch needs 3 (RGB) or 4 (RGBA)`);
  }
  if (!(data instanceof Uint8Array)) throw new StudioError('BAD_REQUEST', `${what} data must be a Uint8Array`);
  if (data.length !== width * height * channels) {
    throw new StudioError(
      'BAD_REQUEST',
      `${what} data has ${data.length} bytes, expected ${width}x${height}x${channels} = ${width * height * channels}`,
    );
  }
}

export function validateInputs(image: PixelImage, mask: Uint8Array, options: PatchMatchOptions): ResolvedSettings {
  checkImageShape(image, 'image');
  const { width, height, channels } = image;
  const pixels = width * height;
  if (!(mask instanceof Uint8Array)) throw new StudioError('BAD_MASK', 'mask must be a Uint8Array (one byte per pixel)');
  if (mask.length !== pixels) {
    throw new StudioError(
      'MASK_SIZE_MISMATCH',
      `mask has ${mask.length} pixels but the image is ${width}x${height} = ${pixels} pixels`,
    );
  }
  if (options.exclusion !== undefined && options.exclusion.length !== pixels) {
    throw new StudioError(
      'MASK_SIZE_MISMATCH',
      `exclusion mask has ${options.exclusion.length} pixels but the image is ${width}x${height} = ${pixels} pixels`,
    );
  }
  if (options.guide !== undefined) {
    checkImageShape(options.guide, 'guide');
    const g = options.guide;
    if (g.width !== width || g.height !== height || g.channels !== channels) {
      throw new StudioError(
        'BAD_REQUEST',
        `guide is ${g.width}x${g.height}x${g.channels} but the image is ${width}x${height}x${channels}`,
      );
    }
  }
  if (options.values16 !== undefined) {
    if (!(options.values16 instanceof Uint16Array)) throw new StudioError('BAD_REQUEST', 'values16 must be a Uint16Array');
    if (options.values16.length !== pixels * channels) {
      throw new StudioError(
        'BAD_REQUEST',
        `values16 has ${options.values16.length} values, expected ${width}x${height}x${channels} = ${pixels * channels}`,
      );
    }
  }
  const patchSize = options.patchSize ?? DEFAULT_PATCH_SIZE;
  if (!Number.isInteger(patchSize) || patchSize < 3 || patchSize > 31 || patchSize % 2 === 0) {
    throw new StudioError('BAD_REQUEST', `patchSize must be an odd integer from 3 to 31, got ${patchSize}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new StudioError('BAD_REQUEST', `seed must be a uint32, got ${seed}`);
  }
  const guideWeight = options.guideWeight ?? (options.guide ? 1 : 0);
  if (!Number.isFinite(guideWeight) || guideWeight < 0) {
    throw new StudioError('BAD_REQUEST', `guideWeight must be a finite number >= 0, got ${guideWeight}`);
  }
  if (guideWeight > 0 && options.guide === undefined) {
    throw new StudioError('BAD_REQUEST', 'guideWeight was given without a guide image');
  }
  const guideScale = options.guideScale;
  if (guideScale !== undefined) {
    if (!Number.isFinite(guideScale) || guideScale < 1) {
      throw new StudioError('BAD_REQUEST', `guideScale must be a finite number >= 1, got ${guideScale}`);
    }
    if (options.guide === undefined) throw new StudioError('BAD_REQUEST', 'guideScale was given without a guide image');
  }
  return { patchSize, seed, guideWeight, guideScale };
}
