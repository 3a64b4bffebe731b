import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { colourSpaceOf } from './colour';

describe('colour spaces for the model', () => {
  it('converts Display P3 crops to sRGB and back as lcms does through sharp, and declines what is not an RGB profile', async () => {
    const srgb = new Uint8Array([220, 40, 30, 40, 200, 60, 30, 60, 210, 128, 128, 128]);
    // Reference: sharp's built-in P3 profile applied on output, and its default import back to sRGB.
    const p3png = await sharp(srgb, { raw: { width: 2, height: 2, channels: 3 } }).withIccProfile('p3').png().toBuffer();
    const icc = new Uint8Array((await sharp(p3png).metadata()).icc!);
    const p3 = new Uint8Array(await sharp(p3png).keepIccProfile().raw().toBuffer());
    const space = (await colourSpaceOf(icc))!;
    try {
      const toSrgb = await space.toSrgb(p3, 2, 2);
      const back = await space.fromSrgb(srgb, 2, 2);
      expect(Math.max(...toSrgb.map((v, i) => Math.abs(v - srgb[i]!)))).toBeLessThanOrEqual(2);
      expect(Math.max(...back.map((v, i) => Math.abs(v - p3[i]!)))).toBeLessThanOrEqual(1);
      expect(Math.max(...p3.map((v, i) => Math.abs(v - srgb[i]!)))).toBeGreaterThan(10); // not a no-op
    } finally {
      await space.close();
    }
    expect(await colourSpaceOf(null)).toBeNull();
    const grey = new Uint8Array(icc);
    grey.set(new TextEncoder().encode('GRAY'), 16);
    expect(await colourSpaceOf(grey)).toBeNull();
    const broken = new Uint8Array(icc.subarray(0, 200));
    expect(await colourSpaceOf(broken)).toBeNull();
  });
});
