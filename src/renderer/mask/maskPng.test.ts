import { describe, expect, it } from 'vitest';
import { crc32, encodeMaskPng } from './maskPng';
import { createMask, writeSpans } from './tiledMask';

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
});
