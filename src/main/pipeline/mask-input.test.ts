import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeMask, decodeMaskBox, decodeMaskRegion, wholeFrameMaskRegion } from './mask-input';

async function greyPng(values: readonly number[], width = values.length): Promise<Uint8Array<ArrayBuffer>> {
  const out = await sharp(Buffer.from(values), { raw: { width, height: values.length / width, channels: 1 } }).png().toBuffer();
  return new Uint8Array(out);
}

describe('decodeMask', () => {
  it('keeps fill levels above 127 (a soft edge) and zeroes everything else', async () => {
    const got = await decodeMask(await greyPng([0, 1, 100, 127, 128, 129, 200, 254, 255]), 9, 1);
    expect([...got]).toEqual([0, 0, 0, 0, 128, 129, 200, 254, 255]);
  });

  it('a white-on-black mask decodes to exactly 255 and 0', async () => {
    const got = await decodeMask(await greyPng([0, 255, 255, 0]), 4, 1);
    expect([...got]).toEqual([0, 255, 255, 0]);
  });

  it('transparent pixels are outside the mask whatever their colour', async () => {
    const rgba = Buffer.from([255, 255, 255, 0, 255, 255, 255, 255, 255, 255, 255, 128]);
    const png = new Uint8Array(await sharp(rgba, { raw: { width: 3, height: 1, channels: 4 } }).png().toBuffer());
    expect([...(await decodeMask(png, 3, 1))]).toEqual([0, 255, 128]);
  });

  it('a selection exported as transparency (one colour, only alpha varying, e.g. black on transparent) is read from its alpha', async () => {
    const rgba = Buffer.from([0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 200, 0, 0, 0, 100]);
    const png = new Uint8Array(await sharp(rgba, { raw: { width: 4, height: 1, channels: 4 } }).png().toBuffer());
    expect([...(await decodeMask(png, 4, 1))]).toEqual([0, 255, 200, 0]);
    // Colours that vary keep the usual reading (white = fill, weighted by opacity).
    const mixed = Buffer.from([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 0]);
    const png2 = new Uint8Array(await sharp(mixed, { raw: { width: 4, height: 1, channels: 4 } }).png().toBuffer());
    expect([...(await decodeMask(png2, 4, 1))]).toEqual([0, 255, 0, 0]);
  });
});

describe('decodeMaskRegion', () => {
  it('places the box on an empty frame, levels intact, and counts its mask pixels', async () => {
    // A 3×2 box at (2, 1) on a 6×4 photo.
    const placed = await decodeMaskRegion({ png: await greyPng([255, 0, 130, 127, 200, 255], 3), x: 2, y: 1, width: 3, height: 2 }, 6, 4);
    expect([...placed.mask]).toEqual([
      0, 0, 0, 0, 0, 0,
      0, 0, 255, 0, 130, 0,
      0, 0, 0, 200, 255, 0,
      0, 0, 0, 0, 0, 0,
    ]);
    expect(placed.filled).toBe(4);
    expect(placed.box).toEqual({ x: 2, y: 1, width: 3, height: 2 });
  });

  it('decodeMaskBox checks the box the same way and decodes only the box (a draft)', async () => {
    const region = { png: await greyPng([255, 0, 130, 127, 200, 255], 3), x: 2, y: 1, width: 3, height: 2 };
    expect([...(await decodeMaskBox(region, 6, 4))]).toEqual([255, 0, 130, 0, 200, 255]);
    await expect(decodeMaskBox({ ...region, x: 4 }, 6, 4, 'exclusion mask')).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/exclusion mask's box \(3×2 at 4,1\) reaches outside the 6×4 photo/) });
    await expect(decodeMaskBox({ ...region, height: 3 }, 6, 4)).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/3×2 but its box says 3×3/) });
  });

  it('equals decoding the same mask as a whole frame', async () => {
    const whole = [0, 0, 0, 0, 0, 255, 140, 0, 0, 0, 0, 0];
    const frame = await decodeMask(await greyPng(whole, 4), 4, 3);
    const placed = await decodeMaskRegion({ png: await greyPng([255, 140], 2), x: 1, y: 1, width: 2, height: 1 }, 4, 3);
    expect([...placed.mask]).toEqual([...frame]);
  });

  it('rejects a box outside the photo and a PNG that is not the size its box claims', async () => {
    const png = await greyPng([255, 255, 255, 255], 2);
    await expect(decodeMaskRegion({ png, x: 3, y: 0, width: 2, height: 2 }, 4, 4)).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH' });
    await expect(decodeMaskRegion({ png, x: 0, y: 3, width: 2, height: 2 }, 4, 4)).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH' });
    await expect(decodeMaskRegion({ png, x: 0, y: 0, width: 2, height: 1 }, 4, 4)).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/2×2 but its box says 2×1/) });
    await expect(decodeMaskRegion({ png: new Uint8Array([1, 2, 3]), x: 0, y: 0, width: 2, height: 2 }, 4, 4)).rejects.toMatchObject({ code: 'BAD_MASK' });
  });

  it('a whole-frame mask file becomes the box of the whole photo; another size keeps the photo-size message', async () => {
    const png = await greyPng([0, 255, 0, 0], 2);
    expect(await wholeFrameMaskRegion(png, 2, 2)).toEqual({ png, x: 0, y: 0, width: 2, height: 2 });
    await expect(wholeFrameMaskRegion(png, 3, 2)).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/must match the photo's size/) });
  });
});
