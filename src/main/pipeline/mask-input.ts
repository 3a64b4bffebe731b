/**
 * Reads a user's mask (PNG or any format sharp reads) into one byte per
 * pixel: where the alpha-weighted luma is > 127 the pixel is in the mask and
 * keeps its level (255 = full blend, lower = a soft edge's partial blend,
 * see maskWeight); everything else is 0. A white-on-black mask decodes to
 * exactly 255 / 0. Masks are not EXIF-rotated: they are drawn on the
 * oriented photo (DESIGN.md §8).
 */
import sharp from 'sharp';
import { StudioError } from '../../shared/errors';
import { maskCoverage } from '../../shared/mask-ops';

export async function decodeMask(bytes: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new StudioError('BAD_MASK', `the mask could not be read: ${(err as Error).message.split('\n')[0]}`);
  }
  if (meta.width !== width || meta.height !== height) {
    throw new StudioError('MASK_SIZE_MISMATCH', `the mask is ${meta.width}×${meta.height} but the image is ${width}×${height}; masks must match the photo's size (after orientation)`);
  }
  let data: Buffer;
  try {
    data = await sharp(bytes, { ignoreIcc: true, failOn: 'truncated' }).toColourspace('srgb').ensureAlpha().raw().toBuffer();
  } catch (err) {
    throw new StudioError('BAD_MASK', `the mask could not be decoded: ${(err as Error).message.split('\n')[0]}`);
  }
  const out = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    const luma = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
    const level = (luma * data[p + 3]!) / 255;
    out[i] = level > 127 ? Math.min(255, Math.max(128, Math.round(level))) : 0;
  }
  return out;
}

/** Rejects masks that leave nothing to do or nothing to learn from. */
export function checkMaskUsable(mask: Uint8Array): number {
  const coverage = maskCoverage(mask);
  if (coverage === 0) throw new StudioError('MASK_EMPTY', 'the mask is empty: paint over what should be removed (white = fill)');
  if (coverage === 1) throw new StudioError('MASK_FULL', 'the mask covers the whole photo: nothing is left to fill from; leave part of the photo unmasked');
  return coverage;
}
