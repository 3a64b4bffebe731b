import { describe, expect, it } from 'vitest';
import { growMask, shrinkMask, squaredDistanceTo } from '../../shared/mask-ops';
import { imagePoint } from '../geometry/coords';
import { createHistory, perform, undo } from './maskHistory';
import { bucketFill, growShrinkMask, invertMask, lassoFill, maskFromPixels, readRegion, rectangleFill, replaceMask } from './maskActions';
import { changedTiles, createMask, maskValue, writeSpans } from './tiledMask';

const W = 700, H = 530;
function differing(a: Uint8Array, b: Uint8Array): number {
  let n = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
const square = (x0: number, y0: number, x1: number, y1: number) =>
  writeSpans(createMask(W, H), 255, (write) => { for (let y = y0; y <= y1; y++) write(y, x0, x1); });

describe('mask actions', () => {
  it('lasso and rectangle fill into the mask as one undo step each; subtract removes', () => {
    const h1 = perform(createHistory(W, H), rectangleFill, { points: [imagePoint(100, 100), imagePoint(300, 100), imagePoint(300, 200), imagePoint(100, 200)], mode: 'paint' });
    expect(h1.present.filled).toBe(200 * 100);
    expect(h1.past.map((e) => e.name)).toEqual(['Rectangle']);
    const h2 = perform(h1, lassoFill, { points: [imagePoint(150, 50), imagePoint(250, 50), imagePoint(200, 250)], mode: 'erase' });
    expect(maskValue(h2.present, 200, 150)).toBe(0);
    expect(maskValue(h2.present, 110, 150)).toBe(255);
    expect(undo(h2).present).toBe(h1.present);
  });

  it('invert flips every pixel inside the photo, and twice is the identity', () => {
    const m = square(10, 10, 300, 40);
    const inv = invertMask.perform(m, undefined).state;
    expect(inv.filled).toBe(W * H - m.filled);
    expect(maskValue(inv, 20, 20)).toBe(0);
    expect(maskValue(inv, 699, 529)).toBe(255);
    const back = invertMask.perform(inv, undefined).state;
    expect(differing(readRegion(back, { x: 0, y: 0, width: W, height: H }), readRegion(m, { x: 0, y: 0, width: W, height: H }))).toBe(0);
  });

  it('the bucket fills the enclosed hole of a ring and nothing outside it', () => {
    const ring = writeSpans(square(100, 100, 400, 400), 0, (write) => { for (let y = 110; y <= 390; y++) write(y, 110, 390); });
    const filled = bucketFill.perform(ring, { point: imagePoint(250.5, 250.5), mode: 'paint' }).state;
    expect(filled.filled).toBe(301 * 301);
    expect(maskValue(filled, 50, 50)).toBe(0);
    expect(bucketFill.perform(ring, { point: imagePoint(100, 100), mode: 'paint' }).undoable).toBe(false);
    const cleared = bucketFill.perform(ring, { point: imagePoint(100, 100), mode: 'erase' }).state;
    expect(cleared.filled).toBe(0);
  });

  it('grow matches the shared growMask on the whole frame and touches only nearby tiles', () => {
    const m = writeSpans(createMask(W, H), 255, (write) => { write(300, 333, 333); for (let y = 120; y < 130; y++) write(y, 40, 60); });
    const grown = growShrinkMask.perform(m, 9).state;
    const whole = { x: 0, y: 0, width: W, height: H };
    expect(differing(readRegion(grown, whole), growMask(readRegion(m, whole), W, H, 9))).toBe(0);
    // A single pixel grown by r: the lattice points within r, counted independently.
    const dot = growShrinkMask.perform(writeSpans(createMask(W, H), 255, (w) => w(300, 333, 333)), 9).state;
    let lattice = 0;
    for (let dy = -9; dy <= 9; dy++) for (let dx = -9; dx <= 9; dx++) if (dx * dx + dy * dy <= 81) lattice++;
    expect(dot.filled).toBe(lattice);
    expect(changedTiles(m, grown).length).toBeLessThanOrEqual(3);
  });

  it('grow and shrink equal the shared mask-ops on the whole frame across tile borders, large radii and the frame edge', () => {
    let seed = 3;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const m = writeSpans(createMask(W, H), 255, (write) => {
      for (let k = 0; k < 25; k++) {
        const x = Math.floor(rnd() * W), y = Math.floor(rnd() * H), w = 1 + Math.floor(rnd() * 120), h = 1 + Math.floor(rnd() * 90);
        for (let j = y; j < Math.min(H, y + h); j++) write(j, x, Math.min(W - 1, x + w));
      }
      for (let j = 0; j < H; j++) write(j, 0, 300); // a wide band touching the frame: full tiles
    });
    const whole = { x: 0, y: 0, width: W, height: H };
    const flat = readRegion(m, whole);
    for (const r of [3, 40, 300, -3, -40, -300]) {
      const got = readRegion(growShrinkMask.perform(m, r).state, whole);
      const want = r > 0 ? growMask(flat, W, H, r) : shrinkMask(flat, W, H, -r);
      expect(differing(got, want), `radius ${r}`).toBe(0);
    }
  });

  it('shrink removes the band within r of the outside; grow then shrink keeps a large square', () => {
    const m = square(100, 100, 299, 199);
    const shrunk = growShrinkMask.perform(m, -5).state;
    expect(shrunk.filled).toBe(190 * 90);
    const d2 = squaredDistanceTo(W, H, (i) => maskValue(m, i % W, Math.floor(i / W)) !== 255);
    expect(d2[150 * W + 200]).toBeGreaterThan(25);
    const round = growShrinkMask.perform(growShrinkMask.perform(m, 6).state, -6).state;
    expect(round.filled).toBe(m.filled);
  });

  it('a loaded mask must match the photo; pixels above 127 fill', () => {
    const loaded = maskFromPixels(W, H, (i) => (i % W < 10 ? 128 : 127));
    expect(loaded.filled).toBe(10 * H);
    expect(replaceMask.perform(createMask(W, H), loaded).state).toBe(loaded);
    expect(() => replaceMask.perform(createMask(W, H + 1), loaded)).toThrow(/700×530/);
  });
});
