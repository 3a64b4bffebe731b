import { describe, expect, it } from 'vitest';
import { maskFromPixels } from './maskActions';
import { crc32, encodeMaskPng, encodeMaskRegion } from './maskPng';
import { createMask, maskValue, writeSpanValues, writeSpans } from './tiledMask';

const ascii = (s: string): Uint8Array => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('mask PNG', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32([ascii('123456789')])).toBe(0xcbf43926);
    expect(crc32([ascii('1234'), ascii('56789')])).toBe(0xcbf43926);
  });

  it('writes a valid greyscale PNG whose pixels are the mask', async () => {
    const W = 300, H = 270;
    const mask = writeSpans(createMask(W, H), 255, (write) => {
      for (let y = 40; y < 60; y++) write(y, 250, 290);
      write(269, 0, 299);
    });
    const png = await encodeMaskPng(mask);
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer, png.byteOffset);
    const chunks: { type: string; data: Uint8Array }[] = [];
    for (let at = 8; at < png.length;) {
      const len = view.getUint32(at);
      const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
      const data = png.subarray(at + 8, at + 8 + len);
      expect(view.getUint32(at + 8 + len)).toBe(crc32([png.subarray(at + 4, at + 8), data]));
      chunks.push({ type, data });
      at += 12 + len;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), chunks[0]!.data[8], chunks[0]!.data[9]]).toEqual([W, H, 8, 0]);
    const raw = await inflate(chunks[1]!.data);
    expect(raw.length).toBe((W + 1) * H);
    let wrong = 0;
    for (let y = 0; y < H; y++) {
      expect(raw[y * (W + 1)]).toBe(0);
      for (let x = 0; x < W; x++) {
        const want = (y >= 40 && y < 60 && x >= 250 && x <= 290) || y === 269 ? 255 : 0;
        if (raw[y * (W + 1) + 1 + x] !== want) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('a region is the PNG of the bounding box only, pixels and soft levels intact, across tile edges', async () => {
    const W = 700, H = 600;
    // Spans crossing the 256-px tile edges both ways, one of them a soft edge.
    const mask = writeSpanValues(writeSpans(createMask(W, H), 255, (write) => {
      for (let y = 250; y < 263; y++) write(y, 240, 520);
      write(300, 511, 515);
    }), 'set', (write) => write(262, 230, 239, (x) => 130 + x - 230));
    const region = await encodeMaskRegion(mask);
    expect({ x: region.x, y: region.y, width: region.width, height: region.height }).toEqual({ x: 230, y: 250, width: 291, height: 51 });
    const pixels = await pngPixels(region.png);
    expect([pixels.width, pixels.height]).toEqual([region.width, region.height]);
    let wrong = 0;
    for (let y = 0; y < region.height; y++) for (let x = 0; x < region.width; x++) {
      if (pixels.data[y * region.width + x] !== maskValue(mask, region.x + x, region.y + y)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(pixels.data[12 * region.width]).toBe(130);
  });

  it('the whole-image PNG and the region PNG hold the same pixels where they overlap', async () => {
    const mask = writeSpans(createMask(300, 200), 255, (write) => write(120, 7, 299));
    const whole = await pngPixels(await encodeMaskPng(mask));
    const region = await encodeMaskRegion(mask);
    const crop = await pngPixels(region.png);
    expect(region).toMatchObject({ x: 7, y: 120, width: 293, height: 1 });
    expect([...crop.data]).toEqual([...whole.data.subarray(120 * 300 + 7, 120 * 300 + 300)]);
  });

  it('an empty mask has no region: the usual "mask is empty" error, before anything is sent', async () => {
    const erased = writeSpans(writeSpans(createMask(64, 48), 255, (w) => w(3, 1, 9)), 0, (w) => w(3, 1, 9));
    for (const mask of [createMask(64, 48), erased]) {
      await expect(encodeMaskRegion(mask)).rejects.toMatchObject({ code: 'MASK_EMPTY', message: expect.stringMatching(/mask is empty/) });
    }
  });
});

describe('restoring a mask region (a saved draft)', () => {
  it('places the box\'s pixels back at the same place across tile edges: the same raster, empty tiles left out', async () => {
    const W = 700, H = 600;
    const mask = writeSpanValues(writeSpans(createMask(W, H), 255, (write) => {
      for (let y = 250; y < 263; y++) write(y, 240, 520);
      write(300, 511, 515);
      write(513, 255, 256);
    }), 'set', (write) => write(262, 230, 239, (x) => 130 + x - 230));
    const region = await encodeMaskRegion(mask);
    const pixels = await pngPixels(region.png);
    const restored = maskFromPixels(W, H, (i) => pixels.data[i]!, region);
    expect(restored.filled).toBe(mask.filled);
    expect(restored.tiles.map((t) => t === null)).toEqual(mask.tiles.map((t) => t === null));
    expect(restored.tiles.map((t) => (t ? [...t.data] : null))).toEqual(mask.tiles.map((t) => (t ? [...t.data] : null)));
    // The same raster as restoring the whole-frame PNG of the same mask.
    const whole = await pngPixels(await encodeMaskPng(mask));
    expect(maskFromPixels(W, H, (i) => whole.data[i]!).tiles.map((t) => (t ? [...t.data] : null))).toEqual(restored.tiles.map((t) => (t ? [...t.data] : null)));
  });

  it('a box at the far corner, one pixel wide; a box reaching outside the mask is refused', () => {
    const restored = maskFromPixels(300, 270, (i) => [255, 0, 200][i]!, { x: 299, y: 267, width: 1, height: 3 });
    expect([maskValue(restored, 299, 267), maskValue(restored, 299, 268), maskValue(restored, 299, 269), maskValue(restored, 298, 269)]).toEqual([255, 0, 200, 0]);
    expect(restored.filled).toBe(2);
    expect(() => maskFromPixels(300, 270, () => 255, { x: 299, y: 0, width: 2, height: 1 })).toThrow(/not inside the 300×270 mask/);
  });
});

/** Decodes a greyscale PNG written by encodeMaskPng (one IDAT, filter 0 rows). */
async function pngPixels(png: Uint8Array): Promise<{ width: number; height: number; data: Uint8Array }> {
  const view = new DataView(png.buffer, png.byteOffset);
  let width = 0, height = 0, idat: Uint8Array | null = null;
  for (let at = 8; at < png.length;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IHDR') { width = view.getUint32(at + 8); height = view.getUint32(at + 12); }
    if (type === 'IDAT') idat = png.subarray(at + 8, at + 8 + len);
    at += 12 + len;
  }
  const raw = await inflate(idat!);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  return { width, height, data };
}
