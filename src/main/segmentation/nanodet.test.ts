import { describe, expect, it } from 'vitest';
import { decodeDetections, letterboxTensor, nonMaxSuppression, planTiles, touchesInteriorEdge, type DetectorSpec } from './nanodet';

const spec: DetectorSpec = {
  inputWidth: 64, inputHeight: 64, mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'BGR',
  strides: [8, 16, 32], regMax: 10, centerOffset: 0.5, classes: ['person', 'car'],
};

function emptyOutputs() {
  const out: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (const s of spec.strides) {
    const cells = (64 / s) * (64 / s);
    out[`cls_s${s}`] = { data: new Float32Array(cells * 2), dims: [1, cells, 2] };
    out[`reg_s${s}`] = { data: new Float32Array(cells * 44).fill(-50), dims: [1, cells, 44] };
  }
  return out;
}

describe('NanoDet decoding', () => {
  it('turns a peaked distance distribution into the box it encodes, through the letterbox', () => {
    const out = emptyOutputs();
    // Stride 16, cell (x=1, y=2): centre (1.5*16, 2.5*16) = (24, 40); distances 2, 1, 3, 0.5 bins.
    const cell = 2 * 4 + 1;
    out.cls_s16!.data[cell * 2 + 1] = 0.9;
    const bins = [[2, 1], [1, 1], [3, 1], [0, 0.5]] as const; // [lower bin, weight of the next bin]
    bins.forEach(([b, frac], side) => {
      const base = cell * 44 + side * 11;
      if (frac === 1) out.reg_s16!.data[base + b] = 20;
      else { out.reg_s16!.data[base + b] = 20; out.reg_s16!.data[base + b + 1] = 20; }
    });
    // A 128x64 source letterboxed into 64x64: scale 0.5, padY 16.
    const dets = decodeDetections(out, spec, { scale: 0.5, padX: 0, padY: 16 }, 0.5);
    expect(dets).toHaveLength(1);
    const d = dets[0]!;
    expect(d.className).toBe('car');
    expect(d.score).toBeCloseTo(0.9, 6);
    // Distances in input px: l 32, t 16, r 48, b 0.5*16 = 8 -> input box (-8, 24)-(72, 48) -> source (x/0.5, (y-16)/0.5).
    expect(d.box.x).toBeCloseTo(-16, 3);
    expect(d.box.y).toBeCloseTo(16, 3);
    expect(d.box.width).toBeCloseTo(160, 3);
    expect(d.box.height).toBeCloseTo(48, 3);
  });

  it('checks output shapes and names them when wrong', () => {
    const out = emptyOutputs();
    out.cls_s8 = { data: new Float32Array(10), dims: [1, 5, 2] };
    expect(() => decodeDetections(out, spec, { scale: 1, padX: 0, padY: 0 }, 0.5)).toThrow(/cls_s8 has shape \[1, 5, 2\]; \[1, 64, 2\] expected/);
  });

  it('suppresses overlapping boxes of one class but keeps other classes', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    const kept = nonMaxSuppression([
      { classId: 0, className: 'person', score: 0.6, box: { ...box, x: 1 } },
      { classId: 0, className: 'person', score: 0.9, box },
      { classId: 1, className: 'car', score: 0.5, box },
      { classId: 0, className: 'person', score: 0.7, box: { ...box, x: 30 } },
    ], 0.5);
    expect(kept.map((d) => `${d.className}:${d.score}`)).toEqual(['person:0.9', 'person:0.7', 'car:0.5']);
  });

  it('letterboxes keeping the aspect ratio, BGR-normalised, padded', () => {
    const image = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 200 : 10)) };
    const { tensor, letterbox } = letterboxTensor(image, { ...spec, inputWidth: 8, inputHeight: 8, mean: [1, 2, 3], std: [2, 2, 2] });
    expect(letterbox).toEqual({ scale: 2, padX: 0, padY: 2 });
    // Channel 2 of the network is R (BGR order): (200 - 3) / 2 inside the content, (114 - 3) / 2 in the padding.
    expect(tensor[2 * 64 + 3 * 8 + 1]).toBeCloseTo((200 - 3) / 2, 5);
    expect(tensor[2 * 64 + 0]).toBeCloseTo((114 - 3) / 2, 5);
    expect(tensor[0 * 64 + 3 * 8 + 1]).toBeCloseTo((10 - 1) / 2, 5);
  });
});

describe('tiling', () => {
  it('covers a 24 MP frame with overlapping tiles and none for a small photo', () => {
    expect(planTiles(1000, 800, 832)).toEqual([]);
    const tiles = planTiles(6000, 4000, 2000);
    const covered = new Uint8Array(60 * 40);
    for (const t of tiles) {
      expect(t.x + t.width).toBeLessThanOrEqual(6000);
      expect(t.y + t.height).toBeLessThanOrEqual(4000);
      for (let y = Math.floor(t.y / 100); y < Math.ceil((t.y + t.height) / 100); y++) for (let x = Math.floor(t.x / 100); x < Math.ceil((t.x + t.width) / 100); x++) covered[y * 60 + x] = 1;
    }
    expect(covered.every((v) => v === 1)).toBe(true);
    expect(tiles.length).toBe(12);
  });

  it('drops a detection cut by an interior tile edge but not one on the photo border', () => {
    const [first] = planTiles(6000, 4000, 2000);
    expect(touchesInteriorEdge({ x: 1900, y: 100, width: 100, height: 100 }, first!, 5)).toBe(true);
    expect(touchesInteriorEdge({ x: 0, y: 0, width: 100, height: 100 }, first!, 5)).toBe(false);
  });
});
