/**
 * What `inpaint-studio segment <image> --select person | --point x,y |
 * --box x,y,w,h -o mask.png` does, as one function over bytes: decode (EXIF
 * orientation applied, like every other path), select, compose the layers,
 * grow, encode a greyscale PNG at the image's size (white = fill).
 */
import sharp from 'sharp';
import { StudioError } from '../../shared/errors';
import { maskCoverage } from '../../shared/mask-ops';
import { decodeImage } from '../imaging/io';
import type { Box, RgbImage } from './image';
import { toRgb8 } from './image';
import { composeLayers, SegmentationEngine, type SelectionLayer } from './engine';

export type SegmentRequest =
  | { readonly select: string }
  | { readonly point: { readonly x: number; readonly y: number } }
  | { readonly box: Box };

export interface SegmentOptions {
  /** Grow margin in px; default 0.3 % of the long side (engine.defaultGrowPx). */
  readonly growPx?: number;
  readonly minScore?: number;
  /** Reuse an open engine (the service keeps one); otherwise one is opened and closed. */
  readonly engine?: SegmentationEngine;
}

export interface SegmentResult {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly coverage: number;
  readonly layers: readonly { label: string; score: number | null; box: Box; method: SelectionLayer['method'] }[];
}

function parseNumbers(text: string, count: number, flag: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== count || nums.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new StudioError('BAD_REQUEST', `${flag} wants ${count} non-negative numbers separated by commas (got "${text}")`);
  }
  return nums;
}

/** The request from the CLI's flags; exactly one of select, point, box. */
export function parseSegmentFlags(flags: { select?: string; point?: string; box?: string }): SegmentRequest {
  const given = (['select', 'point', 'box'] as const).filter((k) => flags[k] !== undefined);
  if (given.length !== 1) throw new StudioError('BAD_REQUEST', `give exactly one of --select CLASS, --point x,y or --box x,y,w,h${given.length ? ` (got --${given.join(', --')})` : ''}`);
  if (flags.select !== undefined) {
    if (!flags.select.trim()) throw new StudioError('BAD_REQUEST', '--select wants a class name such as person, car or dog');
    return { select: flags.select.trim().toLowerCase() };
  }
  if (flags.point !== undefined) {
    const [x, y] = parseNumbers(flags.point, 2, '--point');
    return { point: { x: x!, y: y! } };
  }
  const [x, y, width, height] = parseNumbers(flags.box!, 4, '--box');
  if (width! < 1 || height! < 1) throw new StudioError('BAD_REQUEST', '--box width and height must be at least 1');
  return { box: { x: x!, y: y!, width: width!, height: height! } };
}

export async function segmentToMaskPng(imageBytes: Uint8Array, request: SegmentRequest, options: SegmentOptions = {}): Promise<SegmentResult> {
  const { image: raw } = await decodeImage(imageBytes);
  return segmentImage(toRgb8(raw), request, options);
}

/** The same over decoded pixels (the service passes a version's pixels). */
export async function segmentImage(image: RgbImage, request: SegmentRequest, options: SegmentOptions = {}): Promise<SegmentResult> {
  const engine = options.engine ?? SegmentationEngine.create();
  try {
    const opts = { ...(options.growPx !== undefined ? { growPx: options.growPx } : {}), ...(options.minScore !== undefined ? { minScore: options.minScore } : {}) };
    let layers: SelectionLayer[];
    if ('select' in request) layers = (await engine.selectByClass(image, request.select, opts)).layers;
    else if ('point' in request) layers = [await engine.selectAtPoint(image, request.point.x, request.point.y, opts)];
    else layers = [await engine.selectInBox(image, request.box, opts)];
    const mask = composeLayers(layers, image.width, image.height);
    const png = await sharp(Buffer.from(mask.buffer, mask.byteOffset, mask.length), { raw: { width: image.width, height: image.height, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 9 })
      .toBuffer();
    return {
      png: new Uint8Array(png.buffer, png.byteOffset, png.length),
      width: image.width,
      height: image.height,
      coverage: maskCoverage(mask),
      layers: layers.map((l) => ({ label: l.label, score: l.score, box: l.box, method: l.method })),
    };
  } finally {
    if (!options.engine) await engine.close();
  }
}
