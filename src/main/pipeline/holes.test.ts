import { describe, expect, it } from 'vitest';
import { diffusionWork, holeGroups } from './holes';

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
    const w = diffusionWork(maskWith(2000, 2000, [[100, 100, 10, 10], [1500, 1500, 100, 100]]), 2000, 2000, 128);
    expect(w).toEqual({ groups: 2, workingPixels: 40 * 40 + 128 * 128 });
  });
});
