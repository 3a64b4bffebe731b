/**
 * Cutting a job's context crop out of the full-size inputs, and writing its
 * filled hole pixels back into the result region. The worker wrapper uses the
 * same functions, so in-process and worker fills are bit-identical.
 *
 * A job's hole pixels travel as their values only, in raster order: every
 * mask pixel inside a job's context belongs to that job and lies in its hole
 * box (the planner merges holes whose contexts meet), so the crop's hole in
 * raster order and the hole box's mask pixels in raster order are the same
 * pixels in the same order.
 */
import type { JobImages } from './fillJob';
import { HEAP_PLANES, type PlaneAllocator } from './planes';
import type { FillJob } from './planFillJobs';
import type { FillResult, PatchMatchOptions, PixelImage, Rect } from './types';

/** `planes`: SHARED_PLANES for a crop that several workers read (a guided batch's job). */
export function cropJobImages(
  image: PixelImage,
  mask: Uint8Array,
  options: Pick<PatchMatchOptions, 'exclusion' | 'guide' | 'values16'>,
  context: Rect,
  planes: PlaneAllocator = HEAP_PLANES,
): JobImages {
  const { channels } = image;
  const hole = cropPlane(mask, image.width, context, planes);
  for (let i = 0; i < hole.length; i++) hole[i] = hole[i]! > 127 ? 1 : 0;
  let exclusion: Uint8Array | null = null;
  if (options.exclusion) {
    exclusion = cropPlane(options.exclusion, image.width, context, planes);
    for (let i = 0; i < exclusion.length; i++) exclusion[i] = exclusion[i]! > 127 ? 1 : 0;
  }
  const rgb = planes.uint8(context.width * context.height * channels);
  return {
    width: context.width,
    height: context.height,
    channels,
    image: cropInterleaved(image.data, image.width, channels, context, rgb),
    hole,
    exclusion,
    guide: options.guide ? cropInterleaved(options.guide.data, image.width, channels, context, new Uint8Array(rgb.length)) : null,
    values16: options.values16 ? cropInterleaved(options.values16, image.width, channels, context, planes.uint16(rgb.length)) : null,
  };
}

export function cropPlane(plane: Uint8Array, width: number, rect: Rect, planes: PlaneAllocator = HEAP_PLANES): Uint8Array {
  const out = planes.uint8(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const from = (rect.y + y) * width + rect.x;
    out.set(plane.subarray(from, from + rect.width), y * rect.width);
  }
  return out;
}

/** Copies `rect` of an interleaved image into `out` (rect.width × rect.height × channels). */
export function cropInterleaved<T extends Uint8Array | Uint16Array>(data: T, width: number, channels: number, rect: Rect, out: T): T {
  const rowLength = rect.width * channels;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * width + rect.x) * channels;
    out.set(data.subarray(from, from + rowLength), y * rowLength);
  }
  return out;
}

/** How many pixels of the job's hole box are in the mask (> 127): the length, in pixels, of its hole values. */
export function countHolePixels(job: FillJob, mask: Uint8Array, imageWidth: number): number {
  const { holeBox } = job;
  let count = 0;
  for (let y = holeBox.y; y < holeBox.y + holeBox.height; y++) {
    const row = y * imageWidth;
    for (let x = holeBox.x; x < holeBox.x + holeBox.width; x++) if (mask[row + x]! > 127) count++;
  }
  return count;
}

/** Writes a job's hole values (raster order, as the worker returns them) into the result region. */
export function pasteHoleValues<T extends Uint8Array | Uint16Array>(
  holeValues: T,
  job: FillJob,
  mask: Uint8Array,
  imageWidth: number,
  channels: number,
  region: Rect,
  out: T,
): void {
  const { holeBox } = job;
  let k = 0;
  for (let y = holeBox.y; y < holeBox.y + holeBox.height; y++) {
    for (let x = holeBox.x; x < holeBox.x + holeBox.width; x++) {
      if (mask[y * imageWidth + x]! <= 127) continue;
      const to = ((y - region.y) * region.width + (x - region.x)) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = holeValues[k++]!;
    }
  }
  if (k !== holeValues.length) throw new Error(`a filled job returned ${holeValues.length / channels} hole pixels, its hole box has ${k / channels}`);
}

/** Pastes one filled job (8-bit and, when the result has them, 16-bit values) into a result. */
export function pasteJobResult(
  result: FillResult,
  job: FillJob,
  filled: { readonly holeValues: Uint8Array; readonly holeValues16: Uint16Array | null },
  mask: Uint8Array,
  image: PixelImage,
): void {
  pasteHoleValues(filled.holeValues, job, mask, image.width, image.channels, result.region, result.data);
  if (result.data16 && filled.holeValues16) {
    pasteHoleValues(filled.holeValues16, job, mask, image.width, image.channels, result.region, result.data16);
  }
}
