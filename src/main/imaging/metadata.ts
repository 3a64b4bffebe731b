/**
 * Carries a source photo's metadata (EXIF, ICC, XMP, IPTC) into a re-encoded
 * file at the container level, byte for byte. sharp can keep metadata only
 * from its own input, and attaching an ICC profile to raw pixels makes it
 * convert them, so outputs encoded from our raw buffers get the original
 * segments/chunks copied in here. Orientation (EXIF and XMP) is reset to 1
 * because the pixels were already rotated on load, and the EXIF thumbnail,
 * which shows the photo before the edit, is removed.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { StudioError } from '../../shared/errors';
import { crc32 } from '../../shared/crc32';

export type ContainerFormat = 'jpeg' | 'png' | 'webp' | 'tiff';

export function sniffFormat(bytes: Uint8Array): ContainerFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (bytes.length >= 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0) ||
    (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42))) return 'tiff';
  return null;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]!);
  return s;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ------------------------------------------------------------------ EXIF

const ORIENTATION = 0x0112;
const EXIF_IFD = 0x8769;
const THUMB_OFFSET = 0x0201; // JPEGInterchangeFormat
const THUMB_LENGTH = 0x0202; // JPEGInterchangeFormatLength
const STRIP_OFFSETS = 0x0111;
const STRIP_COUNTS = 0x0117;
const PIXEL_X = 0xa002;
const PIXEL_Y = 0xa003;

/**
 * A copy of a TIFF-structured EXIF block fit for the edited photo, with every
 * offset unchanged: Orientation is 1 (the pixels were rotated on load); the
 * thumbnail (IFD1) is unlinked and its bytes zeroed, because it still shows
 * the photo as it was before the edit, including what was removed; and with
 * `size`, PixelXDimension/PixelYDimension give the output's size (they are
 * stale after a rotation). `tiffStart` is where the "II*\0"/"MM\0*" header begins.
 */
export function cleanExif(exif: Uint8Array, tiffStart = 0, size?: { width: number; height: number }): Uint8Array {
  const out = exif.slice();
  if (out.length < tiffStart + 8) return out;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const little = out[tiffStart] === 0x49;
  const at = (offset: number) => tiffStart + offset;
  const inside = (pos: number, n: number) => pos >= 0 && pos + n <= out.length;
  /** Entries of the IFD at file position `ifd`: tag, type, count and the position of the value field. */
  const entries = (ifd: number): { tag: number; type: number; count: number; field: number }[] => {
    if (!inside(ifd, 2)) return [];
    const n = view.getUint16(ifd, little);
    const list = [];
    for (let i = 0; i < n && inside(ifd + 2 + i * 12, 12); i++) {
      const e = ifd + 2 + i * 12;
      list.push({ tag: view.getUint16(e, little), type: view.getUint16(e + 2, little), count: view.getUint32(e + 4, little), field: e + 8 });
    }
    return list;
  };
  const setNumber = (e: { type: number; field: number }, v: number) => {
    if (e.type === 3) view.setUint16(e.field, v, little); // SHORT, left-justified in the value field
    else if (e.type === 4) view.setUint32(e.field, v, little); // LONG
  };
  /** The values of a SHORT/LONG entry (in the field when they fit, else at the offset it holds). */
  const numbers = (e: { type: number; count: number; field: number }): number[] => {
    const width = e.type === 3 ? 2 : e.type === 4 ? 4 : 0;
    if (width === 0 || e.count > 4096) return [];
    const base = e.count * width <= 4 ? e.field : at(view.getUint32(e.field, little));
    if (!inside(base, e.count * width)) return [];
    return Array.from({ length: e.count }, (_, k) => (width === 2 ? view.getUint16(base + 2 * k, little) : view.getUint32(base + 4 * k, little)));
  };

  const ifd0 = at(view.getUint32(tiffStart + 4, little));
  const ifd0Entries = entries(ifd0);
  for (const e of ifd0Entries) {
    if (e.tag === ORIENTATION) setNumber(e, 1);
    if (e.tag === EXIF_IFD && size) {
      for (const x of entries(at(view.getUint32(e.field, little)))) {
        if (x.tag === PIXEL_X) setNumber(x, size.width);
        if (x.tag === PIXEL_Y) setNumber(x, size.height);
      }
    }
  }
  const next = ifd0 + 2 + ifd0Entries.length * 12;
  if (!inside(next, 4)) return out;
  const ifd1 = view.getUint32(next, little);
  if (ifd1 !== 0) {
    const list = entries(at(ifd1));
    const find = (tag: number) => list.find((e) => e.tag === tag);
    const zero = (offsets: number[], lengths: number[]) => offsets.forEach((o, k) => {
      const from = at(o), len = lengths[k] ?? 0;
      if (inside(from, 0)) out.fill(0, from, Math.min(out.length, from + len));
    });
    const jpegAt = find(THUMB_OFFSET), jpegLen = find(THUMB_LENGTH);
    if (jpegAt && jpegLen) zero(numbers(jpegAt), numbers(jpegLen));
    const strips = find(STRIP_OFFSETS), counts = find(STRIP_COUNTS);
    if (strips && counts) zero(numbers(strips), numbers(counts));
    if (inside(at(ifd1), 2)) out.fill(0, at(ifd1), Math.min(out.length, at(ifd1) + 2 + list.length * 12 + 4));
    view.setUint32(next, 0, little);
  }
  return out;
}

/**
 * An XMP packet with tiff:Orientation set to 1 (attribute or element form),
 * byte for byte otherwise: editors that read XMP would rotate the already
 * upright pixels again.
 */
export function cleanXmp(xmp: Uint8Array): Uint8Array {
  const text = Buffer.from(xmp).toString('latin1'); // the patterns are ASCII; the length stays the same
  const upright = (_: string, before: string, after: string) => `${before}1${after}`;
  const fixed = text
    .replace(/(tiff:Orientation\s*=\s*["'])[2-8](["'])/g, upright)
    .replace(/(<tiff:Orientation>\s*)[2-8](\s*<\/tiff:Orientation>)/g, upright);
  return fixed === text ? xmp : new Uint8Array(Buffer.from(fixed, 'latin1'));
}

// ------------------------------------------------------------------ JPEG

interface JpegSegment { readonly marker: number; readonly bytes: Uint8Array }

/** Header segments up to (not including) SOS. */
function jpegSegments(b: Uint8Array): { segments: JpegSegment[]; rest: number } {
  if (sniffFormat(b) !== 'jpeg') throw new StudioError('CORRUPT_IMAGE', 'not a JPEG stream');
  const segments: JpegSegment[] = [];
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw new StudioError('CORRUPT_IMAGE', `JPEG marker expected at byte ${i}`);
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xda /* SOS */) return { segments, rest: i };
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (len < 2 || i + 2 + len > b.length) throw new StudioError('CORRUPT_IMAGE', 'JPEG segment runs past the end of the file');
    segments.push({ marker, bytes: b.subarray(i, i + 2 + len) });
    i += 2 + len;
  }
  throw new StudioError('CORRUPT_IMAGE', 'JPEG has no image data');
}

const isExifApp1 = (s: JpegSegment) => s.marker === 0xe1 && ascii(s.bytes, 4, 6) === 'Exif\0\0';
const isXmpApp1 = (s: JpegSegment) => s.marker === 0xe1 && ascii(s.bytes, 4, 29) === 'http://ns.adobe.com/xap/1.0/\0';
const isIccApp2 = (s: JpegSegment) => s.marker === 0xe2 && ascii(s.bytes, 4, 12) === 'ICC_PROFILE\0';
const isIptcApp13 = (s: JpegSegment) => s.marker === 0xed;
const isMetadataSegment = (s: JpegSegment) => isExifApp1(s) || isXmpApp1(s) || isIccApp2(s) || isIptcApp13(s) ||
  (s.marker === 0xe1); // any other APP1 (extended XMP)

/**
 * The source's JFIF header (APP0) rebuilt without its thumbnail: it carries
 * the photo's resolution (DPI) when there is no EXIF to say it.
 */
function jfifOf(segments: readonly JpegSegment[]): Uint8Array | null {
  const s = segments.find((x) => x.marker === 0xe0 && ascii(x.bytes, 4, 5) === 'JFIF\0' && x.bytes.length >= 18);
  if (!s) return null;
  const out = s.bytes.slice(0, 20);
  out[2] = 0;
  out[3] = 16; // length without the thumbnail
  out[18] = 0;
  out[19] = 0; // thumbnail width and height
  return out;
}

function transplantJpeg(source: Uint8Array, target: Uint8Array, size: { width: number; height: number }): Uint8Array {
  const src = jpegSegments(source);
  const dst = jpegSegments(target);
  const carried = src.segments.filter(isMetadataSegment)
    .map((s) => (isExifApp1(s) ? cleanExif(s.bytes, 10, size) : isXmpApp1(s) ? cleanXmp(s.bytes) : s.bytes));
  const kept = dst.segments.filter((s) => !isMetadataSegment(s));
  // JFIF APP0 (if any) must stay first; metadata follows it.
  const jfif = jfifOf(src.segments);
  const app0 = jfif ? [jfif] : kept.filter((s) => s.marker === 0xe0).map((s) => s.bytes);
  const others = kept.filter((s) => s.marker !== 0xe0).map((s) => s.bytes);
  return concat([target.subarray(0, 2), ...app0, ...carried, ...others, target.subarray(dst.rest)]);
}

// ------------------------------------------------------------------- PNG

interface PngChunk { readonly type: string; readonly bytes: Uint8Array }

function pngChunks(b: Uint8Array): PngChunk[] {
  if (sniffFormat(b) !== 'png') throw new StudioError('CORRUPT_IMAGE', 'not a PNG stream');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const chunks: PngChunk[] = [];
  let i = 8;
  while (i + 12 <= b.length) {
    const len = view.getUint32(i);
    const end = i + 12 + len;
    if (end > b.length) throw new StudioError('CORRUPT_IMAGE', 'PNG chunk runs past the end of the file');
    const type = ascii(b, i + 4, 4);
    chunks.push({ type, bytes: b.subarray(i, end) });
    i = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

const PNG_METADATA = new Set(['iCCP', 'sRGB', 'gAMA', 'cHRM', 'eXIf', 'iTXt', 'tEXt', 'zTXt', 'pHYs', 'tIME']);

/** A metadata chunk fit for the edited photo: EXIF and XMP cleaned (cleanExif, cleanXmp). */
function cleanPngChunk(chunk: PngChunk, size: { width: number; height: number }): Uint8Array {
  const data = chunk.bytes.subarray(8, chunk.bytes.length - 4);
  if (chunk.type === 'eXIf') return pngChunk('eXIf', cleanExif(data, 0, size));
  if (chunk.type === 'iTXt' && ascii(data, 0, 18) === 'XML:com.adobe.xmp\0') {
    // keyword\0, compression flag and method, language\0, translated keyword\0, text
    let p = 18 + 2;
    for (let nul = 0; nul < 2 && p < data.length; p++) if (data[p] === 0) nul++;
    const compressed = data[18] === 1;
    try {
      const text = compressed ? new Uint8Array(inflateSync(data.subarray(p))) : data.subarray(p);
      const clean = cleanXmp(text);
      if (clean === text) return chunk.bytes;
      return pngChunk('iTXt', concat([data.subarray(0, p), compressed ? new Uint8Array(deflateSync(clean)) : clean]));
    } catch {
      return chunk.bytes; // an unreadable compressed packet is carried as it was
    }
  }
  return chunk.bytes;
}

function transplantPng(source: Uint8Array, target: Uint8Array, size: { width: number; height: number }): Uint8Array {
  const carried = pngChunks(source).filter((c) => PNG_METADATA.has(c.type));
  const dst = pngChunks(target);
  const ihdr = dst.filter((c) => c.type === 'IHDR');
  const body = dst.filter((c) => c.type !== 'IHDR' && !PNG_METADATA.has(c.type));
  // iCCP and sRGB are mutually exclusive; prefer the source's colour chunks.
  return concat([target.subarray(0, 8), ...ihdr.map((c) => c.bytes), ...carried.map((c) => cleanPngChunk(c, size)), ...body.map((c) => c.bytes)]);
}

// ------------------------------------------------------------------ WebP

interface RiffChunk { readonly fourcc: string; readonly data: Uint8Array }

function webpChunks(b: Uint8Array): RiffChunk[] {
  if (sniffFormat(b) !== 'webp') throw new StudioError('CORRUPT_IMAGE', 'not a WebP stream');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const chunks: RiffChunk[] = [];
  let i = 12;
  while (i + 8 <= b.length) {
    const size = view.getUint32(i + 4, true);
    if (i + 8 + size > b.length) throw new StudioError('CORRUPT_IMAGE', 'WebP chunk runs past the end of the file');
    chunks.push({ fourcc: ascii(b, i, 4), data: b.subarray(i + 8, i + 8 + size) });
    i += 8 + size + (size & 1);
  }
  return chunks;
}

function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  const pad = data.length & 1;
  const out = new Uint8Array(8 + data.length + pad);
  for (let k = 0; k < 4; k++) out[k] = fourcc.charCodeAt(k);
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

function transplantWebp(source: Uint8Array, target: Uint8Array, width: number, height: number): Uint8Array {
  const src = webpChunks(source);
  const dst = webpChunks(target);
  const icc = src.find((c) => c.fourcc === 'ICCP');
  const exif = src.find((c) => c.fourcc === 'EXIF');
  const xmp = src.find((c) => c.fourcc === 'XMP ');
  if (!icc && !exif && !xmp) return target;
  const image = dst.filter((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L' || c.fourcc === 'ALPH');
  const oldVp8x = dst.find((c) => c.fourcc === 'VP8X');
  const hasAlpha = dst.some((c) => c.fourcc === 'ALPH') || (oldVp8x !== undefined && (oldVp8x.data[0]! & 0x10) !== 0) ||
    image.some((c) => c.fourcc === 'VP8L' && ((c.data[4]! >> 4) & 1) === 1);
  const vp8x = new Uint8Array(10);
  vp8x[0] = (icc ? 0x20 : 0) | (hasAlpha ? 0x10 : 0) | (exif ? 0x08 : 0) | (xmp ? 0x04 : 0);
  const w = width - 1;
  const h = height - 1;
  vp8x.set([w & 255, (w >> 8) & 255, (w >> 16) & 255, h & 255, (h >> 8) & 255, (h >> 16) & 255], 4);
  const exifData = exif ? cleanExif(exif.data, ascii(exif.data, 0, 6) === 'Exif\0\0' ? 6 : 0, { width, height }) : null;
  const parts = [
    riffChunk('VP8X', vp8x),
    ...(icc ? [riffChunk('ICCP', icc.data)] : []),
    ...image.map((c) => riffChunk(c.fourcc, c.data)),
    ...(exifData ? [riffChunk('EXIF', exifData)] : []),
    ...(xmp ? [riffChunk('XMP ', cleanXmp(xmp.data))] : []),
  ];
  const body = concat(parts);
  const header = new Uint8Array(12);
  header.set([0x52, 0x49, 0x46, 0x46], 0);
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  header.set([0x57, 0x45, 0x42, 0x50], 8);
  return concat([header, body]);
}

/** True when a WebP file holds a lossless (VP8L) bitstream. */
export function webpIsLossless(bytes: Uint8Array): boolean {
  try {
    return webpChunks(bytes).some((c) => c.fourcc === 'VP8L');
  } catch {
    return false;
  }
}

// ------------------------------------------------- format-independent path

/** Metadata blobs in their format-independent forms. */
export interface PhotoMetadata {
  /** TIFF-structured EXIF (starts with "II*\0" or "MM\0*"). */
  readonly exif: Uint8Array | null;
  readonly icc: Uint8Array | null;
  /** XMP packet (UTF-8 XML). */
  readonly xmp: Uint8Array | null;
  /** Photoshop image resource block (APP13 payload, "Photoshop 3.0\0…") or raw IPTC-IIM. */
  readonly iptc: Uint8Array | null;
  /** Resolution in pixels per inch, where the source states one (print size). */
  readonly density?: number;
}

const EXIF_PREFIX = 'Exif\0\0';
const XMP_NS = 'http://ns.adobe.com/xap/1.0/\0';

export function normaliseExif(exif: Uint8Array | null | undefined): Uint8Array | null {
  if (!exif || exif.length < 8) return null;
  const body = ascii(exif, 0, 6) === EXIF_PREFIX ? exif.subarray(6) : exif;
  const order = ascii(body, 0, 2);
  return order === 'II' || order === 'MM' ? cleanExif(body) : null;
}

function u16(v: number, little: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, little);
  return b;
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  if (payload.length + 2 > 0xffff) throw new Error('JPEG segment too large');
  return concat([new Uint8Array([0xff, marker]), u16(payload.length + 2, false), payload]);
}

const enc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

function injectJpeg(target: Uint8Array, m: PhotoMetadata): Uint8Array {
  const dst = jpegSegments(target);
  const kept = dst.segments.filter((seg) => !isMetadataSegment(seg));
  const add: Uint8Array[] = [];
  if (m.exif && m.exif.length + 6 + 2 <= 0xffff) add.push(jpegSegment(0xe1, concat([enc(EXIF_PREFIX), m.exif])));
  if (m.xmp && m.xmp.length + 29 + 2 <= 0xffff) add.push(jpegSegment(0xe1, concat([enc(XMP_NS), m.xmp])));
  if (m.icc) {
    const max = 0xffff - 2 - 14;
    const count = Math.ceil(m.icc.length / max);
    for (let k = 0; k < count; k++) {
      add.push(jpegSegment(0xe2, concat([enc('ICC_PROFILE\0'), new Uint8Array([k + 1, count]), m.icc.subarray(k * max, (k + 1) * max)])));
    }
  }
  if (m.iptc && ascii(m.iptc, 0, 14) === 'Photoshop 3.0\0' && m.iptc.length + 2 <= 0xffff) add.push(jpegSegment(0xed, m.iptc));
  let app0 = kept.filter((seg) => seg.marker === 0xe0).map((seg) => seg.bytes);
  const dpi = m.density ? Math.round(m.density) : 0;
  if (dpi > 0 && dpi <= 0xffff) {
    // JFIF 1.01, units: dots per inch, no thumbnail
    app0 = [jpegSegment(0xe0, concat([enc('JFIF\0'), new Uint8Array([1, 1, 1]), u16(dpi, false), u16(dpi, false), new Uint8Array([0, 0])]))];
  }
  const others = kept.filter((seg) => seg.marker !== 0xe0).map((seg) => seg.bytes);
  return concat([target.subarray(0, 2), ...app0, ...add, ...others, target.subarray(dst.rest)]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(enc(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function injectPng(target: Uint8Array, m: PhotoMetadata): Uint8Array {
  const dst = pngChunks(target);
  const add: Uint8Array[] = [];
  if (m.icc) add.push(pngChunk('iCCP', concat([enc('ICC profile\0\0'), new Uint8Array(deflateSync(m.icc))])));
  if (m.exif) add.push(pngChunk('eXIf', m.exif));
  if (m.xmp) add.push(pngChunk('iTXt', concat([enc('XML:com.adobe.xmp\0\0\0\0\0'), m.xmp])));
  const drop = new Set(m.icc ? ['iCCP', 'sRGB', 'gAMA', 'cHRM', 'eXIf'] : ['eXIf']);
  if (m.density && m.density > 0) {
    const ppm = Math.round(m.density / 0.0254);
    const phys = new Uint8Array(9);
    new DataView(phys.buffer).setUint32(0, ppm);
    new DataView(phys.buffer).setUint32(4, ppm);
    phys[8] = 1; // unit: metre
    add.push(pngChunk('pHYs', phys));
    drop.add('pHYs');
  }
  const ihdr = dst.filter((c) => c.type === 'IHDR').map((c) => c.bytes);
  const body = dst.filter((c) => c.type !== 'IHDR' && !drop.has(c.type)).map((c) => c.bytes);
  return concat([target.subarray(0, 8), ...ihdr, ...add, ...body]);
}

function injectWebp(target: Uint8Array, m: PhotoMetadata, width: number, height: number): Uint8Array {
  const src: RiffChunk[] = [];
  if (m.icc) src.push({ fourcc: 'ICCP', data: m.icc });
  if (m.exif) src.push({ fourcc: 'EXIF', data: m.exif });
  if (m.xmp) src.push({ fourcc: 'XMP ', data: m.xmp });
  const fake = concat([enc('RIFF'), new Uint8Array(4), enc('WEBP'), ...src.map((c) => riffChunk(c.fourcc, c.data))]);
  return transplantWebp(fake, target, width, height);
}

// ------------------------------------------------------- EXIF inside TIFF

/** A TIFF/EXIF directory entry with its value bytes in the byte order of the file it will be written to. */
interface IfdTag { readonly tag: number; readonly type: number; readonly count: number; readonly value: Uint8Array }

/** Bytes per value of each TIFF field type (BYTE … IFD). */
const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
/** Width of the numbers to byte-swap inside a value of each type (rationals are two LONGs). */
const SWAP_UNIT: Record<number, number> = { 3: 2, 4: 4, 5: 4, 8: 2, 9: 4, 10: 4, 11: 4, 12: 8, 13: 4 };

const EXIF_POINTER = 0x8769;
const GPS_POINTER = 0x8825;
const INTEROP_POINTER = 0xa005;
/** IFD0 tags of an EXIF block that describe the photo (not the image data's layout, which the new file has its own of). */
const DESCRIPTIVE_IFD0 = new Set([0x010e, 0x010f, 0x0110, 0x0131, 0x0132, 0x013b, 0x8298]);

/** Reads the directory at `offset` of a TIFF-structured block, values converted to `little`. Unknown types are dropped. */
function readIfdTags(b: Uint8Array, offset: number, little: boolean): IfdTag[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const src = b[0] === 0x49;
  if (offset + 2 > b.length) return [];
  const n = view.getUint16(offset, src);
  const tags: IfdTag[] = [];
  for (let i = 0; i < n; i++) {
    const e = offset + 2 + i * 12;
    if (e + 12 > b.length) break;
    const type = view.getUint16(e + 2, src);
    const count = view.getUint32(e + 4, src);
    const size = (TYPE_BYTES[type] ?? 0) * count;
    if (size === 0 || size > 1 << 20) continue;
    const at = size <= 4 ? e + 8 : view.getUint32(e + 8, src);
    if (at + size > b.length) continue;
    const value = b.slice(at, at + size);
    const unit = SWAP_UNIT[type];
    if (unit && src !== little) for (let k = 0; k + unit <= size; k += unit) value.subarray(k, k + unit).reverse();
    tags.push({ tag: view.getUint16(e, src), type, count, value });
  }
  return tags;
}

function pointerOf(tags: readonly IfdTag[], tag: number, little: boolean): number | null {
  const t = tags.find((x) => x.tag === tag && (x.type === 4 || x.type === 13) && x.count === 1);
  return t ? new DataView(t.value.buffer, t.value.byteOffset, 4).getUint32(0, little) : null;
}

/** One directory and its out-of-line values, laid out to start at file offset `at`; `next` is the following IFD (0: none). */
function layoutIfd(tags: readonly IfdTag[], at: number, little: boolean, next = 0): Uint8Array {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  const head = new Uint8Array(2 + sorted.length * 12 + 4);
  const hv = new DataView(head.buffer);
  hv.setUint16(0, sorted.length, little);
  const values: Uint8Array[] = [];
  let offset = at + head.length;
  sorted.forEach((t, k) => {
    const e = 2 + k * 12;
    hv.setUint16(e, t.tag, little);
    hv.setUint16(e + 2, t.type, little);
    hv.setUint32(e + 4, t.count, little);
    if (t.value.length <= 4) {
      head.set(t.value, e + 8);
    } else {
      hv.setUint32(e + 8, offset, little);
      const padded = t.value.length & 1 ? concat([t.value, new Uint8Array(1)]) : t.value;
      values.push(padded);
      offset += padded.length;
    }
  });
  hv.setUint32(2 + sorted.length * 12, next, little);
  return concat([head, ...values]);
}

function longTag(tag: number, v: number, little: boolean): IfdTag {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, v, little);
  return { tag, type: 4, count: 1, value };
}

/**
 * An EXIF block made ready for a TIFF file: its descriptive IFD0 tags (make,
 * model, date, artist, copyright…) for the file's own first directory, and
 * its Exif, GPS and Interoperability directories rebuilt in the file's byte
 * order at `at`, with the pointers to them. (A maker note's internal offsets,
 * if it has any, are not rewritten, as with most tools.)
 */
function exifForTiff(exif: Uint8Array, at: number, little: boolean): { ifd0: IfdTag[]; blob: Uint8Array } {
  const srcLittle = exif[0] === 0x49;
  if (exif.length < 8 || (exif[0] !== 0x49 && exif[0] !== 0x4d)) return { ifd0: [], blob: new Uint8Array(0) };
  const view = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  const ifd0 = readIfdTags(exif, view.getUint32(4, srcLittle), little);
  const sub = (tags: readonly IfdTag[], tag: number): IfdTag[] => {
    const p = pointerOf(tags, tag, little);
    return p === null ? [] : readIfdTags(exif, p, little);
  };
  const exifTags = sub(ifd0, EXIF_POINTER);
  const gps = sub(ifd0, GPS_POINTER);
  const interop = sub(exifTags, INTEROP_POINTER);
  const out: IfdTag[] = ifd0.filter((t) => DESCRIPTIVE_IFD0.has(t.tag));
  const parts: Uint8Array[] = [];
  let offset = at;
  const place = (tags: IfdTag[]): number => {
    const start = offset;
    const bytes = layoutIfd(tags, start, little);
    parts.push(bytes);
    offset += bytes.length;
    return start;
  };
  let exifBody = exifTags.filter((t) => t.tag !== INTEROP_POINTER);
  if (interop.length) exifBody = [...exifBody, longTag(INTEROP_POINTER, place(interop), little)];
  if (exifBody.length) out.push(longTag(EXIF_POINTER, place(exifBody), little));
  if (gps.length) out.push(longTag(GPS_POINTER, place(gps), little));
  return { ifd0: out, blob: concat(parts) };
}

/**
 * The EXIF of a TIFF file (its descriptive first-directory tags and its Exif
 * and GPS directories) as a stand-alone EXIF block, little-endian, or null
 * when it has none: libvips does not read EXIF from TIFF, so a TIFF source's
 * camera data would otherwise be lost on save.
 */
export function exifFromTiff(tiff: Uint8Array): Uint8Array | null {
  if (sniffFormat(tiff) !== 'tiff') return null;
  const { ifd0, blob } = exifForTiff(tiff, 8, true);
  if (ifd0.length === 0) return null;
  const dir = layoutIfd(ifd0, 8 + blob.length, true);
  const header = new Uint8Array([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  new DataView(header.buffer).setUint32(4, 8 + blob.length, true);
  return concat([header, blob, dir]);
}

/**
 * Adds ICC (34675), XMP (700), IPTC (33723) and EXIF (the descriptive IFD0
 * tags, and the Exif/GPS directories behind 34665/34853) to the first IFD of
 * a TIFF, by appending their data and a rewritten IFD at the end of the file.
 */
function injectTiff(target: Uint8Array, m: PhotoMetadata): Uint8Array {
  const little = target[0] === 0x49;
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const ifd = view.getUint32(4, little);
  const count = view.getUint16(ifd, little);
  const next = view.getUint32(ifd + 2 + count * 12, little);
  const adding = new Map<number, IfdTag>();
  if (m.icc) adding.set(34675, { tag: 34675, type: 7, count: m.icc.length, value: m.icc });
  if (m.xmp) adding.set(700, { tag: 700, type: 1, count: m.xmp.length, value: m.xmp });
  const iim = m.iptc ? (ascii(m.iptc, 0, 14) === 'Photoshop 3.0\0' ? iptcOfPhotoshop(m.iptc) : m.iptc) : null;
  if (iim) adding.set(33723, { tag: 33723, type: 7, count: iim.length, value: iim });
  let offset = target.length + (target.length & 1);
  const pad = target.length & 1 ? [new Uint8Array(1)] : [];
  const blobs: Uint8Array[] = [];
  if (m.exif) {
    const { ifd0, blob } = exifForTiff(m.exif, offset, little);
    // The new file's own layout and size tags win over the block's.
    for (const t of ifd0) if (!adding.has(t.tag)) adding.set(t.tag, t);
    if (blob.length) {
      blobs.push(blob);
      offset += blob.length;
    }
  }
  if (adding.size === 0) return target;
  const entries: IfdTag[] = [];
  for (let k = 0; k < count; k++) {
    const at = ifd + 2 + k * 12;
    const tag = view.getUint16(at, little);
    if (adding.has(tag)) continue;
    // The new file's own entries are kept as they are: values inline, or offsets into the unchanged file.
    entries.push({ tag, type: view.getUint16(at + 2, little), count: view.getUint32(at + 4, little), value: target.slice(at + 8, at + 12) });
  }
  // Own entries keep their 4-byte field verbatim (an offset into the file stays valid); added ones are laid out afresh.
  const laidOut = layoutIfd([...entries, ...adding.values()], offset, little, next);
  const header = target.slice(0, 8);
  new DataView(header.buffer).setUint32(4, offset, little);
  return concat([header, target.subarray(8), ...pad, ...blobs, laidOut]);
}

/** The IPTC-IIM data (resource 0x0404) of a Photoshop image resource block, or null. */
function iptcOfPhotoshop(block: Uint8Array): Uint8Array | null {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  let p = 14;
  while (p + 12 <= block.length && ascii(block, p, 4) === '8BIM') {
    const id = view.getUint16(p + 4);
    const nameLen = block[p + 6]!;
    let q = p + 6 + 1 + nameLen;
    if ((q - p) & 1) q++; // the Pascal name is padded to an even size
    if (q + 4 > block.length) return null;
    const size = view.getUint32(q);
    const data = q + 4;
    if (data + size > block.length) return null;
    if (id === 0x0404) return block.slice(data, data + size);
    p = data + size + (size & 1);
  }
  return null;
}

/**
 * Returns `target` (a file sharp encoded from raw pixels) carrying the
 * metadata of `source`. Same-container JPEG/PNG/WebP copies the original
 * segments byte for byte; otherwise the format-independent blobs are written
 * in the target's own way.
 */
export function transplantMetadata(
  source: Uint8Array,
  target: Uint8Array,
  size: { width: number; height: number },
  extracted: PhotoMetadata,
): Uint8Array {
  const sf = sniffFormat(source);
  const tf = sniffFormat(target);
  if (tf === null) throw new Error('encoder produced an unknown container');
  if (sf === tf) {
    if (tf === 'jpeg') return transplantJpeg(source, target, size);
    if (tf === 'png') return transplantPng(source, target, size);
    if (tf === 'webp') return transplantWebp(source, target, size.width, size.height);
  }
  const m: PhotoMetadata = {
    ...extracted, exif: extracted.exif ? cleanExif(extracted.exif, 0, size) : null, xmp: extracted.xmp ? cleanXmp(extracted.xmp) : null,
  };
  switch (tf) {
    case 'jpeg': return injectJpeg(target, m);
    case 'png': return injectPng(target, m);
    case 'webp': return injectWebp(target, m, size.width, size.height);
    case 'tiff': return injectTiff(target, m);
  }
}
