/**
 * Reads a mask PNG (a saved mask, or an autosaved draft) in the browser:
 * decoded without colour management, thresholded at > 127 on the first
 * channel, as the contract defines. A whole-frame PNG must match the photo;
 * a region (a PNG of a bounding box, shared/api's maskRegionSchema) must lie
 * inside it and be the size of its box.
 */
import type { MaskRegion } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { maskFromPixels } from './maskActions';
import type { MaskRaster, PixelBounds } from './tiledMask';

/**
 * Decodes `bytes` (expected to be box.width × box.height; otherwise
 * `sizeError` says why not) and places its pixels at the box on an empty
 * width × height mask.
 */
async function decodeInto(
  bytes: Uint8Array | Blob, width: number, height: number, box: PixelBounds, sizeError: (w: number, h: number) => StudioError,
): Promise<MaskRaster> {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new StudioError('BAD_MASK', 'The mask file could not be read as an image.');
  }
  try {
    if (bitmap.width !== box.width || bitmap.height !== box.height) throw sizeError(bitmap.width, bitmap.height);
    const canvas = new OffscreenCanvas(box.width, box.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context for decoding the mask');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, box.width, box.height).data;
    // A transparent pixel counts as not filled, whatever its colour.
    return maskFromPixels(width, height, (i) => (data[i * 4 + 3]! > 127 ? data[i * 4]! : 0), box);
  } finally {
    bitmap.close();
  }
}

export function decodeMaskPng(bytes: Uint8Array | Blob, width: number, height: number): Promise<MaskRaster> {
  return decodeInto(bytes, width, height, { x: 0, y: 0, width, height },
    (w, h) => new StudioError('MASK_SIZE_MISMATCH', `The mask is ${w}×${h} px but the photo is ${width}×${height} px.`));
}

/** A mask sent as its bounding box (a restored draft), placed on an empty width × height mask; only the box is decoded. */
export async function decodeMaskRegionPng(region: MaskRegion, width: number, height: number): Promise<MaskRaster> {
  const { x, y, width: bw, height: bh } = region;
  if (x + bw > width || y + bh > height) {
    throw new StudioError('MASK_SIZE_MISMATCH', `The mask's box (${bw}×${bh} px at ${x},${y}) reaches outside the ${width}×${height} px photo.`);
  }
  return decodeInto(region.png, width, height, { x, y, width: bw, height: bh },
    (w, h) => new StudioError('MASK_SIZE_MISMATCH', `The mask PNG is ${w}×${h} px but its box says ${bw}×${bh} px.`));
}

/** Offers the mask as a PNG download. */
export function downloadBytes(bytes: Uint8Array, fileName: string, type = 'image/png'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
