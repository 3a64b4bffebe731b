/**
 * Mask geometry shared by the editor (live previews) and the fill pipeline:
 * Euclidean distance transforms, grow/shrink, the feather ramp, bounds.
 * A mask is one byte per pixel, row-major; > 127 means "fill".
 * Grow and feather live here only (DESIGN.md §8).
 *
 * Soft masks: inside the fill region a value v > 127 is also a blend weight,
 * (v − 127) / 128, so 255 blends fully and 128 barely. A soft brush writes
 * such values; a plain binary mask (0 / 255) behaves exactly as a hard one.
 * Values ≤ 127 are outside the mask whatever they are: nothing there changes.
 */

export interface MaskBounds { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

const INF = 1e20;

/** 1-D squared distance transform (Felzenszwalb & Huttenlocher 2012). */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = ((f[q]! + q * q) - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = ((f[q]! + q * q) - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const dq = q - v[k]!;
    d[q] = dq * dq + f[v[k]!]!;
  }
}

/**
 * Squared Euclidean distance from every pixel to the nearest pixel where
 * `isSeed` holds. Pixels with no seed anywhere get Infinity-like values.
 */
export function squaredDistanceTo(width: number, height: number, isSeed: (i: number) => boolean): Float64Array {
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const out = new Float64Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = isSeed(i) ? 0 : INF;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = out[y * width + x]!;
    edt1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y]!;
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = out[row + x]!;
    edt1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[row + x] = d[x]!;
  }
  return out;
}

export function isFill(value: number): boolean {
  return value > 127;
}

/** Blend weight of a mask value: 0 outside the mask (≤ 127), (v − 127) / 128 inside, 1 at 255. */
export function maskWeight(value: number): number {
  return value > 127 ? (value - 127) / 128 : 0;
}

/** The mask value for a blend weight (inverse of maskWeight on its 128 levels); 0 when it rounds to nothing. */
export function weightToMaskValue(weight: number): number {
  const n = Math.round(Math.min(1, weight) * 128);
  return n <= 0 ? 0 : 127 + n;
}

/** True when every fill pixel is 255 (a hard mask): soft-aware operations then take their binary path. */
export function isHardMask(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i]!;
    if (v > 127 && v !== 255) return false;
  }
  return true;
}

/** Binary copy: 255 where > 127, else 0. */
export function binarizeMask(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i]! > 127 ? 255 : 0;
  return out;
}

/** Adds every pixel within `radius` px (Euclidean) of the mask. */
export function growMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return binarizeMask(mask);
  const d2 = squaredDistanceTo(width, height, (i) => mask[i]! > 127);
  const r2 = radius * radius;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = d2[i]! <= r2 ? 255 : 0;
  return out;
}

/** Removes every mask pixel within `radius` px of a non-mask pixel. */
export function shrinkMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return binarizeMask(mask);
  const d2 = squaredDistanceTo(width, height, (i) => mask[i]! <= 127);
  const r2 = radius * radius;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i]! > 127 && d2[i]! > r2 ? 255 : 0;
  return out;
}

/**
 * Blend weight of the fill, 0..1, per pixel: 0 outside the mask, rising
 * linearly over `feather` px from the mask edge inward, 1 deeper inside,
 * and never above the pixel's own mask weight (a soft brush's edge).
 * With feather 0 and a binary mask it is exactly the binary mask, so
 * nothing outside the mask can change. Pixels beyond the image border do
 * not count as "outside", so a mask touching the frame is not feathered
 * against the frame.
 */
export function featherWeights(mask: Uint8Array, width: number, height: number, feather: number): Float32Array {
  const out = new Float32Array(mask.length);
  if (feather <= 0) {
    for (let i = 0; i < mask.length; i++) out[i] = maskWeight(mask[i]!);
    return out;
  }
  const d2 = squaredDistanceTo(width, height, (i) => mask[i]! <= 127);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]! <= 127) continue;
    // A mask pixel adjacent to an outside pixel is at distance 1: weight 1/(feather+1) > 0.
    out[i] = Math.min(maskWeight(mask[i]!), Math.sqrt(d2[i]!) / (feather + 1));
  }
  return out;
}

/** Largest k ≥ 0 with k² + dy² ≤ r² (the disc's half-width on row offset dy), exact for integer inputs. */
function discHalfWidth(r: number, dy: number): number {
  const rest = r * r - dy * dy;
  let k = Math.floor(Math.sqrt(Math.max(0, rest)));
  while ((k + 1) * (k + 1) <= rest) k++;
  while (k > 0 && k * k > rest) k--;
  return k;
}

/** Sliding max (or min) of each row over [x − k, x + k] ∩ row, by a monotone deque: O(width) per row. */
function slideRows(src: Uint8Array, width: number, height: number, k: number, useMax: boolean, out: Uint8Array): void {
  const q = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let head = 0, tail = 0;
    let next = 0; // next x to enter the window
    for (let x = 0; x < width; x++) {
      const hi = Math.min(width - 1, x + k);
      for (; next <= hi; next++) {
        const v = src[row + next]!;
        while (tail > head && (useMax ? src[row + q[tail - 1]!]! <= v : src[row + q[tail - 1]!]! >= v)) tail--;
        q[tail++] = next;
      }
      while (q[head]! < x - k) head++;
      out[row + x] = src[row + q[head]!]!;
    }
  }
}

/** Flat-disc dilation (max) or erosion (min) of the mask values, radius r, over in-image pixels only. */
function morphDisc(mask: Uint8Array, width: number, height: number, radius: number, useMax: boolean): Uint8Array {
  const src = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) src[i] = mask[i]! > 127 ? mask[i]! : 0;
  if (radius < 1) return src; // the disc is the pixel itself
  const out = new Uint8Array(mask.length).fill(useMax ? 0 : 255);
  const rows = new Uint8Array(mask.length);
  const reach = Math.floor(radius);
  for (let dy = 0; dy <= reach; dy++) {
    slideRows(src, width, height, discHalfWidth(radius, dy), useMax, rows);
    for (let y = 0; y < height; y++) {
      for (let side = dy === 0 ? 1 : 0; side < 2; side++) {
        const yy = side === 0 ? y - dy : y + dy;
        if (yy < 0 || yy >= height) continue;
        const o = y * width, r = yy * width;
        if (useMax) for (let x = 0; x < width; x++) { const v = rows[r + x]!; if (v > out[o + x]!) out[o + x] = v; }
        else for (let x = 0; x < width; x++) { const v = rows[r + x]!; if (v < out[o + x]!) out[o + x] = v; }
      }
    }
  }
  if (!useMax) for (let i = 0; i < out.length; i++) if (out[i]! <= 127) out[i] = 0;
  return out;
}

/**
 * Grow for soft masks: each pixel takes the highest mask value within
 * `radius` px (a flat-disc dilation), so a soft edge moves outward intact.
 * Its fill region (> 127) is exactly growMask's; a hard mask takes
 * growMask's path and gets its result.
 */
export function growSoftMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (isHardMask(mask)) return growMask(mask, width, height, radius);
  return morphDisc(mask, width, height, Math.max(0, radius), true);
}

/** Shrink for soft masks: the lowest value within `radius` px (erosion); same fill region as shrinkMask. */
export function shrinkSoftMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (isHardMask(mask)) return shrinkMask(mask, width, height, radius);
  return morphDisc(mask, width, height, Math.max(0, radius), false);
}

export function maskBounds(mask: Uint8Array, width: number, height: number): MaskBounds | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]! > 127) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function maskCoverage(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]! > 127) n++;
  return mask.length === 0 ? 0 : n / mask.length;
}
