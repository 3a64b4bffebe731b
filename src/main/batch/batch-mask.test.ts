import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { fitMask, orientMask } from './batch-mask';

describe('orientMask matches libvips auto-orientation for all eight EXIF orientations', () => {
  const w = 5, h = 3;
  const stored = Uint8Array.from({ length: w * h }, (_, i) => i * 10);
  for (let o = 1; o <= 8; o++) {
    it(`orientation ${o}`, async () => {
      const png = await sharp(stored, { raw: { width: w, height: h, channels: 1 } }).withMetadata({ orientation: o }).png().toBuffer();
      const { data, info } = await sharp(png).rotate().raw().toBuffer({ resolveWithObject: true });
      const ours = orientMask({ data: stored, width: w, height: h }, o);
      expect([ours.width, ours.height]).toEqual([info.width, info.height]);
      const first = Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels]!);
      expect(Array.from(ours.data)).toEqual(first);
    });
  }
});

describe('fitMask', () => {
  const mask = { data: new Uint8Array(60 * 40), width: 60, height: 40 };
  for (let y = 10; y < 20; y++) for (let x = 30; x < 40; x++) mask.data[y * 60 + x] = 255;

  it('scales a same-aspect mask and keeps the spot where it was, proportionally', async () => {
    const big = await fitMask(mask, 600, 400, 'fail');
    let n = 0, sx = 0, sy = 0;
    for (let y = 0; y < 400; y++) for (let x = 0; x < 600; x++) if (big.data[y * 600 + x]) { n++; sx += x; sy += y; }
    expect(Math.abs(n - 100 * 100) / (100 * 100)).toBeLessThan(0.05);
    // the spot's centre scales with the frame, to within a pixel of resampling
    expect(Math.abs(sx / n - 349.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(sy / n - 149.5)).toBeLessThanOrEqual(1);
  });
  it('refuses another aspect ratio by default, with the numbers', async () => {
    await expect(fitMask(mask, 400, 400, 'fail')).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/3:2 \(60×40\).*1:1 \(400×400\)/) });
  });
  it('stretch and cover apply it anyway', async () => {
    expect((await fitMask(mask, 400, 400, 'stretch')).width).toBe(400);
    expect((await fitMask(mask, 400, 400, 'cover')).height).toBe(400);
  });
});
