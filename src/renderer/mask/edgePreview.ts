/**
 * The live preview of grow/shrink and feather, drawn on the overlay's grid
 * (proxy resolution) so it follows a slider: the mask is sampled onto the
 * grid, grown or shrunk and feathered there with the shared mask-ops (the
 * same geometry the fill uses at full resolution), and the feather weight
 * becomes the overlay's alpha.
 */
import { featherWeights, growSoftMask, maskBounds, shrinkSoftMask } from '../../shared/mask-ops';
import type { OverlayGrid } from './overlay';
import { TILE_SIZE, type MaskRaster } from './tiledMask';

/** The mask on the overlay grid, by the same centre rule the overlay uses (its values: > 127 = fill). */
export function sampleMaskToGrid(mask: MaskRaster, grid: OverlayGrid): Uint8Array {
  const out = new Uint8Array(grid.width * grid.height);
  const xs = new Int32Array(grid.width);
  for (let i = 0; i < grid.width; i++) xs[i] = Math.min(mask.width - 1, Math.floor((i + 0.5) / grid.sx));
  for (let j = 0; j < grid.height; j++) {
    const y = Math.min(mask.height - 1, Math.floor((j + 0.5) / grid.sy));
    const tileRow = Math.floor(y / TILE_SIZE) * mask.tilesX;
    const inTile = (y % TILE_SIZE) * TILE_SIZE;
    for (let i = 0; i < grid.width; i++) {
      const x = xs[i]!;
      const tile = mask.tiles[tileRow + Math.floor(x / TILE_SIZE)];
      const v = tile ? tile.data[inTile + (x % TILE_SIZE)]! : 0;
      if (v > 127) out[j * grid.width + i] = v;
    }
  }
  return out;
}

export interface EdgePreviewInput {
  /** Image pixels; > 0 grows, < 0 shrinks. */
  readonly grow: number;
  /** Image pixels of the feather ramp. */
  readonly feather: number;
}

/** RGBA for the preview: overlay colour with alpha = feather weight of the grown/shrunk mask. */
export function edgePreviewRgba(gridMask: Uint8Array, grid: OverlayGrid, input: EdgePreviewInput, rgb: readonly [number, number, number]): Uint8ClampedArray<ArrayBuffer> {
  const { width, height } = grid;
  const out = new Uint8ClampedArray(width * height * 4);
  const bounds = maskBounds(gridMask, width, height);
  if (!bounds) return out;
  const scale = (grid.sx + grid.sy) / 2;
  const g = Math.round(input.grow * scale);
  // Only the mask's box (plus what growing can reach and a one-pixel ring) needs the distance transforms.
  const pad = Math.max(0, g) + 1;
  const x0 = Math.max(0, bounds.x - pad), y0 = Math.max(0, bounds.y - pad);
  const cw = Math.min(width, bounds.x + bounds.width + pad) - x0, ch = Math.min(height, bounds.y + bounds.height + pad) - y0;
  const crop = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) crop.set(gridMask.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + cw), y * cw);
  const shaped = g > 0 ? growSoftMask(crop, cw, ch, g) : g < 0 ? shrinkSoftMask(crop, cw, ch, -g) : crop;
  const weights = featherWeights(shaped, cw, ch, input.feather * scale);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const w = weights[y * cw + x]!;
      if (w <= 0) continue;
      const p = ((y0 + y) * width + x0 + x) * 4;
      out[p] = rgb[0]; out[p + 1] = rgb[1]; out[p + 2] = rgb[2];
      out[p + 3] = Math.round(255 * w);
    }
  }
  return out;
}
