import { describe, expect, it } from 'vitest';
import { featherWeights, growMask, shrinkMask } from '../../shared/mask-ops';
import { imageSize } from '../geometry/coords';
import { edgePreviewRgba, sampleMaskToGrid } from './edgePreview';
import { overlayGridFor } from './overlay';
import { createMask, writeSpans } from './tiledMask';

describe('grow and feather preview', () => {
  it('the backing grid is the image up to the proxy edge', () => {
    expect(overlayGridFor(imageSize(1600, 1000))).toEqual({ width: 1600, height: 1000, sx: 1, sy: 1 });
    const big = overlayGridFor(imageSize(6000, 4000));
    expect([big.width, big.height]).toEqual([2560, 1707]);
  });

  it('samples the mask by pixel centres and ramps alpha over the feather width', () => {
    const mask = writeSpans(createMask(400, 200), 255, (w) => { for (let y = 50; y < 150; y++) w(y, 100, 299); });
    const grid = { width: 200, height: 100, sx: 0.5, sy: 0.5 };
    const g = sampleMaskToGrid(mask, grid);
    // Grid pixel i samples image x = floor((i + 0.5) / 0.5) = 2i + 1: columns 50..149, rows 25..74.
    expect(g.reduce((s, v) => s + (v ? 1 : 0), 0)).toBe(100 * 50);
    const rgba = edgePreviewRgba(g, grid, { grow: 0, feather: 20 }, [255, 0, 0]);
    // 20 image px = 10 grid px: edge pixel weight 1/11, rising to 1 at 11 px in (featherWeights' ramp).
    const alpha = (x: number, y: number): number => rgba[(y * 200 + x) * 4 + 3]!;
    expect(alpha(50, 50)).toBe(Math.round(255 / 11));
    expect(alpha(55, 50)).toBe(Math.round((255 * 6) / 11));
    expect(alpha(100, 50)).toBe(255);
    expect(alpha(49, 50)).toBe(0);
    const grown = edgePreviewRgba(g, grid, { grow: 10, feather: 0 }, [255, 0, 0]);
    expect(grown[(50 * 200 + 45) * 4 + 3]).toBe(255);
    expect(grown[(50 * 200 + 44) * 4 + 3]).toBe(0);
  });

  it('the cropped computation equals the shared mask-ops on the whole grid', () => {
    const W = 300, H = 200;
    const grid = { width: W, height: H, sx: 1, sy: 1 };
    const m = new Uint8Array(W * H);
    for (let y = 0; y < 60; y++) for (let x = 0; x < 50; x++) m[y * W + x] = 255; // touches the frame
    for (let y = 120; y < 150; y++) for (let x = 200; x < 260; x++) m[y * W + x] = 255;
    for (const input of [{ grow: 7, feather: 5 }, { grow: -4, feather: 9 }, { grow: 0, feather: 0 }]) {
      const got = edgePreviewRgba(m, grid, input, [1, 2, 3]);
      const shaped = input.grow > 0 ? growMask(m, W, H, input.grow) : input.grow < 0 ? shrinkMask(m, W, H, -input.grow) : m;
      const w = featherWeights(shaped, W, H, input.feather);
      let wrong = 0;
      for (let i = 0; i < w.length; i++) if (got[i * 4 + 3] !== Math.round(255 * w[i]!)) wrong++;
      expect(wrong, JSON.stringify(input)).toBe(0);
    }
  });
});
