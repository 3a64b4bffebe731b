/**
 * The mask edits beyond the brush (STYLE.md §6): each is a named action with
 * a pure `perform(state, input)`, one undo step each. Grow and shrink use the
 * shared geometry in src/shared/mask-ops.ts on the mask's bounding box only,
 * so a dust-spot mask on a 24-MP photo costs a few tiles, not the frame.
 */
import { growSoftMask, shrinkSoftMask } from '../../shared/mask-ops';
import type { ImagePoint } from '../geometry/coords';
import { floodRegion } from '../tools/bucket/floodFill';
import { rasterizePolygon } from '../tools/lasso/polygonFill';
import type { MaskAction, StrokeMode } from './maskHistory';
import { createMask, isSolid, maskBounds as tiledMaskBounds, TILE_SIZE, tileRect, writeSpans, writeSpanValues, type MaskRaster, type MaskTile, type PixelBounds } from './tiledMask';

export interface PolygonEdit { readonly points: readonly ImagePoint[]; readonly mode: StrokeMode }

function polygonAction(name: string): MaskAction<PolygonEdit> {
  return {
    name,
    perform(state, input) {
      const next = writeSpans(state, input.mode === 'paint' ? 255 : 0, (write) => rasterizePolygon(input.points, state, write));
      return { state: next, undoable: next !== state };
    },
  };
}

export const lassoFill = polygonAction('Lasso');
export const rectangleFill = polygonAction('Rectangle');

/** A row-major copy of `rect` (the mask's values: > 127 = fill, else 0), read from the tiles it overlaps only. */
export function readRegion(mask: MaskRaster, rect: PixelBounds): Uint8Array {
  const out = new Uint8Array(rect.width * rect.height);
  const tx0 = Math.floor(rect.x / TILE_SIZE), tx1 = Math.floor((rect.x + rect.width - 1) / TILE_SIZE);
  const ty0 = Math.floor(rect.y / TILE_SIZE), ty1 = Math.floor((rect.y + rect.height - 1) / TILE_SIZE);
  for (let ty = ty0; ty <= ty1; ty++) {
    for (let tx = tx0; tx <= tx1; tx++) {
      const tile = mask.tiles[ty * mask.tilesX + tx];
      if (!tile) continue;
      const x0 = Math.max(rect.x, tx * TILE_SIZE), x1 = Math.min(rect.x + rect.width, (tx + 1) * TILE_SIZE);
      const y0 = Math.max(rect.y, ty * TILE_SIZE), y1 = Math.min(rect.y + rect.height, (ty + 1) * TILE_SIZE);
      for (let y = y0; y < y1; y++) {
        const from = (y - ty * TILE_SIZE) * TILE_SIZE + (x0 - tx * TILE_SIZE);
        out.set(tile.data.subarray(from, from + (x1 - x0)), (y - rect.y) * rect.width + (x0 - rect.x));
      }
    }
  }
  return out;
}

/**
 * Writes a row-major region back into the mask, values kept (> 127 = fill at
 * that level, anything else 0); tiles whose bytes do not change stay shared.
 */
export function writeRegion(mask: MaskRaster, rect: PixelBounds, data: Uint8Array): MaskRaster {
  return writeSpanValues(mask, 'set', (write) => {
    for (let y = 0; y < rect.height; y++) {
      const row = y * rect.width - rect.x;
      write(rect.y + y, rect.x, rect.x + rect.width - 1, (x) => data[row + x]!);
    }
  });
}

export interface BucketEdit { readonly point: ImagePoint; readonly mode: StrokeMode }

export const bucketFill: MaskAction<BucketEdit> = {
  name: 'Fill bucket',
  perform(state, { point, mode }) {
    const x = Math.floor(point.x), y = Math.floor(point.y);
    if (x < 0 || y < 0 || x >= state.width || y >= state.height) return { state, undoable: false };
    const whole = { x: 0, y: 0, width: state.width, height: state.height };
    const flat = readRegion(state, whole);
    const value = mode === 'paint' ? 255 : 0;
    if ((flat[y * state.width + x]! > 127) === (mode === 'paint')) return { state, undoable: false };
    const next = writeSpans(state, value, (write) => floodRegion(state.width, state.height, (i) => flat[i]! > 127, x, y, write));
    return { state: next, undoable: next !== state };
  },
};

export const invertMask: MaskAction<void> = {
  name: 'Invert mask',
  perform(state) {
    const full = new Uint8Array(TILE_SIZE * TILE_SIZE).fill(255);
    const fullTile: MaskTile = { data: full, filled: full.length };
    const tiles: (MaskTile | null)[] = [];
    let filled = 0;
    for (let t = 0; t < state.tiles.length; t++) {
      const x = (t % state.tilesX) * TILE_SIZE, y = Math.floor(t / state.tilesX) * TILE_SIZE;
      const w = Math.min(TILE_SIZE, state.width - x), h = Math.min(TILE_SIZE, state.height - y);
      const old = state.tiles[t];
      if (!old && w === TILE_SIZE && h === TILE_SIZE) {
        tiles.push(fullTile); // immutable, so every interior tile may share it
        filled += full.length;
        continue;
      }
      const data = new Uint8Array(TILE_SIZE * TILE_SIZE);
      let n = 0;
      for (let r = 0; r < h; r++) {
        for (let c = 0; c < w; c++) {
          const i = r * TILE_SIZE + c;
          if (!old || old.data[i]! <= 127) { data[i] = 255; n++; }
        }
      }
      tiles.push(n === 0 ? null : { data, filled: n });
      filled += n;
    }
    return { state: { ...state, tiles, filled }, undoable: true };
  },
};

/**
 * Positive radius grows, negative shrinks (Euclidean, via the shared
 * mask-ops). Tile by tile: a pixel's result depends only on pixels within the
 * radius, so each tile that can change is computed from a crop with a halo
 * of that radius, and tiles that cannot change (empty and far from the mask
 * when growing, full and far from its edge when shrinking) are skipped and
 * stay shared. Exactly the whole-frame result, at a fraction of the cost on
 * a 24-MP mask.
 */
export const growShrinkMask: MaskAction<number> = {
  name: 'Grow/shrink mask',
  perform(state, radius) {
    const r = Math.round(radius);
    if (r === 0 || state.filled === 0) return { state, undoable: false };
    const reach = Math.abs(r);
    const halo = reach + 1;
    // "Full" means every pixel at 255: a soft tile can still rise when grown and sink when shrunk.
    const full = state.tiles.map((tile, t) => {
      const rect = tileRect(state, t);
      if (!tile || tile.filled !== rect.width * rect.height) return false;
      for (let y = 0; y < rect.height; y++) if (!isSolid(tile.data.subarray(y * TILE_SIZE, y * TILE_SIZE + rect.width))) return false;
      return true;
    });
    const isFull = (t: number): boolean => full[t]!;
    // Tiles whose state can matter to tile t: those within `reach` pixels of it.
    const span = Math.ceil(reach / TILE_SIZE);
    const near = (t: number, test: (u: number) => boolean): boolean => {
      const tx = t % state.tilesX, ty = Math.floor(t / state.tilesX);
      for (let y = Math.max(0, ty - span); y <= Math.min(state.tilesY - 1, ty + span); y++) {
        for (let x = Math.max(0, tx - span); x <= Math.min(state.tilesX - 1, tx + span); x++) if (test(y * state.tilesX + x)) return true;
      }
      return false;
    };
    let next = state;
    for (let t = 0; t < state.tiles.length; t++) {
      const empty = !state.tiles[t];
      // Growing changes only unfilled tiles near filled pixels; shrinking only filled tiles near unfilled ones.
      if (r > 0 ? isFull(t) || !near(t, (u) => !!state.tiles[u]) : empty || !near(t, (u) => !isFull(u))) continue;
      const tr = tileRect(state, t);
      const x0 = Math.max(0, tr.x - halo), y0 = Math.max(0, tr.y - halo);
      const crop = {
        x: x0, y: y0,
        width: Math.min(state.width, tr.x + tr.width + halo) - x0,
        height: Math.min(state.height, tr.y + tr.height + halo) - y0,
      };
      const data = readRegion(state, crop);
      const out = r > 0 ? growSoftMask(data, crop.width, crop.height, reach) : shrinkSoftMask(data, crop.width, crop.height, reach);
      const inner = new Uint8Array(tr.width * tr.height);
      for (let y = 0; y < tr.height; y++) {
        const from = (tr.y - crop.y + y) * crop.width + (tr.x - crop.x);
        inner.set(out.subarray(from, from + tr.width), y * tr.width);
      }
      next = writeRegion(next, tr, inner);
    }
    return { state: next, undoable: next !== state };
  },
};

/** Replaces the whole mask (a loaded PNG or a restored draft). */
export const replaceMask: MaskAction<MaskRaster> = {
  name: 'Load mask',
  perform(state, mask) {
    if (mask.width !== state.width || mask.height !== state.height) {
      throw new Error(`mask is ${mask.width}×${mask.height}, the photo ${state.width}×${state.height}`);
    }
    return { state: mask, undoable: mask !== state };
  },
};

/**
 * Builds a mask from decoded pixels: `value(i)` of pixel i (row-major),
 * > 127 = fill, as the contract defines; fill levels below 255 (a soft
 * edge) are kept. With `box`, the pixels are those of that box (inside the
 * width × height mask; a mask sent as its bounding box) and everything
 * outside it is empty.
 */
export function maskFromPixels(width: number, height: number, value: (i: number) => number, box: PixelBounds = { x: 0, y: 0, width, height }): MaskRaster {
  const mask = createMask(width, height);
  if (box.x < 0 || box.y < 0 || box.x + box.width > width || box.y + box.height > height) {
    throw new Error(`box ${box.width}×${box.height} at ${box.x},${box.y} is not inside the ${width}×${height} mask`);
  }
  return writeSpanValues(mask, 'max', (write) => {
    for (let y = 0; y < box.height; y++) {
      const row = y * box.width;
      let start = -1;
      for (let x = 0; x <= box.width; x++) {
        const on = x < box.width && value(row + x) > 127;
        if (on && start < 0) start = x;
        else if (!on && start >= 0) {
          write(box.y + y, box.x + start, box.x + x - 1, (xx) => value(row + xx - box.x));
          start = -1;
        }
      }
    }
  });
}

export interface SelectionEdit {
  /** The selection at full size (e.g. from segment.select). */
  readonly selection: MaskRaster;
  readonly label: string;
  /** Remove the selection from the mask instead of adding it. */
  readonly subtract: boolean;
}

/** Adds (or removes) a semantic selection: one undo step, only the selection's tiles touched. */
export const combineSelection: MaskAction<SelectionEdit> = {
  name: 'Select',
  perform(state, input) {
    const sel = input.selection;
    if (sel.width !== state.width || sel.height !== state.height) {
      throw new Error(`selection is ${sel.width}×${sel.height}, the photo ${state.width}×${state.height}`);
    }
    const bounds = tiledMaskBounds(sel);
    if (!bounds) return { state, undoable: false };
    const a = readRegion(state, bounds);
    const b = readRegion(sel, bounds);
    for (let i = 0; i < a.length; i++) {
      if (b[i]! > 127) a[i] = input.subtract ? 0 : 255;
    }
    const next = writeRegion(state, bounds, a);
    return { state: next, undoable: next !== state };
  },
};
