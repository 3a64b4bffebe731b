/**
 * The committed evaluation photos and their hand-made reference masks
 * (tests/fixtures/segmentation/PROVENANCE.md), shared by the tests and the
 * benchmark.
 */
import path from 'node:path';
import sharp from 'sharp';
import { packageRoot } from '../workers/paths';
import type { Box, RgbImage } from './image';

export interface EvalCase {
  readonly name: string;
  readonly image: string;
  readonly mask: string;
  /** How the case is selected: select-all of a class, a click, or a box. */
  readonly request: { readonly select: string } | { readonly point: readonly [number, number] } | { readonly box: Box };
  readonly kind: 'person' | 'object';
  /** Reported beside the main cases, not part of the targets (a different labelling convention). */
  readonly supplementary?: boolean;
}

const dir = () => path.join(packageRoot(), 'tests', 'fixtures', 'segmentation');

export const EVAL_CASES: readonly EvalCase[] = [
  { name: 'astronaut', image: 'astronaut.jpg', mask: 'astronaut.mask.png', request: { select: 'person' }, kind: 'person' },
  { name: 'astronaut incl. held helmet', image: 'astronaut.jpg', mask: 'astronaut.with-helmet.mask.png', request: { select: 'person' }, kind: 'person', supplementary: true },
  { name: 'grace_hopper', image: 'grace_hopper.jpg', mask: 'grace_hopper.mask.png', request: { select: 'person' }, kind: 'person' },
  { name: 'coffee (box)', image: 'coffee.jpg', mask: 'coffee.mask.png', request: { box: { x: 70, y: 10, width: 420, height: 378 } }, kind: 'object' },
  { name: 'boat (click)', image: '../../../assets/sample.jpg', mask: 'sample-boat.mask.png', request: { point: [200, 800] }, kind: 'object' },
];

export function fixturePath(name: string): string {
  return path.join(dir(), name);
}

export async function loadRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export async function loadMask(file: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]! > 127 ? 255 : 0;
  return { width: info.width, height: info.height, data: out };
}
