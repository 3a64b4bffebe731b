import { describe, expect, it } from 'vitest';
import { changedTiles, createMask, isMaskEmpty, maskBounds, maskValue, readRow, TILE_SIZE, writeSpans } from './tiledMask';

function rect(x0: number, y0: number, x1: number, y1: number) {
  return (write: (y: number, a: number, b: number) => void): void => {
    for (let y = y0; y <= y1; y++) write(y, x0, x1);
  };
}

describe('tiled mask', () => {
  const W = 700, H = 530; // not multiples of the tile size

  it('starts empty and writes rectangles across tile borders', () => {
    const empty = createMask(W, H);
    expect(isMaskEmpty(empty)).toBe(true);
    const m = writeSpans(empty, 255, rect(250, 250, 520, 260));
    expect(m.filled).toBe(271 * 11);
    expect(maskValue(m, 250, 250)).toBe(255);
    expect(maskValue(m, 520, 260)).toBe(255);
    expect(maskValue(m, 249, 250)).toBe(0);
    expect(maskValue(m, 521, 260)).toBe(0);
    expect(maskBounds(m)).toEqual({ x: 250, y: 250, width: 271, height: 11 });
    expect(isMaskEmpty(empty)).toBe(true); // the original is untouched
  });

  it('shares untouched tiles and reports the changed ones', () => {
    const a = writeSpans(createMask(W, H), 255, rect(0, 0, 10, 10));
    const b = writeSpans(a, 255, rect(600, 500, 610, 510));
    const changed = changedTiles(a, b);
    expect(changed).toEqual([Math.floor(500 / TILE_SIZE) * Math.ceil(W / TILE_SIZE) + Math.floor(600 / TILE_SIZE)]);
    expect(b.tiles[0]).toBe(a.tiles[0]);
  });

  it('erasing drops emptied tiles and returns the same raster when nothing changes', () => {
    const a = writeSpans(createMask(W, H), 255, rect(10, 10, 20, 20));
    const erasedElsewhere = writeSpans(a, 0, rect(400, 400, 450, 450));
    expect(erasedElsewhere).toBe(a);
    const again = writeSpans(a, 255, rect(12, 12, 14, 14));
    expect(again).toBe(a);
    const cleared = writeSpans(a, 0, rect(0, 0, 30, 30));
    expect(cleared.filled).toBe(0);
    expect(cleared.tiles.every((t) => t === null)).toBe(true);
  });

  it('reads full rows for export', () => {
    const m = writeSpans(createMask(W, H), 255, rect(255, 3, 257, 3));
    const row = new Uint8Array(W);
    readRow(m, 3, row);
    expect([...row.subarray(254, 259)]).toEqual([0, 255, 255, 255, 0]);
    expect(row.reduce((s, v) => s + v, 0)).toBe(3 * 255);
    readRow(m, 4, row);
    expect(row.every((v) => v === 0)).toBe(true);
  });
});
