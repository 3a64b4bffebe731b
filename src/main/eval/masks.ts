/**
 * Mask families for evaluation, deterministic from a seed: the same
 * (family, width, height, seed) always gives the same mask. Sizes scale with
 * the photo's short side so a family means the same thing at any resolution.
 *
 * - thick: 2–4 free-form strokes, brush radius ≈ 4–7 % of the short side
 *   (Palette/LaMa-style "wide" masks: objects to remove).
 * - thin: 3–6 strokes, radius ≈ 0.6–1.2 % (wires, scratches, hairs).
 * - box: 1–3 axis-aligned boxes, each 12–30 % of a side.
 * - centre: one box of half the width and half the height, centred (25 %).
 * - half: one half of the frame (left, right, top or bottom, by seed).
 *
 * A mask is one byte per pixel, row-major, 255 = fill, 0 = keep.
 * Pure: no Node imports.
 */

export const MASK_FAMILIES = ['thick', 'thin', 'box', 'centre', 'half'] as const;
export type MaskFamily = (typeof MASK_FAMILIES)[number];

export function isMaskFamily(s: string): s is MaskFamily {
  return (MASK_FAMILIES as readonly string[]).includes(s);
}

/** mulberry32: small, fast, good enough for geometry (not for diffusion noise). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Point { readonly x: number; readonly y: number }

/** Marks every pixel whose centre lies within `radius` of the segment a–b. */
export function drawSegment(mask: Uint8Array, width: number, height: number, a: Point, b: Point, radius: number): void {
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - radius));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(a.x, b.x) + radius));
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - radius));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + radius));
  const dx = b.x - a.x, dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const r2 = radius * radius;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - a.x, py = y + 0.5 - a.y;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const ex = px - t * dx, ey = py - t * dy;
      if (ex * ex + ey * ey <= r2) mask[y * width + x] = 255;
    }
  }
}

export function fillRect(mask: Uint8Array, width: number, height: number, x: number, y: number, w: number, h: number): void {
  const xa = Math.max(0, Math.round(x)), ya = Math.max(0, Math.round(y));
  const xb = Math.min(width, Math.round(x + w)), yb = Math.min(height, Math.round(y + h));
  for (let yy = ya; yy < yb; yy++) mask.fill(255, yy * width + xa, yy * width + xb);
}

/** A random walk with smoothly turning direction, kept inside the frame. */
function strokePath(rand: () => number, width: number, height: number, vertices: number, stepLength: number): Point[] {
  let x = width * (0.15 + 0.7 * rand());
  let y = height * (0.15 + 0.7 * rand());
  let angle = rand() * 2 * Math.PI;
  const points: Point[] = [{ x, y }];
  for (let i = 0; i < vertices; i++) {
    angle += (rand() - 0.5) * 1.6;
    const len = stepLength * (0.6 + 0.8 * rand());
    let nx = x + Math.cos(angle) * len;
    let ny = y + Math.sin(angle) * len;
    if (nx < 0 || nx >= width || ny < 0 || ny >= height) {
      angle += Math.PI; // turn back instead of leaving the frame
      nx = Math.max(0, Math.min(width - 1, x + Math.cos(angle) * len));
      ny = Math.max(0, Math.min(height - 1, y + Math.sin(angle) * len));
    }
    x = nx; y = ny;
    points.push({ x, y });
  }
  return points;
}

function strokes(width: number, height: number, rand: () => number, o: { count: [number, number]; radius: [number, number]; vertices: [number, number]; step: number }): Uint8Array {
  const mask = new Uint8Array(width * height);
  const short = Math.min(width, height);
  const count = o.count[0] + Math.floor(rand() * (o.count[1] - o.count[0] + 1));
  for (let s = 0; s < count; s++) {
    const radius = Math.max(1, short * (o.radius[0] + rand() * (o.radius[1] - o.radius[0])));
    const vertices = o.vertices[0] + Math.floor(rand() * (o.vertices[1] - o.vertices[0] + 1));
    const path = strokePath(rand, width, height, vertices, short * o.step);
    for (let i = 1; i < path.length; i++) drawSegment(mask, width, height, path[i - 1]!, path[i]!, radius);
  }
  return mask;
}

export function generateMask(family: MaskFamily, width: number, height: number, seed: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8) {
    throw new Error(`mask size ${width}x${height}: both sides must be integers of at least 8 px`);
  }
  // Mix the family into the seed so "box" and "thick" with seed 0 are unrelated.
  const rand = mulberry32((seed ^ (MASK_FAMILIES.indexOf(family) + 1) * 0x9e3779b1) >>> 0);
  const mask = new Uint8Array(width * height);
  switch (family) {
    case 'thick':
      return strokes(width, height, rand, { count: [2, 4], radius: [0.04, 0.07], vertices: [3, 6], step: 0.12 });
    case 'thin':
      return strokes(width, height, rand, { count: [3, 6], radius: [0.006, 0.012], vertices: [4, 8], step: 0.15 });
    case 'box': {
      const count = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < count; i++) {
        const w = width * (0.12 + 0.18 * rand());
        const h = height * (0.12 + 0.18 * rand());
        fillRect(mask, width, height, rand() * (width - w), rand() * (height - h), w, h);
      }
      return mask;
    }
    case 'centre': {
      const w = Math.round(width / 2), h = Math.round(height / 2);
      fillRect(mask, width, height, Math.floor((width - w) / 2), Math.floor((height - h) / 2), w, h);
      return mask;
    }
    case 'half': {
      const side = Math.floor(rand() * 4);
      const hw = Math.floor(width / 2), hh = Math.floor(height / 2);
      if (side === 0) fillRect(mask, width, height, 0, 0, hw, height);
      else if (side === 1) fillRect(mask, width, height, width - hw, 0, hw, height);
      else if (side === 2) fillRect(mask, width, height, 0, 0, width, hh);
      else fillRect(mask, width, height, 0, height - hh, width, hh);
      return mask;
    }
  }
}
