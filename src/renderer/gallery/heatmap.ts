/**
 * The outside-mask change heatmap: how much a sample differs from the
 * original, per pixel, with the mask (and a margin) set apart. Outside the
 * mask the full-resolution output is unchanged by construction; the
 * comparison runs on display proxies, which are resized and re-encoded, so a
 * band around the mask where that blurs across is excluded. Pure.
 */

export interface ChangeReport {
  /** RGBA heat: transparent where unchanged, yellow→red with the difference; the excluded area is tinted blue. */
  readonly rgba: Uint8ClampedArray<ArrayBuffer>;
  /** Largest per-channel difference (0..255) outside the mask and margin. */
  readonly maxOutside: number;
  /** Pixels outside the mask and margin that differ at all. */
  readonly changedOutside: number;
  readonly outsidePixels: number;
}

export function changeHeatmap(a: Uint8ClampedArray | Uint8Array, b: Uint8ClampedArray | Uint8Array, width: number, height: number, excluded: Uint8Array): ChangeReport {
  const n = width * height;
  if (a.length !== n * 4 || b.length !== n * 4 || excluded.length !== n) throw new Error(`heatmap inputs do not match ${width}×${height}`);
  const rgba = new Uint8ClampedArray(n * 4);
  let maxOutside = 0, changedOutside = 0, outsidePixels = 0;
  for (let i = 0; i < n; i++) {
    const p = i * 4;
    const d = Math.max(Math.abs(a[p]! - b[p]!), Math.abs(a[p + 1]! - b[p + 1]!), Math.abs(a[p + 2]! - b[p + 2]!));
    if (excluded[i]) {
      rgba[p] = 40; rgba[p + 1] = 90; rgba[p + 2] = 255; rgba[p + 3] = 70;
      continue;
    }
    outsidePixels++;
    if (d === 0) continue;
    changedOutside++;
    if (d > maxOutside) maxOutside = d;
    // Even a 1-level change is visible: alpha starts high.
    rgba[p] = 255; rgba[p + 1] = Math.max(0, 230 - d * 4); rgba[p + 2] = 0; rgba[p + 3] = Math.min(255, 140 + d * 4);
  }
  return { rgba, maxOutside, changedOutside, outsidePixels };
}

/**
 * Proxy pixels set apart from the comparison: the mask (sampled at each proxy
 * pixel's centre), grown by `margin` proxy pixels (square neighbourhood).
 */
export function excludedArea(width: number, height: number, inMask: (x: number, y: number) => boolean, margin: number): Uint8Array {
  const base = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inMask(x, y)) base[y * width + x] = 1;
  const m = Math.max(0, Math.ceil(margin));
  if (m === 0) return base;
  // Separable max filter: rows, then columns.
  const rows = new Uint8Array(base.length);
  for (let y = 0; y < height; y++) {
    let last = -Infinity;
    for (let x = 0; x < width; x++) { if (base[y * width + x]) last = x; if (x - last <= m) rows[y * width + x] = 1; }
    last = Infinity;
    for (let x = width - 1; x >= 0; x--) { if (base[y * width + x]) last = x; if (last - x <= m) rows[y * width + x] = 1; }
  }
  const out = new Uint8Array(base.length);
  for (let x = 0; x < width; x++) {
    let last = -Infinity;
    for (let y = 0; y < height; y++) { if (rows[y * width + x]) last = y; if (y - last <= m) out[y * width + x] = 1; }
    last = Infinity;
    for (let y = height - 1; y >= 0; y--) { if (rows[y * width + x]) last = y; if (last - y <= m) out[y * width + x] = 1; }
  }
  return out;
}

/**
 * Margin (proxy pixels) where resizing and encoding the proxy may spread a
 * change beyond the mask: the resampling kernel's reach, and for JPEG
 * proxies the 16×16 blocks plus one pixel of chroma upsampling.
 */
export function proxyMargin(downscaled: boolean, jpeg: boolean): number {
  // Lanczos-3 reaches 3 output pixels when shrinking, none at 1:1.
  return (downscaled ? 3 : 0) + (jpeg ? 17 : 1);
}
