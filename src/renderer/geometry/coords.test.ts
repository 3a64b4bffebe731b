import { describe, expect, it } from 'vitest';
import {
  deviceAlignedSize, fitView, imageLengthToScreen, imagePoint, imagePx, imageRectOnScreen, imageSize, imageToScreen,
  screenLengthToImage, screenPoint, screenPx, screenSize, screenToImage,
} from './coords';

describe('view transform', () => {
  it('fits a landscape 24 MP photo into a window, centred, aspect kept', () => {
    const view = fitView(imageSize(6000, 4000), screenSize(1200, 1000), 0);
    expect(view.scale).toBeCloseTo(0.2, 12);
    expect(view.offsetX).toBeCloseTo(0, 12);
    expect(view.offsetY).toBeCloseTo((1000 - 800) / 2, 12);
    const rect = imageRectOnScreen(view, imageSize(6000, 4000));
    expect(rect.width).toBeCloseTo(1200, 9);
    expect(rect.height).toBeCloseTo(800, 9);
  });

  it('fits a portrait image by height and honours the padding', () => {
    const view = fitView(imageSize(1000, 2000), screenSize(800, 600), 50);
    expect(view.scale).toBeCloseTo(500 / 2000, 12);
    expect(view.offsetY).toBeCloseTo(50, 12);
    expect(view.offsetX).toBeCloseTo((800 - 250) / 2, 12);
  });

  it('maps the image corners to the fitted rectangle corners', () => {
    const view = fitView(imageSize(300, 200), screenSize(900, 900), 0);
    const br = imageToScreen(view, imagePoint(300, 200));
    expect(br.x).toBeCloseTo(900, 9);
    expect(br.y).toBeCloseTo(450 + 300, 9);
  });

  it('round-trips points and lengths in both directions', () => {
    const view = fitView(imageSize(5472, 3648), screenSize(1337, 771), 12);
    for (let i = 0; i < 100; i++) {
      const p = imagePoint((i * 97.31) % 5472, (i * 53.7) % 3648);
      const back = screenToImage(view, imageToScreen(view, p));
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
      const s = screenPoint((i * 13.1) % 1337, (i * 7.9) % 771);
      const again = imageToScreen(view, screenToImage(view, s));
      expect(again.x).toBeCloseTo(s.x, 9);
      expect(again.y).toBeCloseTo(s.y, 9);
    }
    expect(screenLengthToImage(view, imageLengthToScreen(view, imagePx(42)))).toBeCloseTo(42, 12);
    expect(imageLengthToScreen(view, screenLengthToImage(view, screenPx(17)))).toBeCloseTo(17, 12);
  });
});

describe('deviceAlignedSize', () => {
  it('shrinks a size by at most a few CSS pixels to whole numbers of device pixels', () => {
    expect(deviceAlignedSize(screenSize(1060, 791.86), 1.25)).toEqual(screenSize(1060, 788));
    expect(deviceAlignedSize(screenSize(1061, 791), 1.5)).toEqual(screenSize(1060, 790));
    expect(deviceAlignedSize(screenSize(1061, 791), 2)).toEqual(screenSize(1061, 791));
    expect(deviceAlignedSize(screenSize(1061.7, 791.2), 1)).toEqual(screenSize(1061, 791));
    for (const r of [1.25, 1.5, 1.75, 2.25]) {
      const s = deviceAlignedSize(screenSize(999, 777), r);
      expect(Number.isInteger(s.width * r) && Number.isInteger(s.height * r)).toBe(true);
      expect(999 - s.width).toBeLessThanOrEqual(8);
    }
  });
});
