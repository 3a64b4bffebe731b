/**
 * The mask at full image resolution, one byte per pixel (> 127 = fill; 255 a
 * full blend, 128..254 a soft brush's partial blend, see shared mask-ops'
 * maskWeight; everything else is 0), stored
 * as immutable square tiles. An edit copies only the tiles it touches and
 * shares the rest, so every edit returns a new raster (pure) and an undo
 * history of rasters costs only the tiles each step changed. Empty tiles are
 * absent (null).
 */

export const TILE_SIZE = 256;
const TILE_PIXELS = TILE_SIZE * TILE_SIZE;

export interface MaskTile {
  readonly data: Uint8Array;
  /** Pixels in the mask (> 127) in this tile. */
  readonly filled: number;
}

export interface MaskRaster {
  readonly width: number;
  readonly height: number;
  readonly tilesX: number;
  readonly tilesY: number;
  readonly tiles: readonly (MaskTile | null)[];
  readonly filled: number;
}

export interface PixelBounds { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

export function createMask(width: number, height: number): MaskRaster {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`mask size must be positive integers, got ${width}×${height}`);
  }
  const tilesX = Math.ceil(width / TILE_SIZE);
  const tilesY = Math.ceil(height / TILE_SIZE);
  return { width, height, tilesX, tilesY, tiles: new Array<MaskTile | null>(tilesX * tilesY).fill(null), filled: 0 };
}

export function isMaskEmpty(mask: MaskRaster): boolean {
  return mask.filled === 0;
}

export function maskValue(mask: MaskRaster, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) return 0;
  const tile = mask.tiles[Math.floor(y / TILE_SIZE) * mask.tilesX + Math.floor(x / TILE_SIZE)];
  return tile ? tile.data[(y % TILE_SIZE) * TILE_SIZE + (x % TILE_SIZE)]! : 0;
}

/** Receives spans (row y, pixels x0..x1 inclusive) inside the mask. */
export type SpanWriter = (y: number, x0: number, x1: number) => void;

/**
 * Returns a new raster with `value` written over every span `draw` emits.
 * Spans must lie inside the raster. Untouched tiles are shared with `mask`;
 * if nothing changes, `mask` itself is returned.
 */
export function writeSpans(mask: MaskRaster, value: 0 | 255, draw: (write: SpanWriter) => void): MaskRaster {
  const copies = new Map<number, Uint8Array>();
  const unchanged = new Set<number>();
  const tileFor = (index: number): Uint8Array | null => {
    let data = copies.get(index);
    if (data) return data;
    if (unchanged.has(index)) return null;
    const old = mask.tiles[index];
    if (!old && value === 0) return null; // erasing nothing
    if (old && (value === 0 ? old.filled === 0 : old.filled === TILE_PIXELS && isSolid(old.data))) {
      unchanged.add(index);
      return null;
    }
    data = old ? old.data.slice() : new Uint8Array(TILE_PIXELS);
    copies.set(index, data);
    return data;
  };
  draw((y, x0, x1) => {
    const ty = Math.floor(y / TILE_SIZE);
    const row = (y % TILE_SIZE) * TILE_SIZE;
    for (let tx = Math.floor(x0 / TILE_SIZE); tx * TILE_SIZE <= x1; tx++) {
      const data = tileFor(ty * mask.tilesX + tx);
      if (!data) continue;
      const start = Math.max(x0, tx * TILE_SIZE) - tx * TILE_SIZE;
      const end = Math.min(x1, tx * TILE_SIZE + TILE_SIZE - 1) - tx * TILE_SIZE;
      data.fill(value, row + start, row + end + 1);
    }
  });
  return commitTiles(mask, copies);
}

/** Builds the raster with `copies` (tile index → new bytes) in place; unchanged copies are dropped. */
function commitTiles(mask: MaskRaster, copies: ReadonlyMap<number, Uint8Array>): MaskRaster {
  if (copies.size === 0) return mask;
  const tiles = mask.tiles.slice();
  let filled = mask.filled;
  let changed = false;
  for (const [index, data] of copies) {
    const old = mask.tiles[index];
    let n = 0;
    for (let i = 0; i < data.length; i++) if (data[i]! > 127) n++;
    if (n === (old?.filled ?? 0) && (n === 0 || (old && sameBytes(old.data, data)))) continue;
    changed = true;
    filled += n - (old?.filled ?? 0);
    tiles[index] = n === 0 ? null : { data, filled: n };
  }
  return changed ? { ...mask, tiles, filled } : mask;
}

/** Every byte 255: painting at full strength cannot change it. */
export function isSolid(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 255) return false;
  return true;
}

/** How a span's new values meet the old: replace, keep the higher (paint), keep the lower (erase). */
export type SpanCombine = 'set' | 'max' | 'min';

/** Receives spans whose pixels get values: one for the whole span, or `valueAt(x)` for x in x0..x1. */
export type ValueSpanWriter = (y: number, x0: number, x1: number, valueAt: number | ((x: number) => number)) => void;

/**
 * Like writeSpans, with a value per pixel combined with the old one (soft
 * brushes, regions copied back). Values ≤ 127 are stored as 0, so the mask
 * only ever holds 0 or a fill level.
 */
export function writeSpanValues(mask: MaskRaster, combine: SpanCombine, draw: (write: ValueSpanWriter) => void): MaskRaster {
  const copies = new Map<number, Uint8Array>();
  draw((y, x0, x1, valueAt) => {
    const ty = Math.floor(y / TILE_SIZE);
    const row = (y % TILE_SIZE) * TILE_SIZE;
    for (let tx = Math.floor(x0 / TILE_SIZE); tx * TILE_SIZE <= x1; tx++) {
      const index = ty * mask.tilesX + tx;
      let data = copies.get(index);
      if (!data) {
        const old = mask.tiles[index];
        if (!old && combine === 'min') continue; // nothing to lower
        data = old ? old.data.slice() : new Uint8Array(TILE_PIXELS);
        copies.set(index, data);
      }
      const start = Math.max(x0, tx * TILE_SIZE), end = Math.min(x1, tx * TILE_SIZE + TILE_SIZE - 1);
      if (typeof valueAt === 'number') {
        const v = valueAt > 127 ? Math.min(255, Math.round(valueAt)) : 0;
        const i0 = row + start - tx * TILE_SIZE, i1 = row + end - tx * TILE_SIZE;
        if (combine === 'set') data.fill(v, i0, i1 + 1);
        else if (combine === 'max') { for (let i = i0; i <= i1; i++) if (data[i]! < v) data[i] = v; }
        else for (let i = i0; i <= i1; i++) if (data[i]! > v) data[i] = v;
        continue;
      }
      for (let x = start; x <= end; x++) {
        const i = row + x - tx * TILE_SIZE;
        const raw = valueAt(x);
        const v = raw > 127 ? Math.min(255, Math.round(raw)) : 0;
        data[i] = combine === 'set' ? v : combine === 'max' ? Math.max(data[i]!, v) : Math.min(data[i]!, v);
      }
    }
  });
  return commitTiles(mask, copies);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Indices of tiles that differ (by identity) between two rasters of the same size. */
export function changedTiles(a: MaskRaster, b: MaskRaster): number[] {
  if (a.width !== b.width || a.height !== b.height) return b.tiles.map((_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < b.tiles.length; i++) if (a.tiles[i] !== b.tiles[i]) out.push(i);
  return out;
}

/** Tile index -> its pixel rectangle, clipped to the image. */
export function tileRect(mask: MaskRaster, index: number): PixelBounds {
  const x = (index % mask.tilesX) * TILE_SIZE;
  const y = Math.floor(index / mask.tilesX) * TILE_SIZE;
  return { x, y, width: Math.min(TILE_SIZE, mask.width - x), height: Math.min(TILE_SIZE, mask.height - y) };
}

export function tileBytes(): number {
  return TILE_PIXELS;
}

/** Smallest rectangle holding every filled pixel, or null for an empty mask. */
export function maskBounds(mask: MaskRaster): PixelBounds | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  mask.tiles.forEach((tile, index) => {
    if (!tile) return;
    const r = tileRect(mask, index);
    for (let y = 0; y < r.height; y++) {
      const row = y * TILE_SIZE;
      for (let x = 0; x < r.width; x++) {
        if (tile.data[row + x]! <= 127) continue;
        x0 = Math.min(x0, r.x + x);
        x1 = Math.max(x1, r.x + x);
        y0 = Math.min(y0, r.y + y);
        y1 = Math.max(y1, r.y + y);
      }
    }
  });
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Copies image row y into `out` (length ≥ width) starting at `offset`. */
export function readRow(mask: MaskRaster, y: number, out: Uint8Array, offset = 0): void {
  readRowRange(mask, y, 0, mask.width, out, offset);
}

/** Copies pixels x .. x + width - 1 of image row y (all inside the raster) into `out` starting at `offset`; only the tiles they cross are read. */
export function readRowRange(mask: MaskRaster, y: number, x: number, width: number, out: Uint8Array, offset = 0): void {
  const ty = Math.floor(y / TILE_SIZE);
  const inTile = (y % TILE_SIZE) * TILE_SIZE;
  const end = x + width;
  for (let tx = Math.floor(x / TILE_SIZE); tx * TILE_SIZE < end; tx++) {
    const tileX = tx * TILE_SIZE;
    const from = Math.max(x, tileX), to = Math.min(end, tileX + TILE_SIZE);
    const at = offset + from - x;
    const tile = mask.tiles[ty * mask.tilesX + tx];
    if (tile) out.set(tile.data.subarray(inTile + from - tileX, inTile + to - tileX), at);
    else out.fill(0, at, at + to - from);
  }
}
