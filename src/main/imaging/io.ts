/**
 * Image decode/encode with sharp. Pixels are decoded WITHOUT colour
 * management (ignoreIcc) and with EXIF orientation applied, so that what we
 * write back outside the mask is exactly what the file held; the ICC profile
 * and other metadata travel at the container level (metadata.ts).
 */
import sharp from 'sharp';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { ImageFormat } from '../../shared/api';
import { exifFromTiff, normaliseExif, sniffFormat, transplantMetadata, webpIsLossless, type PhotoMetadata } from './metadata';

sharp.cache(false);

/** Interleaved pixels, oriented as displayed. 16-bit data holds full 0..65535 values. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly depth: 8 | 16;
  readonly data: Uint8Array | Uint16Array;
}

export interface ImageProbe {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly depth: 8 | 16;
  readonly orientation: number;
  readonly hasIcc: boolean;
  readonly hasExif: boolean;
  readonly lossless: boolean;
  /** One colour channel (grey, or grey and alpha): decoded to RGB for the fill, written back as grey. */
  readonly grey: boolean;
}

/** 200 MP: beyond any current camera, small enough to fail cleanly before memory does. */
export const MAX_PIXELS = 200_000_000;

const RAW_EXTENSIONS = new Set(['.cr2', '.cr3', '.nef', '.nrw', '.arw', '.srf', '.sr2', '.dng', '.raf', '.orf', '.rw2', '.pef', '.srw', '.x3f', '.3fr', '.iiq', '.erf', '.mef', '.mos', '.kdc', '.dcr', '.rwl']);
const HEIC_EXTENSIONS = new Set(['.heic', '.heif', '.avif', '.hif']);

function decodeError(err: unknown, what: string): StudioError {
  const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (/pixel limit|exceeds/i.test(reason)) {
    return new StudioError('IMAGE_TOO_LARGE', `${what} is larger than ${MAX_PIXELS / 1e6} megapixels`);
  }
  if (/unsupported image format/i.test(reason)) {
    return new StudioError('UNSUPPORTED_FORMAT', `${what} is not an image format Inpaint Studio reads (JPEG, PNG, WebP, TIFF)`);
  }
  return new StudioError('CORRUPT_IMAGE', `${what} could not be decoded: ${reason}`);
}

/** Rejects formats we do not handle with a reason a photographer understands. */
export function checkFileName(fileName: string): void {
  const ext = path.extname(fileName).toLowerCase();
  if (RAW_EXTENSIONS.has(ext)) {
    throw new StudioError('UNSUPPORTED_FORMAT', `${fileName}: camera RAW files are not supported; export a 16-bit TIFF or a JPEG from your raw converter and open that`);
  }
  if (HEIC_EXTENSIONS.has(ext)) {
    throw new StudioError('UNSUPPORTED_FORMAT', `${fileName}: HEIC/HEIF/AVIF files are not supported; export a JPEG, PNG or TIFF`);
  }
}

export async function probeImage(bytes: Uint8Array, what = 'the image'): Promise<ImageProbe> {
  if (bytes.length === 0) throw new StudioError('CORRUPT_IMAGE', `${what} is empty (0 bytes)`);
  const container = sniffFormat(bytes);
  if (container === null) {
    throw new StudioError('UNSUPPORTED_FORMAT', `${what} is not a JPEG, PNG, WebP or TIFF file`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch (err) {
    throw decodeError(err, what);
  }
  if (!meta.width || !meta.height) throw new StudioError('CORRUPT_IMAGE', `${what} has no dimensions`);
  if (meta.width * meta.height > MAX_PIXELS) {
    throw new StudioError('IMAGE_TOO_LARGE', `${what} is ${Math.round((meta.width * meta.height) / 1e6)} megapixels; the limit is ${MAX_PIXELS / 1e6}`);
  }
  if (meta.space === 'cmyk') throw new StudioError('UNSUPPORTED_FORMAT', `${what} is CMYK; convert it to RGB first`);
  if ((meta.pages ?? 1) > 1 && container !== 'tiff') {
    throw new StudioError('UNSUPPORTED_FORMAT', `${what} is animated or multi-page`);
  }
  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  if (meta.depth !== undefined && !['uchar', 'char', 'ushort', 'short'].includes(meta.depth)) {
    throw new StudioError('UNSUPPORTED_FORMAT', `${what} holds ${meta.depth === 'float' || meta.depth === 'double' ? 'floating-point' : '32-bit'} samples; `
      + 'Inpaint Studio edits 8- and 16-bit images: export a 16-bit TIFF or PNG');
  }
  const depth: 8 | 16 = meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8;
  const lossless = container === 'png' || container === 'tiff' || (container === 'webp' && webpIsLossless(bytes));
  return {
    format: container,
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    channels: meta.hasAlpha ? 4 : 3,
    depth,
    orientation,
    hasIcc: meta.icc !== undefined,
    hasExif: meta.exif !== undefined,
    lossless,
    grey: (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1,
  };
}

/** Decodes to oriented, unmanaged pixels at the file's own bit depth. */
export async function decodeImage(bytes: Uint8Array, what = 'the image'): Promise<{ probe: ImageProbe; image: RawImage }> {
  const probe = await probeImage(bytes, what);
  try {
    let pipeline = sharp(bytes, { limitInputPixels: MAX_PIXELS, ignoreIcc: true, failOn: 'truncated' }).rotate();
    if (probe.depth === 16) {
      pipeline = pipeline.toColourspace('rgb16');
    } else {
      pipeline = pipeline.toColourspace('srgb');
    }
    pipeline = probe.channels === 4 ? pipeline.ensureAlpha() : pipeline.removeAlpha();
    const { data, info } = await pipeline.raw(probe.depth === 16 ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
    if (info.width !== probe.width || info.height !== probe.height || info.channels !== probe.channels) {
      throw new Error(`decoded ${info.width}x${info.height}x${info.channels}, expected ${probe.width}x${probe.height}x${probe.channels}`);
    }
    const pixels = probe.depth === 16
      ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { probe, image: { width: info.width, height: info.height, channels: probe.channels, depth: probe.depth, data: pixels } };
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw decodeError(err, what);
  }
}

/** The source's metadata in format-independent form (EXIF orientation reset to 1). */
export async function readMetadata(bytes: Uint8Array): Promise<PhotoMetadata> {
  const m = await sharp(bytes).metadata();
  const view = (b: Buffer | undefined) => (b ? new Uint8Array(b.buffer, b.byteOffset, b.length) : null);
  const exif = view(m.exif) ?? (m.format === 'tiff' ? exifFromTiff(bytes) : null);
  return { exif: normaliseExif(exif), icc: view(m.icc), xmp: view(m.xmp), iptc: view(m.iptc), ...(m.density ? { density: m.density } : {}) };
}

function rawInput(image: RawImage): sharp.Sharp {
  // A Uint16Array input tells sharp the samples are 16-bit.
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

export interface EncodeOptions {
  readonly format: ImageFormat;
  /** JPEG/WebP quality, 1..100. */
  readonly quality?: number;
  /** WebP: lossless (default: like the source). */
  readonly lossless?: boolean;
  /** Write one colour channel (the source was grey); ignored for WebP. */
  readonly grey?: boolean;
  /** TIFF: resolution in pixels per inch (JPEG and PNG get theirs with the metadata). */
  readonly density?: number;
}

/**
 * Grey (and alpha) samples of an RGB(A) image: Rec. 709 luma in integers whose
 * weights sum to exactly 1, so a pixel with R = G = B (every pixel a grey photo
 * decoded to) keeps its value exactly; only filled pixels are converted.
 */
export function toGrey(image: RawImage): { channels: 1 | 2; data: Uint8Array | Uint16Array } {
  const alpha = image.channels === 4;
  const n = image.width * image.height;
  const src = image.data;
  const out = image.depth === 16 ? new Uint16Array(n * (alpha ? 2 : 1)) : new Uint8Array(n * (alpha ? 2 : 1));
  for (let i = 0, o = 0; i < n; i++) {
    const p = i * image.channels;
    out[o++] = Math.floor((2126 * src[p]! + 7152 * src[p + 1]! + 722 * src[p + 2]! + 5000) / 10000);
    if (alpha) out[o++] = src[p + 3]!;
  }
  return { channels: alpha ? 2 : 1, data: out };
}

/** Encodes raw pixels without metadata. 16-bit data stays 16-bit for PNG and TIFF. */
export async function encodeRaw(image: RawImage, options: EncodeOptions): Promise<Uint8Array> {
  const sixteen = image.depth === 16 && (options.format === 'png' || options.format === 'tiff');
  // WebP has no grey form: a grey photo written as WebP stays RGB (with equal channels outside the mask).
  const grey = options.grey === true && options.format !== 'webp';
  let p: sharp.Sharp;
  if (grey) {
    const g = toGrey(image);
    p = sharp(g.data, { raw: { width: image.width, height: image.height, channels: g.channels } }).toColourspace(sixteen ? 'grey16' : 'b-w');
  } else {
    p = rawInput(image);
    if (sixteen) p = p.toColourspace('rgb16');
    else if (image.depth === 16) p = p.toColourspace('srgb');
  }
  const quality = options.quality ?? 95;
  switch (options.format) {
    // JPEG has no alpha: transparent areas become white, as in other editors' "save as JPEG" (not black).
    case 'jpeg': p = (image.channels === 4 ? p.flatten({ background: { r: 255, g: 255, b: 255 } }) : p).jpeg({ quality, chromaSubsampling: '4:4:4' }); break;
    case 'png': p = p.png({ compressionLevel: 6 }); break;
    case 'webp': p = p.webp(options.lossless ? { lossless: true } : { quality }); break;
    case 'tiff': {
      const perMm = options.density ? options.density / 25.4 : undefined;
      p = p.tiff({ compression: 'lzw', predictor: 'horizontal', ...(perMm ? { xres: perMm, yres: perMm, resolutionUnit: 'inch' as const } : {}) });
      break;
    }
  }
  const out = await p.toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export interface EncodedOutput {
  readonly bytes: Uint8Array;
  readonly format: ImageFormat;
  /** Which kinds of the source's metadata the output carries. */
  readonly metadataKept: readonly string[];
}

/**
 * Encodes `image` in the source's format (or the one asked for) and carries
 * the source's EXIF (Orientation reset to 1), ICC, XMP and IPTC.
 */
export async function encodeLikeSource(
  source: Uint8Array,
  probe: ImageProbe,
  image: RawImage,
  options: Partial<EncodeOptions> = {},
): Promise<EncodedOutput> {
  const format = options.format ?? probe.format;
  const lossless = options.lossless ?? (format === 'webp' ? probe.lossless : undefined);
  const metadata = await readMetadata(source);
  const encoded = await encodeRaw(image, {
    format, quality: options.quality ?? 95, grey: probe.grey, ...(lossless === undefined ? {} : { lossless }),
    ...(metadata.density ? { density: metadata.density } : {}),
  });
  const bytes = transplantMetadata(source, encoded, image, metadata);
  const meta = await sharp(bytes).metadata();
  // libvips does not read EXIF back from TIFF: there, what was written is what was carried.
  const kept = [meta.exif || (format === 'tiff' && metadata.exif) ? 'exif' : null, meta.icc ? 'icc' : null, meta.xmp ? 'xmp' : null, meta.iptc ? 'iptc' : null]
    .filter((k): k is string => k !== null);
  return { bytes, format, metadataKept: kept };
}

/** Browser-displayable formats for proxies; TIFF falls back to PNG. */
function proxyFormat(format: ImageFormat): ImageFormat {
  return format === 'tiff' ? 'png' : format;
}

/**
 * A display proxy no larger than `maxEdge` on its long side, in a format a
 * browser shows, carrying the source's ICC profile so it displays in the
 * right colours.
 */
export async function makeProxy(source: Uint8Array, probe: ImageProbe, image: RawImage, maxEdge: number): Promise<{ bytes: Uint8Array; mime: string }> {
  const format = proxyFormat(probe.format);
  let p = rawInput(image);
  if (image.depth === 16) p = p.toColourspace('srgb');
  if (Math.max(image.width, image.height) > maxEdge) {
    p = p.resize({ width: maxEdge, height: maxEdge, fit: 'inside', kernel: 'lanczos3' });
  }
  switch (format) {
    case 'jpeg': p = p.jpeg({ quality: 88 }); break;
    case 'png': p = p.png({ compressionLevel: 3 }); break;
    case 'webp': p = p.webp({ quality: 88 }); break;
    case 'tiff': throw new Error('unreachable');
  }
  const { data, info } = await p.toBuffer({ resolveWithObject: true });
  const encoded = new Uint8Array(data.buffer, data.byteOffset, data.length);
  // Display proxies need only the colour profile (and no orientation: pixels are already upright).
  const meta = await readMetadata(source);
  const bytes = transplantMetadata(new Uint8Array(0), encoded, info, { exif: null, icc: meta.icc, xmp: null, iptc: null });
  return { bytes, mime: `image/${format}` };
}

export function mimeOf(format: ImageFormat): string {
  return `image/${format}`;
}

const FORMAT_OF_EXTENSION: Readonly<Record<string, ImageFormat>> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', tif: 'tiff', tiff: 'tiff', webp: 'webp' };

/** The format a file name's extension stands for (any case, with or without the dot); null for others. */
export function formatOfExtension(ext: string): ImageFormat | null {
  return FORMAT_OF_EXTENSION[ext.replace(/^\./, '').toLowerCase()] ?? null;
}

export function extensionOf(format: ImageFormat): string {
  return format === 'jpeg' ? 'jpg' : format === 'tiff' ? 'tif' : format;
}

/** 8-bit view for fill methods that match patches on 8-bit data. */
export function toEightBit(image: RawImage): Uint8Array {
  if (image.depth === 8) return image.data as Uint8Array;
  const src = image.data as Uint16Array;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i]! + 128) / 257;
  return out;
}
