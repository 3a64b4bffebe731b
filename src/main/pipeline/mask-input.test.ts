import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeMask } from './mask-input';

async function greyPng(values: readonly number[]): Promise<Uint8Array> {
  const out = await sharp(Buffer.from(values), { raw: { width: values.length, height: 1, channels: 1 } }).png().toBuffer();
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
});
