/**
 * Per-level bookkeeping maps, built with separable running counts so every
 * map costs O(pixels) whatever the patch size.
 */
import { HEAP_PLANES, type PlaneAllocator } from './planes';

/**
 * out[i] = 1 where the (2r+1)x(2r+1) window centred on i lies inside the
 * image and holds no blocked pixel (blocked > 0). Returns how many are valid.
 */
export function markValidSourceCentres(
  blocked: Uint8Array,
  width: number,
  height: number,
  r: number,
  out: Uint8Array,
): number {
  const rowAny = windowAnyAlongRows(blocked, width, height, r);
  out.fill(0);
  let count = 0;
  const side = 2 * r + 1;
  if (width < side || height < side) return 0;
  for (let x = r; x < width - r; x++) {
    let run = 0; // blocked rows among the last `side` rows in this column
    for (let y = 0; y < side - 1; y++) run += rowAny[y * width + x]!;
    for (let y = r; y < height - r; y++) {
      run += rowAny[(y + r) * width + x]!;
      if (run === 0) {
        out[y * width + x] = 1;
        count++;
      }
      run -= rowAny[(y - r) * width + x]!;
    }
  }
  return count;
}

/** out[i] = 1 where any set pixel lies within the (2r+1)^2 window around i (square dilation), clipped to the image. */
export function dilateSquare(src: Uint8Array, width: number, height: number, r: number, out: Uint8Array): void {
  const rowAny = windowAnyAlongRows(src, width, height, r);
  for (let x = 0; x < width; x++) {
    let run = 0;
    for (let y = 0; y < Math.min(r, height); y++) run += rowAny[y * width + x]!;
    for (let y = 0; y < height; y++) {
      if (y + r < height) run += rowAny[(y + r) * width + x]!;
      out[y * width + x] = run > 0 ? 1 : 0;
      if (y - r >= 0) run -= rowAny[(y - r) * width + x]!;
    }
  }
}

/** 1 where any set pixel lies within [x-r, x+r] on the same row (clipped to the row). */
function windowAnyAlongRows(src: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let run = 0;
    for (let x = 0; x < Math.min(r, width); x++) run += src[row + x]! > 0 ? 1 : 0;
    for (let x = 0; x < width; x++) {
      if (x + r < width) run += src[row + x + r]! > 0 ? 1 : 0;
      out[row + x] = run > 0 ? 1 : 0;
      if (x - r >= 0) run -= src[row + x - r]! > 0 ? 1 : 0;
    }
  }
  return out;
}

export interface TargetSet {
  /** Pixel index of every target patch centre, in raster order. */
  readonly pixel: Int32Array;
  readonly x: Int32Array;
  readonly y: Int32Array;
  /** Target number of a pixel, or -1. */
  readonly indexOf: Int32Array;
}

/** Target patches are every patch that overlaps the hole: centres within r of a hole pixel. */
export function collectTargets(hole: Uint8Array, width: number, height: number, r: number, planes: PlaneAllocator = HEAP_PLANES): TargetSet {
  const dilated = new Uint8Array(width * height);
  dilateSquare(hole, width, height, r, dilated);
  let count = 0;
  for (let i = 0; i < dilated.length; i++) count += dilated[i]!;
  const pixel = planes.int32(count);
  const xs = planes.int32(count);
  const ys = planes.int32(count);
  const indexOf = planes.int32(width * height).fill(-1);
  let t = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (dilated[i] === 0) continue;
      pixel[t] = i;
      xs[t] = x;
      ys[t] = y;
      indexOf[i] = t;
      t++;
    }
  }
  return { pixel, x: xs, y: ys, indexOf };
}

/**
 * Approximate Euclidean distance (chamfer 3-4, in pixels) from every pixel to
 * the nearest known (non-hole) pixel; 0 on known pixels. Pixels beyond the
 * level's border do not count as known, so holes at the frame edge are deep.
 */
export function distanceToKnown(hole: Uint8Array, width: number, height: number): Float32Array {
  // Float32 holds these sums of 3s and 4s exactly (and far + 4 rounds back to far); both passes work in place.
  const far = 1e9;
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = hole[i] ? far : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (d[i] === 0) continue;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 3);
      if (y > 0) {
        v = Math.min(v, d[i - width]! + 3);
        if (x > 0) v = Math.min(v, d[i - width - 1]! + 4);
        if (x < width - 1) v = Math.min(v, d[i - width + 1]! + 4);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i]!;
      if (v !== 0) {
        if (x < width - 1) v = Math.min(v, d[i + 1]! + 3);
        if (y < height - 1) {
          v = Math.min(v, d[i + width]! + 3);
          if (x < width - 1) v = Math.min(v, d[i + width + 1]! + 4);
          if (x > 0) v = Math.min(v, d[i + width - 1]! + 4);
        }
        d[i] = v;
      }
    }
  }
  for (let i = 0; i < d.length; i++) d[i] = d[i]! / 3;
  return d;
}

/**
 * distanceToKnown at every target patch centre (targets.pixel), without a
 * crop-sized map: the transform runs over the hole's bounding box plus a
 * one-pixel ring only. That ring is known (0) unless it lies beyond the
 * level's border, so every chamfer path to a known pixel ends on it or
 * inside, and the values are exactly those of the whole-level transform.
 */
export function targetDepths(hole: Uint8Array, width: number, height: number, targets: TargetSet, planes: PlaneAllocator = HEAP_PLANES): Float32Array {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!hole[row + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const out = planes.float32(targets.pixel.length);
  if (x1 < 0) return out;
  x0 = Math.max(0, x0 - 1); y0 = Math.max(0, y0 - 1);
  x1 = Math.min(width - 1, x1 + 1); y1 = Math.min(height - 1, y1 + 1);
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const window = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) window.set(hole.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + bw), y * bw);
  const d = distanceToKnown(window, bw, bh);
  for (let t = 0; t < targets.pixel.length; t++) {
    const x = targets.x[t]! - x0, y = targets.y[t]! - y0;
    out[t] = x >= 0 && y >= 0 && x < bw && y < bh ? d[y * bw + x]! : 0;
  }
  return out;
}

/** ValidSources counts centres per block of this many pixels. */
const SOURCE_BLOCK = 64;

/**
 * The usable source centres in raster order without listing them (a list is
 * four bytes per pixel of the crop): counts per block of 64 pixels, so the
 * k-th centre is a binary search plus a short scan. pick(k) equals the k-th
 * set index of `valid`.
 */
export class ValidSources {
  readonly count: number;

  /** `prefix` is validSourcePrefix(valid), given when another thread built it. */
  constructor(
    private readonly valid: Uint8Array,
    readonly prefix: Int32Array = validSourcePrefix(valid),
  ) {
    this.count = prefix[prefix.length - 1]!;
  }

  pick(k: number): number {
    if (!(k >= 0 && k < this.count)) throw new RangeError(`source ${k} of ${this.count}`);
    const p = this.prefix;
    let lo = 0, hi = p.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (p[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    let left = k - p[lo]!;
    for (let i = lo * SOURCE_BLOCK; ; i++) {
      if (this.valid[i]) {
        if (left === 0) return i;
        left--;
      }
    }
  }
}

/** Counts of valid centres before each block of SOURCE_BLOCK pixels, and the total last. */
export function validSourcePrefix(valid: Uint8Array, planes: PlaneAllocator = HEAP_PLANES): Int32Array {
  const B = SOURCE_BLOCK;
  const blocks = Math.ceil(valid.length / B);
  const prefix = planes.int32(blocks + 1);
  let n = 0;
  for (let b = 0; b < blocks; b++) {
    prefix[b] = n;
    const end = Math.min(valid.length, (b + 1) * B);
    for (let i = b * B; i < end; i++) n += valid[i] ? 1 : 0;
  }
  prefix[blocks] = n;
  return prefix;
}
