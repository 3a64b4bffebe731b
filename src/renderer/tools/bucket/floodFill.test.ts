import { describe, expect, it } from 'vitest';
import { floodRegion } from './floodFill';

/** Independent reference: breadth-first search over 4-neighbours. */
function bfs(w: number, h: number, grid: Uint8Array, sx: number, sy: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const t = grid[sy * w + sx];
  const queue = [sy * w + sx];
  out[sy * w + sx] = 1;
  while (queue.length) {
    const i = queue.shift()!;
    const x = i % w, y = Math.floor(i / w);
    for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const j = ny * w + nx;
      if (!out[j] && grid[j] === t) { out[j] = 1; queue.push(j); }
    }
  }
  return out;
}

function flood(w: number, h: number, grid: Uint8Array, sx: number, sy: number): Uint8Array {
  const out = new Uint8Array(w * h);
  floodRegion(w, h, (i) => grid[i] === 1, sx, sy, (y, x0, x1) => {
    for (let x = x0; x <= x1; x++) {
      if (out[y * w + x]) throw new Error('pixel emitted twice');
      out[y * w + x] = 1;
    }
  });
  return out;
}

describe('fill bucket', () => {
  it('matches breadth-first search on random mazes', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const W = 60, H = 45;
    for (let trial = 0; trial < 25; trial++) {
      const grid = new Uint8Array(W * H).map(() => (rnd() < 0.42 ? 1 : 0));
      const sx = Math.floor(rnd() * W), sy = Math.floor(rnd() * H);
      expect(flood(W, H, grid, sx, sy)).toEqual(bfs(W, H, grid, sx, sy));
    }
  });

  it('fills the inside of a closed ring but not the outside; a diagonal gap does not leak', () => {
    const W = 40, H = 40;
    const grid = new Uint8Array(W * H);
    for (let k = 5; k <= 30; k++) { grid[5 * W + k] = 1; grid[30 * W + k] = 1; grid[k * W + 5] = 1; grid[k * W + 30] = 1; }
    const inside = flood(W, H, grid, 15, 15);
    expect(inside.reduce((s, v) => s + v, 0)).toBe(24 * 24);
    expect(inside[2 * W + 2]).toBe(0);
    grid[5 * W + 30] = 0; // open the corner diagonally: 4-connectivity still holds it shut
    expect(flood(W, H, grid, 15, 15).reduce((s, v) => s + v, 0)).toBe(24 * 24);
    expect(flood(W, H, grid, -1, 3).every((v) => v === 0)).toBe(true);
  });
});
