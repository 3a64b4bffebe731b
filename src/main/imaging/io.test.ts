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

  it('refuses floating-point images with a clear reason instead of writing them as 8-bit', async () => {
    // 2x2 grey, 32-bit IEEE float samples (SampleFormat 3), one uncompressed strip
    const w = 2, h = 2;
    const data = Buffer.alloc(w * h * 4);
    [0.25, 0.5, 1.5, 0.75].forEach((v, i) => data.writeFloatLE(v, i * 4));
    const entries: [number, number, number][] = [[256, 4, w], [257, 4, h], [258, 3, 32], [259, 3, 1], [262, 3, 1], [273, 4, 8],
      [277, 3, 1], [278, 4, h], [279, 4, data.length], [339, 3, 3]];
    const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], k) => {
      ifd.writeUInt16LE(tag, 2 + k * 12);
      ifd.writeUInt16LE(type, 4 + k * 12);
      ifd.writeUInt32LE(1, 6 + k * 12);
      if (type === 3) ifd.writeUInt16LE(value, 10 + k * 12);
      else ifd.writeUInt32LE(value, 10 + k * 12);
    });
    const head = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
    head.writeUInt32LE(8 + data.length, 4);
    const tiff = u8(Buffer.concat([head, data, ifd]));
    expect((await sharp(tiff).metadata()).depth).toBe('float');
    await expect(probeImage(tiff, 'hdr.tif')).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: expect.stringMatching(/hdr\.tif holds floating-point samples.*16-bit/) });
  });
});

describe('grey photos', () => {
  /** A grey source, decoded (to RGB), a coloured block painted in as a fill would, saved again. */
  async function refill(source: Uint8Array, format?: 'png' | 'tiff' | 'jpeg') {
    const { probe, image } = await decodeImage(source);
    expect(probe.grey).toBe(true);
    const data = image.data.slice();
    const full = image.depth === 16 ? 65535 : 255;
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) {
      const p = (y * image.width + x) * image.channels;
      data[p] = full; data[p + 1] = 0; data[p + 2] = 0; // pure red
    }
    const out = await encodeLikeSource(source, probe, { ...image, data }, format ? { format } : {});
    return { out, before: image };
  }

  for (const [name, depth, alpha] of [['8-bit', 8, false], ['16-bit', 16, false], ['8-bit with alpha', 8, true], ['16-bit with alpha', 16, true]] as const) {
    it(`${name} grey PNG is written as grey at its depth: unchanged outside the fill, the fill as its luma`, async () => {
      const w = 10, h = 8, ch = alpha ? 2 : 1;
      const samples = noise(w * h * ch, 5, depth === 16 ? 65535 : 255);
      const raw = depth === 16 ? new Uint16Array(samples) : new Uint8Array(samples);
      const source = u8(await sharp(raw, { raw: { width: w, height: h, channels: ch } }).toColourspace(depth === 16 ? 'grey16' : 'b-w').png().toBuffer());
      const { out } = await refill(source);
      const meta = await sharp(out.bytes).metadata();
      expect([meta.channels, meta.depth]).toEqual([ch, depth === 16 ? 'ushort' : 'uchar']);
      // Read back with the decoder tested against hand-made files above (grey comes back as R = G = B).
      const back = (await decodeImage(out.bytes)).image;
      const got = Array.from({ length: w * h * ch }, (_, k) => back.data[Math.floor(k / ch) * back.channels + (k % ch === 0 ? 0 : 3)]!);
      const red = Math.floor((2126 * (depth === 16 ? 65535 : 255) + 5000) / 10000);
      for (let i = 0; i < w * h; i++) {
        const x = i % w, y = Math.floor(i / w);
        const filled = x >= 2 && x < 6 && y >= 2 && y < 6;
        expect(got[i * ch]).toBe(filled ? red : samples[i * ch]);
        if (alpha) expect(got[i * ch + 1]).toBe(samples[i * ch + 1]);
      }
    });
  }

  it('16-bit grey TIFF stays one 16-bit channel; a grey JPEG stays grey', async () => {
    const w = 10, h = 8;
    const samples = noise(w * h, 9, 65535);
    const tiff = u8(await sharp(new Uint16Array(samples), { raw: { width: w, height: h, channels: 1 } }).toColourspace('grey16')
      .tiff({ compression: 'lzw', predictor: 'horizontal' }).toBuffer());
    const t = await sharp((await refill(tiff)).out.bytes).metadata();
    expect([t.format, t.channels, t.depth]).toEqual(['tiff', 1, 'ushort']);
    const jpeg = u8(await sharp(new Uint8Array(noise(w * h, 9)), { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').jpeg().toBuffer());
    const j = await sharp((await refill(jpeg)).out.bytes).metadata();
    expect([j.format, j.channels]).toEqual(['jpeg', 1]);
    const rgb = u8(await sharp(new Uint8Array(noise(w * h * 3, 9)), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
    expect((await probeImage(rgb)).grey).toBe(false);
  });

  it('a photo with transparency saved as JPEG is flattened onto white, not black', async () => {
    const w = 4, h = 2;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([40, 80, 120, i < 4 ? 255 : 0], i * 4);
    const png = u8(await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer());
    const { probe, image } = await decodeImage(png);
    const out = await encodeLikeSource(png, probe, image, { format: 'jpeg', quality: 100 });
    const back = await sharp(out.bytes).raw().toBuffer();
    expect(Math.min(...back.subarray(4 * 3, 8 * 3))).toBeGreaterThan(245); // the transparent row
    expect(Math.abs(back[0]! - 40)).toBeLessThan(6); // the opaque row keeps its colour
  });
});

