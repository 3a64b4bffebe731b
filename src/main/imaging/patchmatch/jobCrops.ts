/**
 * Cutting a job's context crop out of the full-size inputs, and writing its
 * filled hole pixels back into the result region. The worker wrapper uses the
 * same two functions, so in-process and worker fills are bit-identical.
 */
import type { JobImages } from './fillJob';
import type { FillJob } from './planFillJobs';
import type { PatchMatchOptions, PixelImage, Rect } from './types';

export function cropJobImages(
  image: PixelImage,
  mask: Uint8Array,
  options: Pick<PatchMatchOptions, 'exclusion' | 'guide' | 'values16'>,
  context: Rect,
): JobImages {
  const { channels } = image;
  const hole = cropPlane(mask, image.width, context);
  for (let i = 0; i < hole.length; i++) hole[i] = hole[i]! > 127 ? 1 : 0;
  let exclusion: Uint8Array | null = null;
  if (options.exclusion) {
    exclusion = cropPlane(options.exclusion, image.width, context);
    for (let i = 0; i < exclusion.length; i++) exclusion[i] = exclusion[i]! > 127 ? 1 : 0;
  }
  return {
    width: context.width,
    height: context.height,
    channels,
    image: cropInterleaved(image.data, image.width, channels, context, Uint8Array),
    hole,
    exclusion,
    guide: options.guide ? cropInterleaved(options.guide.data, image.width, channels, context, Uint8Array) : null,
    values16: options.values16 ? cropInterleaved(options.values16, image.width, channels, context, Uint16Array) : null,
  };
}

export function cropPlane(plane: Uint8Array, width: number, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const from = (rect.y + y) * width + rect.x;
    out.set(plane.subarray(from, from + rect.width), y * rect.width);
  }
  return out;
}

export function cropInterleaved<T extends Uint8Array | Uint16Array>(
  data: T,
  width: number,
  channels: number,
  rect: Rect,
  Kind: { new (length: number): T },
): T {
  const out = new Kind(rect.width * rect.height * channels);
  const rowLength = rect.width * channels;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * width + rect.x) * channels;
    out.set(data.subarray(from, from + rowLength), y * rowLength);
  }
  return out;
}

/** Copies the job's filled hole pixels (mask > 127 inside its hole box) from its crop into the result region. */
export function pasteFilledHole<T extends Uint8Array | Uint16Array>(
  filledCrop: T,
  job: FillJob,
  mask: Uint8Array,
  imageWidth: number,
  channels: number,
  region: Rect,
  out: T,
): void {
  const { context, holeBox } = job;
  for (let y = holeBox.y; y < holeBox.y + holeBox.height; y++) {
    for (let x = holeBox.x; x < holeBox.x + holeBox.width; x++) {
      if (mask[y * imageWidth + x]! <= 127) continue;
      const from = ((y - context.y) * context.width + (x - context.x)) * channels;
      const to = ((y - region.y) * region.width + (x - region.x)) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = filledCrop[from + c]!;
    }
  }
}
