/**
 * Reads a mask PNG (a saved mask, or an autosaved draft) in the browser:
 * decoded without colour management, thresholded at > 127 on the first
 * channel, as the contract defines. The size must match the photo.
 */
import { StudioError } from '../../shared/errors';
import { maskFromPixels } from './maskActions';
import type { MaskRaster } from './tiledMask';

export async function decodeMaskPng(bytes: Uint8Array | Blob, width: number, height: number): Promise<MaskRaster> {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new StudioError('BAD_MASK', 'The mask file could not be read as an image.');
  }
  try {
    if (bitmap.width !== width || bitmap.height !== height) {
      throw new StudioError('MASK_SIZE_MISMATCH', `The mask is ${bitmap.width}×${bitmap.height} px but the photo is ${width}×${height} px.`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context for decoding the mask');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    // A transparent pixel counts as not filled, whatever its colour.
    return maskFromPixels(width, height, (i) => (data[i * 4 + 3]! > 127 ? data[i * 4]! : 0));
  } finally {
    bitmap.close();
  }
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
