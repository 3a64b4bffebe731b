import { describe, expect, it } from 'vitest';
import { imageSize, screenPx } from '../geometry/coords';
import { overlayGrid, overlayRegion, renderOverlayRegion } from './overlay';
import { createMask, tileRect, writeSpans } from './tiledMask';

const rectOnScreen = (w: number, h: number) => ({ x: screenPx(0), y: screenPx(0), width: screenPx(w), height: screenPx(h) });

describe('overlay', () => {
  const mask = writeSpans(createMask(600, 400), 255, (write) => {
    for (let y = 100; y < 200; y++) write(y, 300, 399);
  });

  it('at scale 1 reproduces the mask exactly', () => {
    const grid = overlayGrid(imageSize(600, 400), rectOnScreen(600, 400), 1);
    const region = { x: 0, y: 0, width: 600, height: 400 };
    const rgba = renderOverlayRegion(mask, grid, region);
    let wrong = 0;
    for (let y = 0; y < 400; y++) for (let x = 0; x < 600; x++) {
      const inside = y >= 100 && y < 200 && x >= 300 && x < 400;
      if ((rgba[(y * 600 + x) * 4 + 3] === 255) !== inside) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('downsamples by the centre rule and keeps the area ratio', () => {
    const grid = overlayGrid(imageSize(600, 400), rectOnScreen(150, 100), 1);
    expect(grid.sx).toBeCloseTo(0.25, 12);
    const rgba = renderOverlayRegion(mask, grid, { x: 0, y: 0, width: 150, height: 100 });
    let on = 0;
    for (let i = 3; i < rgba.length; i += 4) if (rgba[i] === 255) on++;
    expect(on).toBe(25 * 25);
    expect(rgba[(30 * 150 + 80) * 4 + 3]).toBe(255);
  });

  it('maps a tile to the backing pixels it owns, without gaps between tiles', () => {
    const big = createMask(1000, 700);
    const grid = overlayGrid(imageSize(1000, 700), rectOnScreen(333, 233), 1);
    const covered = new Uint8Array(grid.width * grid.height);
    for (let t = 0; t < big.tiles.length; t++) {
      const r = overlayRegion(grid, tileRect(big, t));
      if (!r) continue;
      for (let y = r.y; y < r.y + r.height; y++) for (let x = r.x; x < r.x + r.width; x++) covered[y * grid.width + x] = covered[y * grid.width + x]! + 1;
    }
    expect(covered.every((c) => c === 1)).toBe(true);
  });
});
