/**
 * Fills a polygon into horizontal spans of image pixels. A pixel belongs to
 * the polygon when its centre (i + 0.5, j + 0.5) is inside by the even-odd
 * rule; edges use the half-open convention (a centre exactly on a left edge
 * is in, on a right edge out), so two polygons sharing an edge never both
 * claim a pixel. Pure: no canvas, no DOM.
 */
import type { ImagePoint } from '../../geometry/coords';
import type { RasterBounds, SpanSink } from '../brush/strokeRaster';

interface Edge { readonly x0: number; readonly y0: number; readonly y1: number; readonly slope: number }

export function rasterizePolygon(points: readonly ImagePoint[], bounds: RasterBounds, emit: SpanSink): void {
  if (points.length < 3) return;
  const edges: Edge[] = [];
  let top = Infinity, bottom = -Infinity;
  for (let k = 0; k < points.length; k++) {
    const a = points[k]!, b = points[(k + 1) % points.length]!;
    if (!(Number.isFinite(a.x) && Number.isFinite(a.y))) return;
    if (a.y === b.y) continue; // horizontal edges never cross a row centre line transversally
    const [lo, hi] = a.y < b.y ? [a, b] : [b, a];
    edges.push({ x0: lo.x, y0: lo.y, y1: hi.y, slope: (hi.x - lo.x) / (hi.y - lo.y) });
    top = Math.min(top, lo.y);
    bottom = Math.max(bottom, hi.y);
  }
  if (edges.length === 0) return;
  edges.sort((p, q) => p.y0 - q.y0);
  const j0 = Math.max(0, Math.ceil(top - 0.5));
  const j1 = Math.min(bounds.height - 1, Math.ceil(bottom - 0.5) - 1);
  const xs: number[] = [];
  let active: Edge[] = [];
  let next = 0;
  for (let j = j0; j <= j1; j++) {
    const y = j + 0.5;
    while (next < edges.length && edges[next]!.y0 <= y) active.push(edges[next++]!);
    // Half-open in y: an edge covers centres with y0 ≤ y < y1.
    active = active.filter((e) => e.y1 > y);
    xs.length = 0;
    for (const e of active) xs.push(e.x0 + (y - e.y0) * e.slope);
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Centres with xa ≤ i + 0.5 < xb.
      const i0 = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const i1 = Math.min(bounds.width - 1, Math.ceil(xs[k + 1]! - 0.5) - 1);
      if (i0 <= i1) emit(j, i0, i1);
    }
  }
}

/** Signed area by the shoelace formula (positive for counter-clockwise in y-up terms). */
export function polygonArea(points: readonly ImagePoint[]): number {
  let sum = 0;
  for (let k = 0; k < points.length; k++) {
    const a = points[k]!, b = points[(k + 1) % points.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}
