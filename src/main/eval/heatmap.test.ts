import { describe, expect, it } from 'vitest';
import { outsideChangeHeatmap, rampColour } from './heatmap';
import { rectMask, texturedImage } from './testImages';

describe('outside-change heatmap', () => {
  const w = 20, h = 16;
  const photo = texturedImage(w, h);
  const mask = rectMask(w, h, 5, 4, 6, 5);

  it('is black outside the mask when nothing there changed, grey inside', () => {
    const changedInside = { ...photo, data: photo.data.map((v, i) => (mask[Math.floor(i / 3)] ? 255 - v : v)) };
    const map = outsideChangeHeatmap(photo, changedInside, mask);
    for (let p = 0; p < w * h; p++) {
      const px = Array.from(map.data.subarray(p * 3, p * 3 + 3));
      expect(px).toEqual(mask[p] ? [96, 96, 96] : [0, 0, 0]);
    }
  });

  it('shows a one-level change at exactly that pixel, and bigger changes brighter', () => {
    const leak = photo.data.slice();
    leak[(0 * w + 1) * 3] = leak[(0 * w + 1) * 3]! ^ 1; // ±1 on one channel
    leak[(15 * w + 19) * 3 + 2] = leak[(15 * w + 19) * 3 + 2]! > 127 ? 0 : 255; // a big change
    const map = outsideChangeHeatmap(photo, { ...photo, data: leak }, mask);
    const at = (x: number, y: number) => Array.from(map.data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
    expect(at(1, 0)).toEqual(rampColour(0));
    expect(at(0, 0)).toEqual([0, 0, 0]);
    const big = at(19, 15);
    expect(big[0]! + big[1]! + big[2]!).toBeGreaterThan(at(1, 0).reduce((a, b) => a + b, 0) + 150);
  });
});
