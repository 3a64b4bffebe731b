import { describe, expect, it } from 'vitest';
import { imagePoint, type ImagePoint } from '../../geometry/coords';
import { polygonArea, rasterizePolygon } from './polygonFill';

/** Independent reference: ray casting towards +x (even-odd), the textbook test. */
function inside(px: number, py: number, poly: readonly ImagePoint[]): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!, b = poly[j]!;
    if ((a.y > py) !== (b.y > py) && px < ((b.x - a.x) * (py - a.y)) / (b.y - a.y) + a.x) c = !c;
  }
  return c;
}

function grid(w: number, h: number, poly: readonly ImagePoint[]): Uint8Array {
  const g = new Uint8Array(w * h);
  rasterizePolygon(poly, { width: w, height: h }, (y, x0, x1) => {
    if (!(y >= 0 && y < h && x0 >= 0 && x1 < w && x0 <= x1)) throw new Error(`bad span ${y} ${x0}..${x1}`);
    for (let x = x0; x <= x1; x++) {
      if (g[y * w + x]) throw new Error(`pixel ${x},${y} emitted twice`);
      g[y * w + x] = 1;
    }
  });
  return g;
}

describe('lasso polygon fill', () => {
  it('matches an independent point-in-polygon test on random polygons, including self-intersecting ones', () => {
    let seed = 99;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const W = 300, H = 200;
    for (let trial = 0; trial < 30; trial++) {
      const n = 3 + Math.floor(rnd() * 12);
      const poly = Array.from({ length: n }, () => imagePoint(rnd() * 360 - 30, rnd() * 260 - 30));
      const g = grid(W, H, poly);
      const wrong: string[] = [];
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        if (g[y * W + x] !== (inside(x + 0.5, y + 0.5, poly) ? 1 : 0)) wrong.push(`${x},${y}`);
      }
      expect(wrong.slice(0, 5), `trial ${trial}`).toEqual([]);
    }
  });

  it('the filled area of a simple polygon is its shoelace area', () => {
    const star = Array.from({ length: 10 }, (_, k) => {
      const r = k % 2 ? 60 : 150, a = (k * Math.PI) / 5;
      return imagePoint(200.3 + r * Math.cos(a), 180.6 + r * Math.sin(a));
    });
    const g = grid(400, 400, star);
    const count = g.reduce((s, v) => s + v, 0);
    const area = Math.abs(polygonArea(star));
    expect(Math.abs(count - area) / area).toBeLessThan(0.01);
  });

  it('an axis-aligned rectangle on pixel edges fills exactly its pixels; adjacent polygons do not overlap', () => {
    const rect = [imagePoint(10, 20), imagePoint(30, 20), imagePoint(30, 25), imagePoint(10, 25)];
    const g = grid(50, 50, rect);
    expect(g.reduce((s, v) => s + v, 0)).toBe(20 * 5);
    expect(g[20 * 50 + 10]).toBe(1);
    expect(g[24 * 50 + 29]).toBe(1);
    expect(g[25 * 50 + 29]).toBe(0);
    const left = [imagePoint(5.3, 5.1), imagePoint(20.7, 8.2), imagePoint(12.2, 40.9)];
    const right = [imagePoint(20.7, 8.2), imagePoint(40, 30), imagePoint(12.2, 40.9)];
    const a = grid(50, 50, left), b = grid(50, 50, right);
    for (let i = 0; i < a.length; i++) expect(a[i]! + b[i]!).toBeLessThanOrEqual(1);
  });

  it('ignores degenerate input and clips to the raster', () => {
    expect(grid(20, 20, [imagePoint(1, 1), imagePoint(5, 5)]).every((v) => v === 0)).toBe(true);
    expect(grid(20, 20, [imagePoint(1, 1), imagePoint(9, 1), imagePoint(15, 1)]).every((v) => v === 0)).toBe(true);
    const big = grid(20, 20, [imagePoint(-100, -100), imagePoint(100, -100), imagePoint(100, 100), imagePoint(-100, 100)]);
    expect(big.every((v) => v === 1)).toBe(true);
  });
});
