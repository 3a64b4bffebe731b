/**
 * Encodes the mask as an 8-bit greyscale PNG at full image size (white =
 * fill), streaming rows from the tiles so a 24-MP mask never needs a second
 * full-size RGBA copy. Compression is injected; in the browser (and in Node)
 * `CompressionStream('deflate')` produces exactly the zlib stream PNG's IDAT
 * holds.
 */
import { crc32 as crc32Of } from '../../shared/crc32';
import { readRow, type MaskRaster } from './tiledMask';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Kept as an export for callers that pass the ranges as one list. */
export function crc32(parts: readonly Uint8Array[]): number {
  return crc32Of(...parts);
}

function chunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typeBytes = new Uint8Array([...type].map((ch) => ch.charCodeAt(0)));
  out.set(typeBytes, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32([typeBytes, data]));
  return out;
}

/** Filtered scanlines (filter type 0 before each row), about `chunkBytes` per piece. */
export function* pngScanlines(mask: MaskRaster, chunkBytes = 1 << 20): Generator<Uint8Array<ArrayBuffer>> {
  const stride = mask.width + 1;
  const rowsPerChunk = Math.max(1, Math.floor(chunkBytes / stride));
  for (let y0 = 0; y0 < mask.height; y0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, mask.height - y0);
    const out = new Uint8Array(rows * stride); // filter bytes stay 0
    for (let r = 0; r < rows; r++) readRow(mask, y0 + r, out, r * stride + 1);
    yield out;
  }
}

export type Deflate = (pieces: Iterable<Uint8Array<ArrayBuffer>>) => Promise<Uint8Array>;

/** zlib-wrapped deflate through the platform's CompressionStream. */
export const deflateWithStream: Deflate = async (pieces) => {
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const compressed = new Response(stream.readable).arrayBuffer();
  for (const piece of pieces) await writer.write(piece);
  await writer.close();
  return new Uint8Array(await compressed);
};

export async function encodeMaskPng(mask: MaskRaster, deflate: Deflate = deflateWithStream): Promise<Uint8Array<ArrayBuffer>> {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, mask.width);
  view.setUint32(4, mask.height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  const idat = await deflate(pngScanlines(mask));
  const parts = [new Uint8Array(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
