/**
 * Encodes the mask as an 8-bit greyscale PNG (white = fill), of the whole
 * image or of a box in it, streaming rows from the tiles so a 24-MP mask
 * never needs a second full-size RGBA copy. Requests send only the mask's
 * bounding box (encodeMaskRegion): a dust spot is a few hundred pixels. Compression is injected; in the browser (and in Node)
 * `CompressionStream('deflate')` produces exactly the zlib stream PNG's IDAT
 * holds.
 */
import type { MaskRegion } from '../../shared/api';
import { crc32 as crc32Of } from '../../shared/crc32';
import { maskEmptyError } from '../../shared/errors';
import { maskBounds, readRowRange, type MaskRaster, type PixelBounds } from './tiledMask';

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

const wholeOf = (mask: MaskRaster): PixelBounds => ({ x: 0, y: 0, width: mask.width, height: mask.height });

/** Filtered scanlines of `box` (filter type 0 before each row), about `chunkBytes` per piece. */
export function* pngScanlines(mask: MaskRaster, chunkBytes = 1 << 20, box: PixelBounds = wholeOf(mask)): Generator<Uint8Array<ArrayBuffer>> {
  const stride = box.width + 1;
  const rowsPerChunk = Math.max(1, Math.floor(chunkBytes / stride));
  for (let y0 = 0; y0 < box.height; y0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, box.height - y0);
    const out = new Uint8Array(rows * stride); // filter bytes stay 0
    for (let r = 0; r < rows; r++) readRowRange(mask, box.y + y0 + r, box.x, box.width, out, r * stride + 1);
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

/** The PNG of `box` (inside the raster; default the whole image). */
export async function encodeMaskPng(mask: MaskRaster, deflate: Deflate = deflateWithStream, box: PixelBounds = wholeOf(mask)): Promise<Uint8Array<ArrayBuffer>> {
  if (box.x < 0 || box.y < 0 || box.width < 1 || box.height < 1 || box.x + box.width > mask.width || box.y + box.height > mask.height) {
    throw new Error(`box ${box.width}×${box.height} at ${box.x},${box.y} is not inside the ${mask.width}×${mask.height} mask`);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, box.width);
  view.setUint32(4, box.height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  const idat = await deflate(pngScanlines(mask, undefined, box));
  const parts = [new Uint8Array(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A mask region as requests carry it: the PNG of the mask's bounding box and where the box lies. */
export type EncodedMaskRegion = MaskRegion & { readonly png: Uint8Array<ArrayBuffer> };

/**
 * The mask as a request sends it (shared/api's maskRegionSchema): the PNG of
 * its bounding box only. An empty mask has no box and gets the usual
 * MASK_EMPTY error before anything is sent.
 */
export async function encodeMaskRegion(mask: MaskRaster, deflate: Deflate = deflateWithStream): Promise<EncodedMaskRegion> {
  const box = maskBounds(mask);
  if (!box) throw maskEmptyError();
  return { png: await encodeMaskPng(mask, deflate, box), x: box.x, y: box.y, width: box.width, height: box.height };
}
