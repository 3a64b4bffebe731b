/**
 * Edge refinement: a coarse probability map (a 256 px person mask scaled up
 * to a 2,000 px crop, or a GrabCut label computed at reduced size) is
 * snapped to the photo's edges with a guided filter (He, Sun & Tang, "Guided
 * Image Filtering", ECCV 2010 / PAMI 2013) using the crop's luminance as the
 * guide, then thresholded. Box filters run on integral images, so the cost
 * is linear in the pixel count whatever the radius.
 */
import type { FloatMap, RgbImage } from './image';

/** Mean over a (2r+1)² window, clipped at the borders, via a summed-area table. */
export function boxMean(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const w1 = width + 1;
  const sat = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += src[y * width + x]!;
      sat[(y + 1) * w1 + x + 1] = sat[y * w1 + x + 1]! + row;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(width, x + r + 1);
      const s = sat[y1 * w1 + x1]! - sat[y0 * w1 + x1]! - sat[y1 * w1 + x0]! + sat[y0 * w1 + x0]!;
      out[y * width + x] = s / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

export function luminance(image: RgbImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (0.299 * image.data[i * 3]! + 0.587 * image.data[i * 3 + 1]! + 0.114 * image.data[i * 3 + 2]!) / 255;
  return out;
}

/**
 * Grey-guide guided filter of `p` (same size as the guide): q = a·I + b with
 * a, b the windowed least-squares fit of p on I, regularised by `eps`.
 */
export function guidedFilter(guide: Float32Array, p: Float32Array, width: number, height: number, r: number, eps: number): Float32Array {
  const n = width * height;
  const ip = new Float32Array(n), ii = new Float32Array(n);
  for (let i = 0; i < n; i++) { ip[i] = guide[i]! * p[i]!; ii[i] = guide[i]! * guide[i]!; }
  const mI = boxMean(guide, width, height, r);
  const mP = boxMean(p, width, height, r);
  const mIP = boxMean(ip, width, height, r);
  const mII = boxMean(ii, width, height, r);
  const a = new Float32Array(n), b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const cov = mIP[i]! - mI[i]! * mP[i]!;
    const variance = mII[i]! - mI[i]! * mI[i]!;
    a[i] = cov / (variance + eps);
    b[i] = mP[i]! - a[i]! * mI[i]!;
  }
  const mA = boxMean(a, width, height, r);
  const mB = boxMean(b, width, height, r);
  const q = new Float32Array(n);
  for (let i = 0; i < n; i++) q[i] = mA[i]! * guide[i]! + mB[i]!;
  return q;
}

/**
 * The coarse map (any size) brought to the image's size and snapped to its
 * edges; returns 0/255. Radius scales with the coarse map's cell size so that
 * the filter can move an edge by about one coarse pixel.
 */
export function refineToEdges(image: RgbImage, coarse: FloatMap, options: { radius?: number; eps?: number; threshold?: number } = {}): Uint8Array {
  const { width, height } = image;
  const up = coarse.width === width && coarse.height === height ? coarse.data : resizeUp(coarse, width, height);
  const cell = Math.max(width / coarse.width, height / coarse.height);
  const r = options.radius ?? Math.max(2, Math.round(cell * 1.5));
  const q = guidedFilter(luminance(image), up, width, height, r, options.eps ?? 1e-3);
  const t = options.threshold ?? 0.5;
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = q[i]! > t ? 255 : 0;
  return out;
}

function resizeUp(map: FloatMap, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const sx = map.width / width, sy = map.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(map.height - 1, Math.floor(fy)), y1 = Math.min(map.height - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(map.width - 1, Math.floor(fx)), x1 = Math.min(map.width - 1, x0 + 1), wx = fx - x0;
      const top = map.data[y0 * map.width + x0]! * (1 - wx) + map.data[y0 * map.width + x1]! * wx;
      const bot = map.data[y1 * map.width + x0]! * (1 - wx) + map.data[y1 * map.width + x1]! * wx;
      out[y * width + x] = top * (1 - wy) + bot * wy;
    }
  }
  return out;
}

/** Keeps only the connected components (4-connected) of `mask` that touch a pixel where `seed` holds; 0/255. */
export function keepComponentsTouching(mask: Uint8Array, width: number, height: number, seed: (i: number) => boolean): Uint8Array {
  const out = new Uint8Array(mask.length);
  const stack: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]! > 127 && out[i] === 0 && seed(i)) {
      out[i] = 255;
      stack.push(i);
      while (stack.length) {
        const p = stack.pop()!;
        const x = p % width, y = (p - x) / width;
        const visit = (q: number) => { if (mask[q]! > 127 && out[q] === 0) { out[q] = 255; stack.push(q); } };
        if (x > 0) visit(p - 1);
        if (x < width - 1) visit(p + 1);
        if (y > 0) visit(p - width);
        if (y < height - 1) visit(p + width);
      }
    }
  }
  return out;
}

/** Fills background regions (4-connected) that do not reach the border: holes inside an object. */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxHoleFraction = 0.05): Uint8Array {
  const n = width * height;
  const label = new Int32Array(n).fill(-1);
  const out = Uint8Array.from(mask, (v) => (v > 127 ? 255 : 0));
  let total = 0;
  for (let i = 0; i < n; i++) if (out[i]) total++;
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (out[i] || label[i] !== -1) continue;
    const region: number[] = [];
    let border = false;
    label[i] = 1;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      region.push(p);
      const x = p % width, y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) border = true;
      const visit = (q: number) => { if (!out[q] && label[q] === -1) { label[q] = 1; stack.push(q); } };
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < height - 1) visit(p + width);
    }
    if (!border && region.length <= maxHoleFraction * Math.max(total, 1)) for (const p of region) out[p] = 255;
  }
  return out;
}
