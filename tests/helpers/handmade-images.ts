/**
 * Minimal image encoders written from the PNG and TIFF specifications, used
 * as an independent reference: pixels we put in by hand must come out of our
 * decoder unchanged.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}

/** RGB PNG, 8 or 16 bit, filter type 0 on every row. */
export function handmadePng(width: number, height: number, depth: 8 | 16, pixels: ArrayLike<number>): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = 2; // truecolour
  const bps = depth / 8;
  const stride = width * 3 * bps;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    for (let i = 0; i < width * 3; i++) {
      const v = pixels[y * width * 3 + i]!;
      const at = y * (stride + 1) + 1 + i * bps;
      if (depth === 16) raw.writeUInt16BE(v, at);
      else raw[at] = v;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Uncompressed little-endian RGB TIFF, 8 or 16 bit, one strip. */
export function handmadeTiff(width: number, height: number, depth: 8 | 16, pixels: ArrayLike<number>): Buffer {
  const bps = depth / 8;
  const data = Buffer.alloc(width * height * 3 * bps);
  for (let i = 0; i < width * height * 3; i++) {
    if (depth === 16) data.writeUInt16LE(pixels[i]!, i * 2);
    else data[i] = pixels[i]!;
  }
  const entries: [number, number, number, number][] = []; // tag, type, count, value/offset
  const header = 8;
  const bitsOffset = header + data.length;
  const ifdOffset = bitsOffset + 6;
  entries.push([256, 4, 1, width]);
  entries.push([257, 4, 1, height]);
  entries.push([258, 3, 3, bitsOffset]);
  entries.push([259, 3, 1, 1]);
  entries.push([262, 3, 1, 2]);
  entries.push([273, 4, 1, header]);
  entries.push([277, 3, 1, 3]);
  entries.push([278, 4, 1, height]);
  entries.push([279, 4, 1, data.length]);
  entries.push([284, 3, 1, 1]);
  const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
  ifd.writeUInt16LE(entries.length, 0);
  entries.forEach(([tag, type, count, value], k) => {
    const at = 2 + k * 12;
    ifd.writeUInt16LE(tag, at);
    ifd.writeUInt16LE(type, at + 2);
    ifd.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) ifd.writeUInt16LE(value, at + 8);
    else ifd.writeUInt32LE(value, at + 8);
  });
  const head = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  head.writeUInt32LE(ifdOffset, 4);
  const bits = Buffer.alloc(6);
  for (let k = 0; k < 3; k++) bits.writeUInt16LE(depth, k * 2);
  return Buffer.concat([head, data, bits, ifd]);
}

/** Deterministic pseudo-random bytes for test images. */
export function noise(n: number, seed: number, max = 255): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.floor((s / 2 ** 32) * (max + 1)));
  }
  return out;
}
