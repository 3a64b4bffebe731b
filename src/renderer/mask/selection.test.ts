import { describe, expect, it } from 'vitest';
import { combineSelection, maskFromPixels, readRegion } from './maskActions';
import { createMask } from './tiledMask';

const W = 600, H = 400;
const rect = (x0: number, y0: number, x1: number, y1: number) => (i: number) => {
  const x = i % W, y = Math.floor(i / W);
  return x >= x0 && x < x1 && y >= y0 && y < y1 ? 255 : 0;
};

function count(m: ReturnType<typeof createMask>): number {
  return readRegion(m, { x: 0, y: 0, width: W, height: H }).reduce((n, v) => n + (v > 127 ? 1 : 0), 0);
}

describe('adding a semantic selection to the mask', () => {
  const painted = maskFromPixels(W, H, rect(10, 10, 110, 60)); // 100×50 = 5000 px
  const selection = maskFromPixels(W, H, rect(80, 40, 380, 240)); // 300×200 = 60000 px, overlap 30×20 = 600

  it('adds as a union', () => {
    const r = combineSelection.perform(painted, { selection, label: 'person', subtract: false });
    expect(r.undoable).toBe(true);
    expect(count(r.state)).toBe(5000 + 60000 - 600);
  });
  it('subtracts', () => {
    const r = combineSelection.perform(painted, { selection, label: 'person', subtract: true });
    expect(count(r.state)).toBe(5000 - 600);
  });
  it('an empty selection is no edit; a wrong size is an error', () => {
    expect(combineSelection.perform(painted, { selection: createMask(W, H), label: 'x', subtract: false }).undoable).toBe(false);
    expect(() => combineSelection.perform(painted, { selection: createMask(10, 10), label: 'x', subtract: false })).toThrow(/selection is 10×10/);
  });
});
