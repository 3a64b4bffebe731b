/**
 * Halving and doubling between pyramid levels. Level l+1 is ceil(w/2) x
 * ceil(h/2); a coarse pixel averages the (up to four) fine pixels it covers.
 */
import { HEAP_PLANES, type PlaneAllocator } from './planes';

export function halfSize(n: number): number {
  return (n + 1) >> 1;
}

/** 2x2 box average of an interleaved 8-bit image, rounded to nearest. */
export function downsampleImage(src: Uint8Array, width: number, height: number, channels: number, planes: PlaneAllocator = HEAP_PLANES): Uint8Array {
  const w2 = halfSize(width), h2 = halfSize(height);
  const out = planes.uint8(w2 * h2 * channels);
  for (let y = 0; y < h2; y++) {
    const ya = 2 * y, yb = Math.min(2 * y + 1, height - 1);
    for (let x = 0; x < w2; x++) {
      const xa = 2 * x, xb = Math.min(2 * x + 1, width - 1);
      const p00 = (ya * width + xa) * channels, p01 = (ya * width + xb) * channels;
      const p10 = (yb * width + xa) * channels, p11 = (yb * width + xb) * channels;
      const o = (y * w2 + x) * channels;
      for (let c = 0; c < channels; c++) {
        out[o + c] = (src[p00 + c]! + src[p01 + c]! + src[p10 + c]! + src[p11 + c]! + 2) >> 2;
      }
    }
  }
  return out;
}

/** A coarse pixel is set when any of its fine pixels is (holes and exclusions only ever grow going up). */
export function downsampleAny(src: Uint8Array, width: number, height: number, planes: PlaneAllocator = HEAP_PLANES): Uint8Array {
  const w2 = halfSize(width), h2 = halfSize(height);
  const out = planes.uint8(w2 * h2);
  for (let y = 0; y < h2; y++) {
    const ya = 2 * y, yb = Math.min(2 * y + 1, height - 1);
    for (let x = 0; x < w2; x++) {
      const xa = 2 * x, xb = Math.min(2 * x + 1, width - 1);
      out[y * w2 + x] = src[ya * width + xa]! | src[ya * width + xb]! | src[yb * width + xa]! | src[yb * width + xb]!;
    }
  }
  return out;
}

/** Writes the coarse estimate into the fine level's hole pixels (nearest neighbour; the vote that follows sharpens it). */
export function upsampleHoleEstimate(
  coarse: Uint8Array,
  coarseWidth: number,
  fine: Uint8Array,
  fineHole: Uint8Array,
  width: number,
  height: number,
  channels: number,
): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (fineHole[i] === 0) continue;
      const o = i * channels, c0 = ((y >> 1) * coarseWidth + (x >> 1)) * channels;
      for (let c = 0; c < channels; c++) fine[o + c] = coarse[c0 + c]!;
    }
  }
}
