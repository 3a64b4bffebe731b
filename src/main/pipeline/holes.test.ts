import { describe, expect, it } from 'vitest';
import { contextRect, cropWorkingSize, holeDepthInCrop } from './diffusion-stage';
import { diffusionWork, holeGroups } from './holes';
import { Mulberry32 } from '../imaging/patchmatch/random';

const NO_DEPTH_LIMIT = { holeDepth: Infinity, minEdge: 0 };

function maskWith(width: number, height: number, boxes: [number, number, number, number][]): Uint8Array {
  const m = new Uint8Array(width * height);
  for (const [x, y, w, h] of boxes) for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) m[yy * width + xx] = 255;
  return m;
}

describe('hole groups', () => {
  it('keeps far-apart specks separate', () => {
    const groups = holeGroups(maskWith(1000, 800, [[10, 10, 6, 6], [900, 700, 8, 8]]), 1000, 800);
    expect(groups).toEqual([{ x: 10, y: 10, width: 6, height: 6 }, { x: 900, y: 700, width: 8, height: 8 }]);
  });
  it('merges holes whose context crops overlap', () => {
    const m = maskWith(400, 300, [[100, 100, 20, 20], [130, 100, 20, 20], [300, 250, 1, 1]]);
    m[121 * 400 + 120] = 255; // a separate speck just below, inside the same context
    const groups = holeGroups(m, 400, 300);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toEqual({ x: 100, y: 100, width: 50, height: 22 });
  });
  it('returns nothing for an empty mask', () => {
    expect(holeGroups(new Uint8Array(100), 10, 10)).toEqual([]);
  });
});

describe('diffusion work', () => {
  it('counts each far-apart group at its own working size', () => {
    // a 10x10 hole: margin max(16, 5) = 16 -> a 42x42 crop, kept at full size, rounded to 40x40;
    // a 100x100 hole: margin 50 -> a 200x200 crop, scaled to the 128 px working edge.
    const mask = maskWith(2000, 2000, [[100, 100, 10, 10], [1500, 1500, 100, 100]]);
    expect(diffusionWork(mask, 2000, 2000, { maxEdge: 128, ...NO_DEPTH_LIMIT })).toEqual({ groups: 2, workingPixels: 40 * 40 + 128 * 128 });
    // With a depth limit of 8 working px: the 100x100 hole is 50 px deep, so its 200 px crop goes to 200 * 8 / 50 = 32 px;
    // the 10x10 one (5 px deep) would allow 42 * 8 / 5 = 67 px and stays at its full size.
    expect(diffusionWork(mask, 2000, 2000, { maxEdge: 128, holeDepth: 8, minEdge: 32 })).toEqual({ groups: 2, workingPixels: 40 * 40 + 32 * 32 });
  });
});

/** Largest Euclidean distance from a hole pixel of the crop to the nearest known pixel of the crop, by search in growing squares. */
function bruteDepth(mask: Uint8Array, width: number, crop: { x: number; y: number; width: number; height: number }): number {
  const known = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < crop.width && y < crop.height && mask[(crop.y + y) * width + crop.x + x]! <= 127;
  let max = 0;
  for (let y = 0; y < crop.height; y++) for (let x = 0; x < crop.width; x++) {
    if (known(x, y)) continue;
    let best = Infinity;
    // Every pixel on the square ring of radius r is at least r away: stop once r passes the best distance.
    for (let r = 1; r <= best && r < crop.width + crop.height; r++) {
      for (let k = -r; k <= r; k++) {
        for (const [dx, dy] of [[k, -r], [k, r], [-r, k], [r, k]] as const) {
          if (known(x + dx, y + dy)) best = Math.min(best, Math.hypot(dx, dy));
        }
      }
    }
    max = Math.max(max, best);
  }
  return max;
}

describe('working size for a hole', () => {
  it('measures the hole depth as the Euclidean distance transform does, within the chamfer error and one probe cell', () => {
    const rng = new Mulberry32(5);
    for (let k = 0; k < 6; k++) {
      const W = 120 + rng.nextInt(400), H = 100 + rng.nextInt(200);
      const mask = new Uint8Array(W * H);
      // One or two random discs and a box.
      for (let d = 0; d < 1 + rng.nextInt(2); d++) {
        const cx = rng.nextInt(W), cy = rng.nextInt(H), r = 5 + rng.nextInt(40);
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * W + x] = 255;
      }
      const bx = rng.nextInt(W - 30), by = rng.nextInt(H - 30);
      for (let y = by; y < by + 5 + rng.nextInt(25); y++) for (let x = bx; x < bx + 5 + rng.nextInt(25); x++) mask[y * W + x] = 255;
      const crop = { x: 0, y: 0, width: W, height: H };
      const cell = Math.max(W, H) / Math.min(Math.max(W, H), 256);
      const exact = bruteDepth(mask, W, crop);
      const got = holeDepthInCrop(mask, W, crop);
      // Chamfer 3-4 is within 8 % of Euclidean; the conservative probe adds up to one cell (and its own chamfer error).
      expect(got).toBeGreaterThanOrEqual(0.92 * exact - 0.01);
      expect(got).toBeLessThanOrEqual(1.09 * (exact + 1.5 * cell));
    }
  });

  it('gives a deep disc the training resolution and a thin stroke of the same extent the full working edge', () => {
    const W = 1600, H = 1200, limits = { maxEdge: 64, holeDepth: 8, minEdge: 32 };
    const disc = new Uint8Array(W * H);
    for (let y = 500; y <= 700; y++) for (let x = 700; x <= 900; x++) if ((x - 800) ** 2 + (y - 600) ** 2 <= 100 * 100) disc[y * W + x] = 255;
    const stroke = maskWith(W, H, [[700, 596, 201, 9]]);
    const discCrop = contextRect({ x: 700, y: 500, width: 201, height: 201 }, W, H);
    // 100 px deep in a 403 px crop: 403 * 8 / 100 = 32 px.
    expect(cropWorkingSize(disc, W, discCrop, limits)).toEqual({ width: 32, height: 32 });
    // 5 px deep: the depth would allow 640 px, the edge caps it at 64 (the crop is 401x209).
    const strokeCrop = contextRect({ x: 700, y: 596, width: 201, height: 9 }, W, H);
    expect(cropWorkingSize(stroke, W, strokeCrop, limits)).toEqual({ width: 64, height: 32 });
    // The training resolution is a floor, unless the working edge itself is below it.
    expect(cropWorkingSize(disc, W, discCrop, { ...limits, holeDepth: 2 })).toEqual({ width: 32, height: 32 });
    expect(cropWorkingSize(disc, W, discCrop, { ...limits, maxEdge: 24 })).toEqual({ width: 24, height: 24 });
  });
});
