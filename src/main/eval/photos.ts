/**
 * Eval inputs: photos (from folders, single files or .txt lists), decoded to
 * 8-bit sRGB and downscaled so the long edge is at most `maxSize` (the eval
 * runs many methods many times; the report says the size used), and masks
 * from a folder, resized to each photo with nearest-neighbour sampling.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../../shared/errors';
import type { Rgb8 } from './fidelity';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

/** A list entry: relative to the working directory if it exists there, else to the list's folder or the nearest ancestor holding it. */
async function resolveListEntry(entry: string, listFile: string): Promise<string> {
  if (path.isAbsolute(entry)) return entry;
  if (await exists(path.resolve(entry))) return path.resolve(entry);
  let dir = path.dirname(path.resolve(listFile));
  for (;;) {
    const candidate = path.join(dir, entry);
    if (await exists(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new StudioError('NOT_FOUND', `${listFile} lists ${entry}, which exists neither here nor beside the list or its parent folders`);
    dir = parent;
  }
}

/** Expands folders (their image files, sorted), image files and .txt lists into photo paths, without duplicates. */
export async function collectPhotos(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const p = path.resolve(input);
    const stat = await fs.stat(p).catch(() => null);
    if (!stat) throw new StudioError('NOT_FOUND', `${input} does not exist`);
    if (stat.isDirectory()) {
      const names = (await fs.readdir(p)).filter(isImageFile).sort();
      out.push(...names.map((n) => path.join(p, n)));
    } else if (path.extname(p).toLowerCase() === '.txt') {
      const lines = (await fs.readFile(p, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      for (const line of lines) out.push(await resolveListEntry(line, p));
    } else if (isImageFile(p)) {
      out.push(p);
    } else {
      throw new StudioError('UNSUPPORTED_FORMAT', `${input} is not a folder, an image or a .txt list of images`);
    }
  }
  const unique = [...new Set(out)];
  if (unique.length === 0) throw new StudioError('NOT_FOUND', `no photos found in ${inputs.join(', ')}`);
  return unique;
}

/**
 * A readable name: the file's stem, or for wallpaper-style paths whose stem
 * is only a resolution (`EveningGlow/contents/images/2560x1600.jpg`) the
 * nearest folder that names the picture.
 */
export function photoDisplayName(file: string): string {
  const stem = path.parse(file).name;
  if (!/^\d+x\d+$/.test(stem)) return stem;
  const parts = path.resolve(file).split(path.sep).slice(0, -1).reverse();
  return parts.find((p) => p && !['images', 'contents'].includes(p.toLowerCase())) ?? stem;
}

export interface LoadedPhoto {
  readonly file: string;
  /** File name without extension, made unique by the caller. */
  readonly name: string;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly image: Rgb8;
}

/** Decodes with EXIF rotation, drops alpha, converts to 8-bit sRGB, fits the long edge into `maxSize`. */
export async function loadPhoto(file: string, maxSize: number): Promise<LoadedPhoto> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (err) {
    throw new StudioError('CORRUPT_IMAGE', `${file} could not be read: ${(err as Error).message.split('\n')[0]}`);
  }
  const { data, info } = await sharp(file, { failOn: 'truncated' })
    .rotate()
    .resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: decoded ${info.channels} channels, expected 3`);
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    file,
    name: photoDisplayName(file),
    originalWidth: (swap ? meta.height : meta.width) ?? info.width,
    originalHeight: (swap ? meta.width : meta.height) ?? info.height,
    image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
  };
}

/** Masks for a photo in `dir`: `<stem>.png` or `<stem>.<anything>.png`; white (> 127) = fill. */
export async function findMasks(dir: string, photoFile: string): Promise<string[]> {
  const stem = path.parse(photoFile).name;
  const names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.png') && (n === `${stem}.png` || n.startsWith(`${stem}.`))).sort();
  return names.map((n) => path.join(dir, n));
}

/** Reads a mask and resizes it (nearest neighbour) to width×height; 255 = fill. */
export async function loadMask(file: string, width: number, height: number): Promise<Uint8Array> {
  const { data, info } = await sharp(file).rotate().greyscale().resize(width, height, { fit: 'fill', kernel: 'nearest' }).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 1) throw new Error(`${file}: mask decoded as ${info.width}x${info.height}x${info.channels}`);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! > 127 ? 255 : 0;
  return out;
}

export async function writePng(file: string, img: Rgb8): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(file);
}

export async function writeMaskPng(file: string, mask: Uint8Array, width: number, height: number): Promise<void> {
  await sharp(mask, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 1 }).toFile(file);
}

export async function readRgbPng(file: string, width: number, height: number): Promise<Rgb8> {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 3) {
    throw new Error(`${file} is ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
  }
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
