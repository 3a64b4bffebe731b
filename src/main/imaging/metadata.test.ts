import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { cleanExif, cleanXmp } from './metadata';
import { decodeImage, encodeLikeSource } from './io';

/**
 * A hand-laid EXIF block (TIFF structure): IFD0 with Orientation 6 and the
 * Exif sub-IFD pointer; the sub-IFD with PixelXDimension (LONG) 40 and
 * PixelYDimension (SHORT) 30; IFD1 with a 6-byte "thumbnail" at a known place.
 */
function handmadeExif(little: boolean): { bytes: Uint8Array; thumbAt: number; nextAt: number; ifd1At: number } {
  const b = new Uint8Array(200);
  const v = new DataView(b.buffer);
  b.set(little ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
  v.setUint32(4, 8, little);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    v.setUint16(at, tag, little);
    v.setUint16(at + 2, type, little);
    v.setUint32(at + 4, count, little);
    if (type === 3) v.setUint16(at + 8, value, little);
    else v.setUint32(at + 8, value, little);
  };
  // IFD0 at 8: 2 entries, next IFD pointer at 8 + 2 + 24 = 34
  v.setUint16(8, 2, little);
  entry(10, 0x0112, 3, 1, 6);
  entry(22, 0x8769, 4, 1, 40);
  v.setUint32(34, 80, little);
  // Exif IFD at 40: 2 entries, next 0
  v.setUint16(40, 2, little);
  entry(42, 0xa002, 4, 1, 40);
  entry(54, 0xa003, 3, 1, 30);
  v.setUint32(66, 0, little);
  // IFD1 at 80: JPEGInterchangeFormat = 120, length 6
  v.setUint16(80, 2, little);
  entry(82, 0x0201, 4, 1, 120);
  entry(94, 0x0202, 4, 1, 6);
  v.setUint32(106, 0, little);
  b.set([0xff, 0xd8, 0xab, 0xcd, 0xff, 0xd9], 120);
  return { bytes: b, thumbAt: 120, nextAt: 34, ifd1At: 80 };
}

describe('EXIF and XMP for an edited photo', () => {
  for (const little of [true, false]) {
    it(`${little ? 'little' : 'big'}-endian EXIF: Orientation 1, thumbnail unlinked and zeroed, pixel size updated, nothing moved`, () => {
      const { bytes, thumbAt, nextAt, ifd1At } = handmadeExif(little);
      const out = cleanExif(bytes, 0, { width: 30, height: 40 });
      const v = new DataView(out.buffer);
      expect(out.length).toBe(bytes.length);
      expect(v.getUint16(10 + 8, little)).toBe(1);
      expect(v.getUint32(22 + 8, little)).toBe(40); // the Exif IFD pointer is untouched
      expect(v.getUint32(42 + 8, little)).toBe(30);
      expect(v.getUint16(54 + 8, little)).toBe(40);
      expect(v.getUint32(nextAt, little)).toBe(0);
      expect([...out.subarray(thumbAt, thumbAt + 6)]).toEqual([0, 0, 0, 0, 0, 0]);
      expect([...out.subarray(ifd1At, ifd1At + 30)].every((x) => x === 0)).toBe(true);
      expect(bytes[thumbAt + 2]).toBe(0xab); // the input is not modified
      // Without a size the pixel dimensions stay; a second pass changes nothing.
      expect(new DataView(cleanExif(bytes).buffer).getUint32(42 + 8, little)).toBe(40);
      expect(cleanExif(out, 0, { width: 30, height: 40 })).toEqual(out);
    });
  }

  it('survives truncated and nonsense blocks without throwing', () => {
    const { bytes } = handmadeExif(true);
    for (let n = 0; n < bytes.length; n += 7) expect(() => cleanExif(bytes.subarray(0, n), 0, { width: 1, height: 1 })).not.toThrow();
    const junk = bytes.slice();
    new DataView(junk.buffer).setUint32(82 + 8, 0xfffffff0, true); // thumbnail offset far past the end
    expect(() => cleanExif(junk)).not.toThrow();
  });

  it('sets tiff:Orientation to 1 in XMP, in attribute and element form, and leaves the rest byte for byte', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const attr = enc('<rdf:Description tiff:Orientation="6" xmp:Rating="5" dc:title="Straße"/>');
    expect(new TextDecoder().decode(cleanXmp(attr))).toBe('<rdf:Description tiff:Orientation="1" xmp:Rating="5" dc:title="Straße"/>');
    const element = enc("<tiff:Orientation> 8 </tiff:Orientation><exif:Orientation>6</exif:Orientation>");
    expect(new TextDecoder().decode(cleanXmp(element))).toBe('<tiff:Orientation> 1 </tiff:Orientation><exif:Orientation>6</exif:Orientation>');
    const upright = enc('<x tiff:Orientation="1"/>');
    expect(cleanXmp(upright)).toBe(upright);
  });
});

describe('saving an edited photo', () => {
  async function rotatedJpeg(): Promise<Uint8Array> {
    const w = 48, h = 32;
    const raw = Buffer.alloc(w * h * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 13) % 251;
    const xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
      + '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .withMetadata({ orientation: 6, density: 300 }).withXmp(xmp).jpeg({ quality: 90 }).toBuffer();
    return new Uint8Array(jpeg);
  }

  for (const format of ['jpeg', 'png', 'webp', 'tiff'] as const) {
    it(`a rotated JPEG saved as ${format}: upright pixels, and EXIF/XMP both say Orientation 1`, async () => {
      const source = await rotatedJpeg();
      const { probe, image } = await decodeImage(source);
      expect([image.width, image.height]).toEqual([32, 48]);
      const out = await encodeLikeSource(source, probe, image, { format });
      const meta = await sharp(out.bytes).metadata();
      expect([meta.width, meta.height]).toEqual([32, 48]);
      if (meta.exif) expect(meta.orientation ?? 1).toBe(1);
      expect(meta.xmp).toBeDefined();
      const xmp = meta.xmp!.toString('latin1');
      expect(xmp).toContain('tiff:Orientation="1"');
      expect(xmp).not.toContain('tiff:Orientation="6"');
      if (format === 'jpeg') expect(meta.density).toBe(300); // the JFIF header's resolution is carried
    });
  }

  it("a JPEG's resolution in its JFIF header (no EXIF) is kept, without a JFIF thumbnail", async () => {
    const w = 24, h = 16;
    const plain = new Uint8Array(await sharp(Buffer.alloc(w * h * 3, 90), { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer());
    // JFIF 1.01, units dpi, 300 x 300, with a 1x1 thumbnail (3 bytes of RGB)
    const app0 = [0xff, 0xe0, 0x00, 0x13, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 1, 0x01, 0x2c, 0x01, 0x2c, 1, 1, 0xaa, 0xbb, 0xcc];
    const source = new Uint8Array([...plain.subarray(0, 2), ...app0, ...plain.subarray(2)]);
    expect((await sharp(source).metadata()).density).toBe(300);
    const { probe, image } = await decodeImage(source);
    const out = await encodeLikeSource(source, probe, image);
    expect((await sharp(out.bytes).metadata()).density).toBe(300);
    expect(Buffer.from(out.bytes).includes(Buffer.from([0xaa, 0xbb, 0xcc]))).toBe(false);
  });

  it("the EXIF thumbnail, which still shows what was removed, is not in the saved JPEG or PNG", async () => {
    const w = 24, h = 16;
    const plain = new Uint8Array(await sharp(Buffer.alloc(w * h * 3, 90), { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer());
    const exif = handmadeExif(true).bytes;
    const payload = new Uint8Array([...new TextEncoder().encode('Exif\0\0'), ...exif]);
    const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
    const source = new Uint8Array([...plain.subarray(0, 2), ...app1, ...plain.subarray(2)]);
    const thumb = Buffer.from([0xff, 0xd8, 0xab, 0xcd, 0xff, 0xd9]);
    expect(Buffer.from(source).includes(thumb)).toBe(true);
    const { probe, image } = await decodeImage(source);
    for (const format of ['jpeg', 'png'] as const) {
      const out = await encodeLikeSource(source, probe, image, { format });
      expect(out.metadataKept).toContain('exif');
      expect(Buffer.from(out.bytes).includes(thumb)).toBe(false);
    }
  });

  it('the resolution (print size) is kept within and across formats, TIFF included', async () => {
    const w = 20, h = 12;
    const raw = new Uint16Array(w * h * 3).fill(30000);
    const sources = {
      tiff: new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).toColourspace('rgb16')
        .tiff({ compression: 'lzw', predictor: 'horizontal', xres: 300 / 25.4, yres: 300 / 25.4, resolutionUnit: 'inch' }).toBuffer()),
      png: new Uint8Array(await sharp(Buffer.alloc(w * h * 3, 50), { raw: { width: w, height: h, channels: 3 } }).withMetadata({ density: 300 }).png().toBuffer()),
    };
    for (const [from, source] of Object.entries(sources)) {
      expect((await sharp(source).metadata()).density).toBe(300);
      const { probe, image } = await decodeImage(source);
      for (const format of ['tiff', 'png', 'jpeg'] as const) {
        const out = await encodeLikeSource(source, probe, image, { format });
        expect([from, format, Math.round((await sharp(out.bytes).metadata()).density ?? 0)]).toEqual([from, format, 300]);
      }
    }
  });

  it('EXIF reaches TIFF outputs: camera, date, exposure and GPS, whatever the byte orders (read back by Pillow)', async () => {
    // An EXIF block as cameras write it, big-endian: IFD0 with Make/Model/Artist, the Exif IFD with
    // DateTimeOriginal and ExposureTime (RATIONAL), a GPS IFD with GPSLatitudeRef and GPSLatitude (3 RATIONALs).
    const exifBlock = (little: boolean): Uint8Array => {
      const b = new Uint8Array(400);
      const v = new DataView(b.buffer);
      b.set(little ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
      v.setUint32(4, 8, little);
      let heap = 300;
      const put = (bytes: number[] | Uint8Array) => { const at = heap; b.set(bytes, at); heap += bytes.length + (bytes.length & 1); return at; };
      const text = (s: string) => [...new TextEncoder().encode(s), 0];
      const ifd = (at: number, entries: [number, number, number, number | number[]][]) => {
        v.setUint16(at, entries.length, little);
        entries.forEach(([tag, type, count, value], k) => {
          const e = at + 2 + k * 12;
          v.setUint16(e, tag, little); v.setUint16(e + 2, type, little); v.setUint32(e + 4, count, little);
          if (Array.isArray(value) && value.length <= 4) b.set(value, e + 8);
          else if (Array.isArray(value)) v.setUint32(e + 8, put(value), little);
          else if (type === 3) v.setUint16(e + 8, value, little);
          else v.setUint32(e + 8, value, little);
        });
        v.setUint32(at + 2 + entries.length * 12, 0, little);
      };
      const rational = (n: number, d: number) => { const r = new Uint8Array(8); new DataView(r.buffer).setUint32(0, n, little); new DataView(r.buffer).setUint32(4, d, little); return [...r]; };
      ifd(8, [[0x010f, 2, 9, text('Testcam!')], [0x0110, 2, 7, text('Model7')], [0x013b, 2, 11, text('Jane Smith')], [0x0112, 3, 1, 6], [0x8769, 4, 1, 100], [0x8825, 4, 1, 200]]);
      ifd(100, [[0x9003, 2, 20, text('2024:05:06 07:08:09')], [0x829a, 5, 1, rational(1, 250)]]);
      ifd(200, [[0x0001, 2, 2, [0x4e, 0]], [0x0002, 5, 3, [...rational(51, 1), ...rational(30, 1), ...rational(0, 1)]]]);
      return b.subarray(0, heap);
    };
    for (const little of [false, true]) {
      const w = 16, h = 10;
      const plain = new Uint8Array(await sharp(Buffer.alloc(w * h * 3, 90), { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer());
      const payload = new Uint8Array([...new TextEncoder().encode('Exif\0\0'), ...exifBlock(little)]);
      const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
      const source = new Uint8Array([...plain.subarray(0, 2), ...app1, ...plain.subarray(2)]);
      const { probe, image } = await decodeImage(source);
      const out = await encodeLikeSource(source, probe, image, { format: 'tiff' });
      expect(out.metadataKept).toContain('exif');
      const meta = await sharp(out.bytes).metadata();
      expect([meta.width, meta.height]).toEqual([h, w]); // rotated on load
      // An independent reader: Pillow (Debian's python3-pil, beside the training tools) parses the TIFF's tags.
      const pillow = (bytes: Uint8Array): unknown => {
        const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'exif-tiff-')), 'out.tif');
        writeFileSync(file, bytes);
        const py = spawnSync('/usr/bin/python3', ['-c', [
          'import json, sys', 'from PIL import Image', 'im = Image.open(sys.argv[1]); e = im.getexif()',
          'g = e.get_ifd(0x8825); x = e.get_ifd(0x8769)',
          'print(json.dumps({"make": e.get(271), "model": e.get(272), "artist": e.get(315), "orientation": e.get(274, 1),',
          '  "date": x.get(36867), "exposure": float(x.get(33434)), "latRef": g.get(1), "lat": [float(v) for v in g.get(2)],',
          '  "size": im.size, "pixel": im.getpixel((0, 0))}))',
        ].join('\n'), file], { encoding: 'utf8' });
        expect(py.stderr).toBe('');
        return JSON.parse(py.stdout);
      };
      const expected = {
        make: 'Testcam!', model: 'Model7', artist: 'Jane Smith', orientation: 1, date: '2024:05:06 07:08:09',
        exposure: 0.004, latRef: 'N', lat: [51, 30, 0], size: [h, w], pixel: [...image.data.subarray(0, 3)],
      };
      expect(pillow(out.bytes)).toEqual(expected);
      // A TIFF source's own EXIF goes on: into TIFF again, and into JPEG (read back by libexif through sharp).
      const tiff = await decodeImage(out.bytes);
      expect(pillow((await encodeLikeSource(out.bytes, tiff.probe, tiff.image, { format: 'tiff' })).bytes)).toEqual(expected);
      const jpeg = await encodeLikeSource(out.bytes, tiff.probe, tiff.image, { format: 'jpeg' });
      const exif = Buffer.from((await sharp(jpeg.bytes).metadata()).exif!).toString('latin1');
      for (const text of ['Testcam!', 'Model7', 'Jane Smith', '2024:05:06 07:08:09']) expect(exif).toContain(text);
    }
  });

  it("IPTC in a JPEG's Photoshop block reaches a TIFF output as its IPTC tag (read back by Pillow)", async () => {
    const iim = [0x1c, 0x02, 0x78, 0x00, 0x08, ...new TextEncoder().encode('A harbour')].slice(0, 5 + 8); // 2:120 caption, 8 bytes
    const name = [0, 0]; // empty Pascal name, padded to even
    const resource = [...new TextEncoder().encode('8BIM'), 0x04, 0x04, ...name, 0, 0, 0, iim.length, ...iim, ...(iim.length & 1 ? [0] : [])];
    const block = [...new TextEncoder().encode('Photoshop 3.0\0'), ...resource];
    const w = 12, h = 8;
    const plain = new Uint8Array(await sharp(Buffer.alloc(w * h * 3, 90), { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer());
    const app13 = [0xff, 0xed, (block.length + 2) >> 8, (block.length + 2) & 255, ...block];
    const source = new Uint8Array([...plain.subarray(0, 2), ...app13, ...plain.subarray(2)]);
    const { probe, image } = await decodeImage(source);
    const out = await encodeLikeSource(source, probe, image, { format: 'tiff' });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'iptc-tiff-')), 'out.tif');
    writeFileSync(file, out.bytes);
    const py = spawnSync('/usr/bin/python3', ['-c', 'import sys\nfrom PIL import Image\nv = Image.open(sys.argv[1]).tag_v2.get(33723)\nprint(list(bytes(v)) if v is not None else None)', file], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(JSON.parse(py.stdout.trim())).toEqual(iim);
  });
});

