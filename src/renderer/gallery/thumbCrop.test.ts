import { describe, expect, it } from 'vitest';
import { thumbnailCrop } from './thumbCrop';

describe('thumbnail crop', () => {
  it('centres the box with context at the requested aspect', () => {
    const c = thumbnailCrop({ x: 400, y: 300, width: 100, height: 50 }, 1600, 1000, 4 / 3, 0.5);
    expect(c.width / c.height).toBeCloseTo(4 / 3, 9);
    expect(c.width).toBeCloseTo(200, 9);
    expect(c.x + c.width / 2).toBeCloseTo(450, 9);
    expect(c.y + c.height / 2).toBeCloseTo(325, 9);
  });

  it('stays inside the photo', () => {
    const c = thumbnailCrop({ x: 0, y: 950, width: 40, height: 50 }, 1600, 1000, 1);
    expect(c.x).toBe(0);
    expect(c.y + c.height).toBeLessThanOrEqual(1000);
    const all = thumbnailCrop({ x: 0, y: 0, width: 1600, height: 1000 }, 1600, 1000, 1);
    expect(all.width).toBeLessThanOrEqual(1600);
    expect(all.height).toBeLessThanOrEqual(1000);
    expect(all.x).toBeGreaterThanOrEqual(0);
  });
});
