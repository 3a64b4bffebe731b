/**
 * `versions.region`: a rectangle of a version's full-resolution pixels, so
 * the editor can show real detail at ≥ 100 % zoom where the display proxy
 * would be upscaled. The version is decoded (and its applied samples pasted)
 * once and kept while requests for it keep coming; concurrent requests for a
 * version that is still loading share the one decode.
 */
import sharp from 'sharp';
import type { ResponseOf } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { RawImage } from './io';

export interface RegionRect { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** Clips `rect` to the image; a rectangle that starts outside it is a BAD_REQUEST. */
export function clipRegion(rect: RegionRect, width: number, height: number): RegionRect {
  if (rect.x >= width || rect.y >= height) {
    throw new StudioError('BAD_REQUEST', `the region starts at ${rect.x},${rect.y}, outside the ${width}×${height} photo`);
  }
  return { x: rect.x, y: rect.y, width: Math.min(rect.width, width - rect.x), height: Math.min(rect.height, height - rect.y) };
}

/** The pixels of `rect` (already clipped) as 8-bit RGBA: 16-bit samples are scaled down, grey becomes RGB, opaque alpha is added. */
export async function extractRgba(image: RawImage, rect: RegionRect): Promise<Uint8Array> {
  // A Uint16Array input tells sharp the samples are 16-bit.
  let p = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .extract({ left: rect.x, top: rect.y, width: rect.width, height: rect.height });
  if (image.depth === 16 || image.channels < 3) p = p.toColourspace('srgb');
  const { data, info } = await p.ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 4 || info.width !== rect.width || info.height !== rect.height) {
    throw new Error(`region extract gave ${info.width}×${info.height}×${info.channels}, expected ${rect.width}×${rect.height}×4`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

export class RegionReader {
  private current: { readonly versionId: number; readonly image: Promise<RawImage> } | null = null;

  constructor(private readonly load: (versionId: number) => Promise<{ readonly image: RawImage }>) {}

  async read(req: { readonly versionId: number } & RegionRect): Promise<ResponseOf<'versions.region'>> {
    const image = await this.imageOf(req.versionId);
    const rect = clipRegion(req, image.width, image.height);
    return { versionId: req.versionId, ...rect, rgba: await extractRgba(image, rect) };
  }

  private imageOf(versionId: number): Promise<RawImage> {
    if (this.current?.versionId === versionId) return this.current.image;
    const image = this.load(versionId).then((v) => v.image);
    const entry = { versionId, image };
    this.current = entry;
    // A failed load is not kept: the next request tries again.
    image.catch(() => { if (this.current === entry) this.current = null; });
    return image;
  }
}
