import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeImage, encodeLikeSource, encodeRaw, probeImage } from './io';
import { handmadePng, handmadeTiff, noise } from '../../../tests/helpers/handmade-images';

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

describe('decode against hand-made files', () => {
  it('reads 8- and 16-bit PNG and TIFF pixels exactly', async () => {
    const w = 13, h = 7;
    for (const depth of [8, 16] as const) {
      const px = noise(w * h * 3, depth, depth === 16 ? 65535 : 255);
      for (const file of [handmadePng(w, h, depth, px), handmadeTiff(w, h, depth, px)]) {
        const { probe, image } = await decodeImage(u8(file));
        expect(probe.depth).toBe(depth);
        expect([image.width, image.height, image.channels, image.depth]).toEqual([w, h, 3, depth]);
        expect(Array.from(image.data)).toEqual(px);
      }
    }
  });

  it('16-bit TIFF and PNG survive a decode/encode/decode round trip unchanged', async () => {
    const w = 31, h = 9;
    const px = noise(w * h * 3, 99, 65535);
    for (const fmt of ['tiff', 'png'] as const) {
      const { image } = await decodeImage(u8(handmadeTiff(w, h, 16, px)));
      const encoded = await encodeRaw(image, { format: fmt });
      const meta = await sharp(encoded).metadata();
      expect(meta.depth).toBe('ushort');
      const back = await decodeImage(encoded);
      expect(Array.from(back.image.data)).toEqual(px);
    }
  });
});

describe('orientation', () => {
  it('applies EXIF orientation 6 (rotate 90° clockwise) on load', async () => {
    const w = 4, h = 2;
    // stored pixels: a red marker at stored (0,0), everything else black
    const raw = Buffer.alloc(w * h * 3);
    raw[0] = 255;
    const png = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).withMetadata({ orientation: 6 }).png().toBuffer();
    const { probe, image } = await decodeImage(u8(png));
    expect(probe.orientation).toBe(6);
    expect([image.width, image.height]).toEqual([2, 4]);
    // rotating 90° clockwise moves stored top-left to displayed top-right
    const at = (x: number, y: number) => image.data[(y * image.width + x) * 3]!;
    expect(at(1, 0)).toBe(255);
    expect(at(0, 0)).toBe(0);
  });
});

describe('metadata is kept on save', () => {
  it('JPEG keeps EXIF (with Orientation reset to 1) and the ICC profile; pixels are not colour-converted', async () => {
    const w = 48, h = 32;
    const raw = Buffer.from(noise(w * h * 3, 5));
    const src = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .withIccProfile('p3')
      .withExif({ IFD0: { Make: 'TestCam', Model: 'Body 1', Copyright: 'A. Photographer' } })
      .withMetadata({ orientation: 8 })
      .jpeg({ quality: 95 }).toBuffer();
    const srcMeta = await sharp(src).metadata();
    expect(srcMeta.orientation).toBe(8);
    const { probe, image } = await decodeImage(u8(src));
    const out = await encodeLikeSource(u8(src), probe, image);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.icc?.equals(srcMeta.icc!)).toBe(true);
    expect(meta.orientation).toBe(1);
    expect(meta.exif?.includes(Buffer.from('TestCam'))).toBe(true);
    expect(meta.exif?.includes(Buffer.from('A. Photographer'))).toBe(true);
    expect(out.metadataKept).toEqual(expect.arrayContaining(['exif', 'icc']));
    expect([meta.width, meta.height]).toEqual([image.width, image.height]);
  });

  it('PNG keeps the ICC profile and its pixels exactly (no colour conversion)', async () => {
    const w = 40, h = 30;
    const raw = Buffer.from(noise(w * h * 3, 8));
    const src = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).withIccProfile('p3').png().toBuffer();
    const srcMeta = await sharp(src).metadata();
    const { probe, image } = await decodeImage(u8(src));
    // the decoded pixels are the stored ones (what libvips reads with the profile ignored)
    const stored = await sharp(src, { ignoreIcc: true }).raw().toBuffer();
    expect(Buffer.from(image.data as Uint8Array).equals(stored)).toBe(true);
    const out = await encodeLikeSource(u8(src), probe, image);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.icc?.equals(srcMeta.icc!)).toBe(true);
    const back = await decodeImage(out.bytes);
    expect(Buffer.from(back.image.data as Uint8Array).equals(stored)).toBe(true);
  });

  it('lossless WebP keeps ICC and pixels', async () => {
    const w = 20, h = 20;
    const raw = Buffer.from(noise(w * h * 3, 11));
    const src = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).withIccProfile('p3').webp({ lossless: true }).toBuffer();
    const { probe, image } = await decodeImage(u8(src));
    expect(probe.lossless).toBe(true);
    const out = await encodeLikeSource(u8(src), probe, image);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.icc?.length).toBeGreaterThan(0);
    const back = await decodeImage(out.bytes);
    expect(Array.from(back.image.data)).toEqual(Array.from(image.data));
  });
});

describe('metadata across formats', () => {
  const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:rights="studio-test-rights"/></rdf:RDF></x:xmpmeta>';

  async function jpegWithEverything(): Promise<Buffer> {
    const w = 24, h = 16;
    return sharp(Buffer.from(noise(w * h * 3, 21)), { raw: { width: w, height: h, channels: 3 } })
      .withIccProfile('p3').withExif({ IFD0: { Make: 'CrossCam' } }).withXmp(XMP).withMetadata({ orientation: 3 })
      .jpeg({ quality: 95 }).toBuffer();
  }

  it('JPEG source written as PNG, WebP and TIFF keeps ICC and XMP (and EXIF where the format has a place for it)', async () => {
    const src = await jpegWithEverything();
    const srcMeta = await sharp(src).metadata();
    const { probe, image } = await decodeImage(u8(src));
    for (const format of ['png', 'webp', 'tiff', 'jpeg'] as const) {
      const out = await encodeLikeSource(u8(src), probe, image, { format });
      const meta = await sharp(out.bytes).metadata();
      expect(meta.format === 'heif' ? 'webp' : meta.format).toBe(format);
      expect(meta.icc?.equals(srcMeta.icc!), format).toBe(true);
      expect(meta.xmp?.toString('utf8'), format).toContain('studio-test-rights');
      if (format !== 'tiff') {
        expect(meta.exif?.includes(Buffer.from('CrossCam')), format).toBe(true);
        expect(meta.orientation ?? 1, format).toBe(1);
      }
    }
  });

  it('TIFF keeps its ICC profile and XMP on a TIFF round trip', async () => {
    const w = 16, h = 12;
    const src = await sharp(Buffer.from(noise(w * h * 3, 4)), { raw: { width: w, height: h, channels: 3 } })
      .withIccProfile('p3').withXmp(XMP).tiff({ compression: 'lzw' }).toBuffer();
    const srcMeta = await sharp(src).metadata();
    const { probe, image } = await decodeImage(u8(src));
    const out = await encodeLikeSource(u8(src), probe, image);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe('tiff');
    expect(meta.icc?.equals(srcMeta.icc!)).toBe(true);
    expect(meta.xmp?.toString('utf8')).toContain('studio-test-rights');
    const back = await decodeImage(out.bytes);
    expect(Array.from(back.image.data)).toEqual(Array.from(image.data));
  });
});

describe('bad files', () => {
  it('rejects empty, non-image, truncated and RAW-named inputs with clear codes', async () => {
    await expect(probeImage(new Uint8Array(0))).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
    await expect(probeImage(new TextEncoder().encode('hello, I am a text file'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    const jpeg = await sharp(Buffer.from(noise(64 * 64 * 3, 3)), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
    await expect(decodeImage(u8(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))))).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
  });
});
