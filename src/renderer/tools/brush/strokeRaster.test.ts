import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx, type ImagePoint } from '../../geometry/coords';
import { rasterizeCapsule, rasterizeStroke } from './strokeRaster';

/** Independent reference: distance from p to segment ab by clamped projection. */
function distanceToSegment(px: number, py: number, a: ImagePoint, b: ImagePoint): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / len2));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

function rasterToGrid(width: number, height: number, draw: (emit: (y: number, x0: number, x1: number) => void) => void): Uint8Array {
  const grid = new Uint8Array(width * height);
  draw((y, x0, x1) => {
    if (!(y >= 0 && y < height && x0 >= 0 && x1 < width && x0 <= x1)) throw new Error(`bad span ${y} ${x0}..${x1}`);
    for (let x = x0; x <= x1; x++) grid[y * width + x] = 1;
  });
  return grid;
}

function count(grid: Uint8Array): number {
  let n = 0;
  for (const v of grid) n += v;
  return n;
}

describe('stroke rasterisation', () => {
  const bounds = { width: 600, height: 400 };

  it('a disc has area close to πr²', () => {
    for (const r of [20, 50.5, 120]) {
      const grid = rasterToGrid(bounds.width, bounds.height, (emit) =>
        rasterizeCapsule(imagePoint(300.3, 200.7), imagePoint(300.3, 200.7), imagePx(r), bounds, emit));
      const area = Math.PI * r * r;
      // Gauss circle problem: the lattice-count error grows far slower than the perimeter.
      expect(Math.abs(count(grid) - area)).toBeLessThan(2 * Math.PI * r * 0.05 + 4);
    }
  });

  it('a capsule has area close to 2rL + πr²', () => {
    const a = imagePoint(80.2, 90.9), b = imagePoint(470.6, 310.1), r = 35;
    const grid = rasterToGrid(bounds.width, bounds.height, (emit) => rasterizeCapsule(a, b, imagePx(r), bounds, emit));
    const area = 2 * r * Math.hypot(b.x - a.x, b.y - a.y) + Math.PI * r * r;
    expect(Math.abs(count(grid) - area) / area).toBeLessThan(0.005);
  });

  it('matches the distance definition pixel for pixel on random capsules', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 40; trial++) {
      const a = imagePoint(rnd() * 700 - 50, rnd() * 500 - 50);
      const b = trial % 5 === 0 ? a : imagePoint(rnd() * 700 - 50, rnd() * 500 - 50);
      const r = 0.4 + rnd() * 60;
      const grid = rasterToGrid(bounds.width, bounds.height, (emit) => rasterizeCapsule(a, b, imagePx(r), bounds, emit));
      const wrong: string[] = [];
      for (let y = 0; y < bounds.height; y++) {
        for (let x = 0; x < bounds.width; x++) {
          const d = distanceToSegment(x + 0.5, y + 0.5, a, b);
          if (Math.abs(d - r) < 1e-7) continue; // on the rim: either answer is right
          if (grid[y * bounds.width + x] !== (d <= r ? 1 : 0)) wrong.push(`${x},${y}`);
        }
      }
      expect(wrong, `trial ${trial}`).toEqual([]);
    }
  });

  it('includes and excludes specific pixels exactly', () => {
    const a = imagePoint(100, 100), b = imagePoint(200, 100);
    const grid = rasterToGrid(bounds.width, bounds.height, (emit) => rasterizeCapsule(a, b, imagePx(10), bounds, emit));
    const at = (x: number, y: number): number => grid[y * bounds.width + x]!;
    expect(at(150, 100)).toBe(1); // on the axis
    expect(at(150, 109)).toBe(1); // centre 109.5: 9.5 from the axis
    expect(at(150, 110)).toBe(0); // centre 110.5: 10.5 away
    expect(at(150, 90)).toBe(1); // centre 90.5: 9.5 away
    expect(at(150, 89)).toBe(0);
    expect(at(209, 100)).toBe(1); // 9.5 beyond b along the axis, inside b's cap
    expect(at(210, 100)).toBe(0);
    expect(at(206, 106)).toBe(1); // (6.5, 6.5) from b: 9.19
    expect(at(207, 107)).toBe(0); // (7.5, 7.5) from b: 10.6
  });

  it('clips to the raster and ignores empty input', () => {
    const spans: number[][] = [];
    rasterizeCapsule(imagePoint(-20, -20), imagePoint(-5, -5), imagePx(4), bounds, (y, x0, x1) => spans.push([y, x0, x1]));
    expect(spans).toEqual([]);
    rasterizeStroke([], imagePx(10), bounds, () => spans.push([]));
    expect(spans).toEqual([]);
    const grid = rasterToGrid(bounds.width, bounds.height, (emit) => rasterizeCapsule(imagePoint(0, 0), imagePoint(0, 0), imagePx(10), bounds, emit));
    expect(count(grid)).toBeGreaterThan(60); // a quarter disc: π·100/4 ≈ 78.5
    expect(count(grid)).toBeLessThan(95);
  });

  it('a polyline stroke covers the union of its capsules', () => {
    const pts = [imagePoint(50, 50), imagePoint(250, 60), imagePoint(260, 300)];
    const r = imagePx(12);
    const grid = rasterToGrid(bounds.width, bounds.height, (emit) => rasterizeStroke(pts, r, bounds, emit));
    const wrong: string[] = [];
    for (let y = 0; y < bounds.height; y += 3) {
      for (let x = 0; x < bounds.width; x += 3) {
        const d = Math.min(distanceToSegment(x + 0.5, y + 0.5, pts[0]!, pts[1]!), distanceToSegment(x + 0.5, y + 0.5, pts[1]!, pts[2]!));
        if (Math.abs(d - r) < 1e-7) continue;
        if (grid[y * bounds.width + x] !== (d <= r ? 1 : 0)) wrong.push(`${x},${y}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
