import { describe, expect, it } from 'vitest';
import { actualPixelsView, MAX_ZOOM, panBy, screenPoint, screenPx, screenToImage, wheelZoomFactor, zoomAt, zoomPercent, type ViewTransform } from './coords';

const view: ViewTransform = { scale: 0.2, offsetX: screenPx(30), offsetY: screenPx(-12) };

describe('zoom and pan', () => {
  it('zooming keeps the image point under the cursor in place', () => {
    const anchor = screenPoint(413, 287);
    // Independent: the image point under the anchor, by hand, before and after.
    const before = { x: (413 - 30) / 0.2, y: (287 + 12) / 0.2 };
    for (const factor of [1.2, 0.5, 7, 1 / 3]) {
      const z = zoomAt(view, anchor, factor);
      expect(z.scale).toBeCloseTo(0.2 * factor, 12);
      const p = screenToImage(z, anchor);
      expect(p.x).toBeCloseTo(before.x, 9);
      expect(p.y).toBeCloseTo(before.y, 9);
    }
  });

  it('zoom in then out by the same factor returns to the start; the scale is clamped', () => {
    const back = zoomAt(zoomAt(view, screenPoint(100, 50), 3), screenPoint(100, 50), 1 / 3);
    expect(back.scale).toBeCloseTo(view.scale, 12);
    expect(back.offsetX).toBeCloseTo(view.offsetX, 9);
    expect(back.offsetY).toBeCloseTo(view.offsetY, 9);
    expect(zoomAt(view, screenPoint(0, 0), 1e6).scale).toBe(MAX_ZOOM);
  });

  it('pans by screen pixels and shows 1:1 device pixels at 100 %', () => {
    const p = panBy(view, screenPx(15), screenPx(-4));
    expect([p.offsetX, p.offsetY, p.scale]).toEqual([45, -16, 0.2]);
    const anchor = screenPoint(500, 400);
    const at = screenToImage(view, anchor);
    const one = actualPixelsView(view, anchor, 1);
    expect(one.scale).toBeCloseTo(1, 12);
    expect(screenToImage(one, anchor).x).toBeCloseTo(at.x, 9);
    expect(actualPixelsView(view, anchor, 2).scale).toBeCloseTo(0.5, 12);
  });

  it('100 % on a HiDPI screen puts each image pixel on one device pixel, on the device-pixel grid', () => {
    const anchor = screenPoint(333, 251);
    const at = screenToImage(view, anchor);
    for (const ratio of [1, 1.25, 1.5, 2, 3]) {
      const v = actualPixelsView(view, anchor, ratio);
      expect(v.scale * ratio).toBeCloseTo(1, 12);
      // Image pixel edges land on whole device pixels: offset · ratio is an integer.
      for (const o of [v.offsetX, v.offsetY]) expect(Math.abs(o * ratio - Math.round(o * ratio))).toBeLessThan(1e-9);
      // The anchor keeps its image point to within half a device pixel (in image pixels at 1:1).
      const p = screenToImage(v, anchor);
      expect(Math.abs(p.x - at.x)).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(Math.abs(p.y - at.y)).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(zoomPercent(v, ratio)).toBeCloseTo(100, 9);
    }
    expect(zoomPercent({ ...view, scale: 1 }, 2)).toBeCloseTo(200, 12);
  });

  it('wheel notches zoom by a fixed ratio either way', () => {
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100, 0) * wheelZoomFactor(-100, 0)).toBeCloseTo(1, 12);
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(99, 0), 12);
  });
});
