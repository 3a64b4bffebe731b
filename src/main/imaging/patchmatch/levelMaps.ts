/**
 * Per-level bookkeeping maps, built with separable running counts so every
 * map costs O(pixels) whatever the patch size.
 */

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
export function collectTargets(hole: Uint8Array, width: number, height: number, r: number): TargetSet {
  const dilated = new Uint8Array(width * height);
  dilateSquare(hole, width, height, r, dilated);
  let count = 0;
  for (let i = 0; i < dilated.length; i++) count += dilated[i]!;
  const pixel = new Int32Array(count);
  const xs = new Int32Array(count);
  const ys = new Int32Array(count);
  const indexOf = new Int32Array(width * height).fill(-1);
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
