/**
 * Full-resolution rectangles for display at ≥ 100 % zoom, where the display
 * proxy would be upscaled. `versions.region`: a version's pixels; the
 * version is decoded (and its applied samples pasted) once and kept while
 * requests for it keep coming; concurrent requests for a version that is
 * still loading share the one decode. `samples.region`: a run's sample as
 * applying it would make it, i.e. the run's base version (the same kept
 * decode) with the sample's stored crop pasted where the rectangle overlaps
 * it, so comparing samples never decodes a whole frame per tile.
 */
import sharp from 'sharp';
import type { ResponseOf } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { cropImage, pasteImage } from './composite';
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

/** Where a sample's crop lands in the version its run filled. */
export interface SamplePlacement { readonly baseVersionId: number; readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** What the reader needs from the history (history/version-pixels implements it). */
export interface RegionPixels {
  load(versionId: number): Promise<{ readonly image: RawImage }>;
  /** Reads only the database; throws NOT_FOUND for an unknown sample. */
  samplePlacement(sampleId: number): SamplePlacement;
  sampleCrop(sampleId: number): Promise<RawImage>;
}

/** Decoded sample crops kept: the two panes of a side-by-side comparison. */
const KEEP_CROPS = 2;

/** The overlap of two rectangles, or null. */
function intersect(a: RegionRect, b: RegionRect): RegionRect | null {
  const x = Math.max(a.x, b.x), y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x, height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

export class RegionReader {
  private current: { readonly versionId: number; readonly image: Promise<RawImage> } | null = null;
  private readonly crops = new Map<number, Promise<RawImage>>();

  constructor(private readonly pixels: RegionPixels) {}

  async read(req: { readonly versionId: number } & RegionRect): Promise<ResponseOf<'versions.region'>> {
    const image = await this.imageOf(req.versionId);
    const rect = clipRegion(req, image.width, image.height);
    return { versionId: req.versionId, ...rect, rgba: await extractRgba(image, rect) };
  }

  /**
   * The pixels `versions.apply` of this sample would give its new version
   * in `rect`: the base version's pixels with the crop pasted over the
   * overlap, in the source's own depth and channels, converted to RGBA once
   * and the same way as `read` does.
   */
  async readSample(req: { readonly sampleId: number } & RegionRect): Promise<ResponseOf<'samples.region'>> {
    const placement = this.pixels.samplePlacement(req.sampleId);
    const base = await this.imageOf(placement.baseVersionId);
    const rect = clipRegion(req, base.width, base.height);
    const overlap = intersect(rect, placement);
    if (!overlap) return { sampleId: req.sampleId, ...rect, rgba: await extractRgba(base, rect) };
    const crop = await this.cropOf(req.sampleId);
    if (crop.width !== placement.width || crop.height !== placement.height) {
      throw new Error(`sample ${req.sampleId}: the stored crop is ${crop.width}×${crop.height}, its box ${placement.width}×${placement.height}`);
    }
    const pixels = cropImage(base, rect);
    const piece = cropImage(crop, { x: overlap.x - placement.x, y: overlap.y - placement.y, width: overlap.width, height: overlap.height });
    pasteImage(pixels, piece, overlap.x - rect.x, overlap.y - rect.y);
    return { sampleId: req.sampleId, ...rect, rgba: await extractRgba(pixels, { x: 0, y: 0, width: rect.width, height: rect.height }) };
  }

  private imageOf(versionId: number): Promise<RawImage> {
    if (this.current?.versionId === versionId) return this.current.image;
    const image = this.pixels.load(versionId).then((v) => v.image);
    const entry = { versionId, image };
    this.current = entry;
    // A failed load is not kept: the next request tries again.
    image.catch(() => { if (this.current === entry) this.current = null; });
    return image;
  }

  private cropOf(sampleId: number): Promise<RawImage> {
    const held = this.crops.get(sampleId);
    if (held) {
      this.crops.delete(sampleId); // most recently used last
      this.crops.set(sampleId, held);
      return held;
    }
    const crop = this.pixels.sampleCrop(sampleId);
    this.crops.set(sampleId, crop);
    while (this.crops.size > KEEP_CROPS) this.crops.delete(this.crops.keys().next().value!);
    crop.catch(() => { if (this.crops.get(sampleId) === crop) this.crops.delete(sampleId); });
    return crop;
  }
}
