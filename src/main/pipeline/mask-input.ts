/**
 * Reads a user's mask (PNG or any format sharp reads) into one byte per
 * pixel: where the alpha-weighted luma is > 127 the pixel is in the mask and
 * keeps its level (255 = full blend, lower = a soft edge's partial blend,
 * see maskWeight); everything else is 0. A white-on-black mask decodes to
 * exactly 255 / 0. Masks are not EXIF-rotated: they are drawn on the
 * oriented photo (DESIGN.md §8).
 */
import sharp from 'sharp';
import type { MaskRegion } from '../../shared/api';
import { maskEmptyError, StudioError } from '../../shared/errors';
import { maskCoverage, type MaskBounds } from '../../shared/mask-ops';

async function readMaskSize(bytes: Uint8Array): Promise<{ width: number | undefined; height: number | undefined }> {
  try {
    const meta = await sharp(bytes).metadata();
    return { width: meta.width, height: meta.height };
  } catch (err) {
    throw new StudioError('BAD_MASK', `the mask could not be read: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Mask levels of `n` RGBA pixels: white = fill, weighted by opacity, levels
 * above 127 kept (a soft edge), the rest 0. A picture of one colour where only
 * the transparency varies (a selection exported as alpha, e.g. black on
 * transparent) is read from its alpha.
 */
export function maskLevels(data: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let alphaOnly = out.length > 0;
  let alphaVaries = false;
  for (let p = 4; p < data.length && alphaOnly; p += 4) {
    if (data[p] !== data[0] || data[p + 1] !== data[1] || data[p + 2] !== data[2]) alphaOnly = false;
    if (data[p + 3] !== data[3]) alphaVaries = true;
  }
  if (alphaOnly && alphaVaries) {
    for (let i = 0; i < out.length; i++) out[i] = data[i * 4 + 3]! > 127 ? data[i * 4 + 3]! : 0;
    return out;
  }
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    const luma = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
    const level = (luma * data[p + 3]!) / 255;
    out[i] = level > 127 ? Math.min(255, Math.max(128, Math.round(level))) : 0;
  }
  return out;
}

/** Decodes mask bytes already known to be width × height. */
async function decodeMaskPixels(bytes: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  let data: Buffer;
  try {
    data = await sharp(bytes, { ignoreIcc: true, failOn: 'truncated' }).toColourspace('srgb').ensureAlpha().raw().toBuffer();
  } catch (err) {
    throw new StudioError('BAD_MASK', `the mask could not be decoded: ${(err as Error).message.split('\n')[0]}`);
  }
  return maskLevels(data, width * height);
}

function photoSizeMismatch(got: { width: number | undefined; height: number | undefined }, width: number, height: number): StudioError {
  return new StudioError('MASK_SIZE_MISMATCH', `the mask is ${got.width}×${got.height} but the image is ${width}×${height}; masks must match the photo's size (after orientation)`);
}

/** A whole-frame mask (a mask file) at the photo's size. */
export async function decodeMask(bytes: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const size = await readMaskSize(bytes);
  if (size.width !== width || size.height !== height) throw photoSizeMismatch(size, width, height);
  return decodeMaskPixels(bytes, width, height);
}

/** A mask region placed on the frame, with the count of its pixels in the mask (> 127). */
export interface PlacedMask {
  /** One byte per pixel at the photo's size, 0 outside the region's box. */
  readonly mask: Uint8Array;
  /** The region's box: every mask pixel lies inside it. */
  readonly box: MaskBounds;
  readonly filled: number;
}

/**
 * Checks a mask sent as its bounding box against a photo of width × height
 * (the box lies inside it, the PNG is the box's size) and decodes the box
 * alone: one byte per box pixel, row-major. `what` names the mask in
 * messages ("mask", "exclusion mask").
 */
export async function decodeMaskBox(region: MaskRegion, width: number, height: number, what = 'mask'): Promise<Uint8Array> {
  const { x, y, width: bw, height: bh } = region;
  if (x + bw > width || y + bh > height) {
    throw new StudioError('MASK_SIZE_MISMATCH', `the ${what}'s box (${bw}×${bh} at ${x},${y}) reaches outside the ${width}×${height} photo`);
  }
  const size = await readMaskSize(region.png);
  if (size.width !== bw || size.height !== bh) {
    throw new StudioError('MASK_SIZE_MISMATCH', `the ${what} PNG is ${size.width}×${size.height} but its box says ${bw}×${bh}`);
  }
  return decodeMaskPixels(region.png, bw, bh);
}

/**
 * Decodes a mask sent as its bounding box and places it on a photo of
 * width × height (checked as decodeMaskBox does). Only the box is decoded;
 * the frame around it is zero.
 */
export async function decodeMaskRegion(region: MaskRegion, width: number, height: number, what = 'mask'): Promise<PlacedMask> {
  const { x, y, width: bw, height: bh } = region;
  const crop = await decodeMaskBox(region, width, height, what);
  const mask = new Uint8Array(width * height);
  let filled = 0;
  for (let row = 0; row < bh; row++) {
    const line = crop.subarray(row * bw, (row + 1) * bw);
    mask.set(line, (y + row) * width + x);
    for (let i = 0; i < bw; i++) if (line[i]! > 127) filled++;
  }
  return { mask, box: { x, y, width: bw, height: bh }, filled };
}

/**
 * A mask file at the photo's size as a region covering the whole frame (the
 * CLI's `--mask`); a file of another size gets the photo-size message.
 */
export async function wholeFrameMaskRegion(bytes: Uint8Array<ArrayBuffer>, width: number, height: number): Promise<MaskRegion> {
  const size = await readMaskSize(bytes);
  if (size.width !== width || size.height !== height) throw photoSizeMismatch(size, width, height);
  return { png: bytes, x: 0, y: 0, width, height };
}

/** Rejects a coverage (fraction of the photo in the mask) that leaves nothing to do or nothing to learn from. */
export function checkCoverageUsable(coverage: number): number {
  if (coverage === 0) throw maskEmptyError();
  if (coverage === 1) throw new StudioError('MASK_FULL', 'the mask covers the whole photo: nothing is left to fill from; leave part of the photo unmasked');
  return coverage;
}

/** Rejects masks that leave nothing to do or nothing to learn from. */
export function checkMaskUsable(mask: Uint8Array): number {
  return checkCoverageUsable(maskCoverage(mask));
}
