/**
 * Rasterises brush strokes (round caps, round joins) into horizontal spans of
 * image pixels. A pixel belongs to the stroke when its centre (i + 0.5,
 * j + 0.5) lies within `radius` of the stroke's polyline; each segment is a
 * capsule (the convex hull of two discs), so its intersection with a pixel
 * row is a single interval, computed in closed form. Pure: no canvas, no DOM.
 */
import type { ImagePoint, ImagePx } from '../../geometry/coords';

/** Pixels x0..x1 (inclusive) of row y. */
export type SpanSink = (y: number, x0: number, x1: number) => void;

export interface RasterBounds { readonly width: number; readonly height: number }

interface Interval { lo: number; hi: number }

/** x-interval where lo ≤ c·x + e ≤ hi, or null if empty; c = 0 means "all or nothing". */
function linearRange(c: number, e: number, lo: number, hi: number): Interval | null {
  if (c === 0) return e >= lo && e <= hi ? { lo: -Infinity, hi: Infinity } : null;
  const a = (lo - e) / c;
  const b = (hi - e) / c;
  return a <= b ? { lo: a, hi: b } : { lo: b, hi: a };
}

function discRow(cx: number, cy: number, r2: number, y: number): Interval | null {
  const dy = y - cy;
  const rest = r2 - dy * dy;
  if (rest < 0) return null;
  const half = Math.sqrt(rest);
  return { lo: cx - half, hi: cx + half };
}

/**
 * The x-interval of points (x, y) within distance r of segment ab, for one
 * horizontal line y, or null. Union of the two end discs and the band
 * between them (all three meet in one convex set).
 */
export function capsuleRowInterval(a: ImagePoint, b: ImagePoint, r: number, y: number): Interval | null {
  const r2 = r * r;
  let lo = Infinity;
  let hi = -Infinity;
  const take = (iv: Interval | null): void => {
    if (!iv || iv.lo > iv.hi) return;
    if (iv.lo < lo) lo = iv.lo;
    if (iv.hi > hi) hi = iv.hi;
  };
  take(discRow(a.x, a.y, r2, y));
  take(discRow(b.x, b.y, r2, y));
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  if (len2 > 0) {
    const ry = y - a.y;
    // Projection onto the segment within [0, len²]: (x − ax)·dx + ry·dy.
    const along = linearRange(dx, -a.x * dx + ry * dy, 0, len2);
    // Signed perpendicular distance × len within [−r·len, r·len]: (x − ax)·dy − ry·dx.
    const rl = r * Math.sqrt(len2);
    const across = linearRange(dy, -a.x * dy - ry * dx, -rl, rl);
    if (along && across) take({ lo: Math.max(along.lo, across.lo), hi: Math.min(along.hi, across.hi) });
  }
  return lo <= hi ? { lo, hi } : null;
}

/** Emits the pixel spans of one capsule, clipped to the raster. */
export function rasterizeCapsule(a: ImagePoint, b: ImagePoint, radius: ImagePx, bounds: RasterBounds, emit: SpanSink): void {
  if (!(radius > 0)) return;
  const top = Math.min(a.y, b.y) - radius;
  const bottom = Math.max(a.y, b.y) + radius;
  const j0 = Math.max(0, Math.ceil(top - 0.5));
  const j1 = Math.min(bounds.height - 1, Math.floor(bottom - 0.5));
  for (let j = j0; j <= j1; j++) {
    const iv = capsuleRowInterval(a, b, radius, j + 0.5);
    if (!iv) continue;
    const i0 = Math.max(0, Math.ceil(iv.lo - 0.5));
    const i1 = Math.min(bounds.width - 1, Math.floor(iv.hi - 0.5));
    if (i0 <= i1) emit(j, i0, i1);
  }
}

/**
 * Emits the spans of a whole stroke: one disc for a single point, else one
 * capsule per segment (spans may overlap). With per-point `radii` (pen
 * pressure) each segment is the union of its two end discs, each at its own
 * radius, and the capsule of the smaller one.
 */
export function rasterizeStroke(points: readonly ImagePoint[], radius: ImagePx, bounds: RasterBounds, emit: SpanSink, radii?: readonly ImagePx[]): void {
  const first = points[0];
  if (!first) return;
  const r = (k: number): ImagePx => (radii && radii.length === points.length ? radii[k]! : radius);
  if (points.length === 1) {
    rasterizeCapsule(first, first, r(0), bounds, emit);
    return;
  }
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1]!, b = points[k]!;
    const ra = r(k - 1), rb = r(k);
    if (ra === rb) {
      rasterizeCapsule(a, b, ra, bounds, emit);
      continue;
    }
    rasterizeCapsule(a, a, ra, bounds, emit);
    rasterizeCapsule(b, b, rb, bounds, emit);
    rasterizeCapsule(a, b, (ra < rb ? ra : rb), bounds, emit);
  }
}

/** Bounding box (image pixels, inclusive-exclusive) a stroke can touch, before clipping. */
export function strokeExtent(points: readonly ImagePoint[], radius: ImagePx, radii?: readonly ImagePx[]): { x0: number; y0: number; x1: number; y1: number } | null {
  if (points.length === 0) return null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  points.forEach((p, k) => {
    const r = radii?.[k] ?? radius;
    x0 = Math.min(x0, p.x - r);
    y0 = Math.min(y0, p.y - r);
    x1 = Math.max(x1, p.x + r);
    y1 = Math.max(y1, p.y + r);
  });
  return { x0, y0, x1, y1 };
}

/** Distance from (px, py) to segment ab (clamped projection). */
function segmentDistance(px: number, py: number, a: ImagePoint, b: ImagePoint): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / len2));
  return Math.hypot(px - a.x - t * dx, py - a.y - t * dy);
}

/**
 * A soft brush's strength at distance d from the stroke's centre line: 1 out
 * to hardness·radius, then falling linearly to 0 at the radius. Hardness 1
 * is the hard brush (1 everywhere within the radius).
 */
export function brushProfile(d: number, radius: number, hardness: number): number {
  if (!(d <= radius)) return 0;
  const core = radius * Math.min(1, Math.max(0, hardness));
  if (d <= core) return 1;
  return (radius - d) / (radius - core);
}

/** Receives a span whose pixels carry a strength 0..1 each: one number for the whole span, or `strength(x)`. */
export type SoftSpanSink = (y: number, x0: number, x1: number, strength: number | ((x: number) => number)) => void;

/**
 * The spans of a soft stroke: the same shapes (and so the same footprint) as
 * rasterizeStroke, each pixel with the brush profile of its distance to the
 * shape's centre line. Shapes overlap; combining their strengths with max
 * gives the profile of the distance to the whole stroke.
 */
export function rasterizeSoftStroke(points: readonly ImagePoint[], radius: ImagePx, hardness: number, bounds: RasterBounds, emit: SoftSpanSink, radii?: readonly ImagePx[]): void {
  const first = points[0];
  if (!first) return;
  const r = (k: number): ImagePx => (radii && radii.length === points.length ? radii[k]! : radius);
  const shape = (a: ImagePoint, b: ImagePoint, rad: ImagePx): void => {
    const core = rad * Math.min(1, Math.max(0, hardness));
    rasterizeCapsule(a, b, rad, bounds, (y, x0, x1) => {
      const ring = (x: number): number => brushProfile(segmentDistance(x + 0.5, y + 0.5, a, b), rad, hardness);
      // Pixels whose centres lie in the core (within hardness·radius) are at full strength: one constant span.
      const iv = core > 0 ? capsuleRowInterval(a, b, core, y + 0.5) : null;
      const c0 = iv ? Math.max(x0, Math.ceil(iv.lo - 0.5)) : x1 + 1, c1 = iv ? Math.min(x1, Math.floor(iv.hi - 0.5)) : x1;
      if (c0 > c1) {
        emit(y, x0, x1, ring);
        return;
      }
      if (x0 < c0) emit(y, x0, c0 - 1, ring);
      emit(y, c0, c1, 1);
      if (c1 < x1) emit(y, c1 + 1, x1, ring);
    });
  };
  if (points.length === 1) {
    shape(first, first, r(0));
    return;
  }
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1]!, b = points[k]!;
    const ra = r(k - 1), rb = r(k);
    if (ra === rb) {
      shape(a, b, ra);
      continue;
    }
    shape(a, a, ra);
    shape(b, b, rb);
    shape(a, b, (ra < rb ? ra : rb));
  }
}
