import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../geometry/coords';
import { canRedo, canUndo, clearMask, createHistory, paintStroke, perform, redo, undo, type Stroke } from './maskHistory';
import { maskValue } from './tiledMask';

const line = (y: number, mode: Stroke['mode'] = 'paint', r = 5): Stroke =>
  ({ mode, radius: imagePx(r), points: [imagePoint(20, y), imagePoint(300, y)] });

describe('mask history', () => {
  it('each stroke is one undo step; undo and redo restore exact rasters', () => {
    const h0 = createHistory(400, 300);
    const h1 = perform(h0, paintStroke, line(50));
    const h2 = perform(h1, paintStroke, line(100));
    expect(h2.past.map((e) => e.name)).toEqual(['Brush stroke', 'Brush stroke']);
    expect(maskValue(h2.present, 100, 100)).toBe(255);
    const u1 = undo(h2);
    expect(u1.present).toBe(h1.present);
    expect(maskValue(u1.present, 100, 100)).toBe(0);
    expect(maskValue(u1.present, 100, 50)).toBe(255);
    const u2 = undo(u1);
    expect(u2.present).toBe(h0.present);
    expect(canUndo(u2)).toBe(false);
    expect(undo(u2)).toBe(u2);
    const r1 = redo(u2);
    expect(r1.present).toBe(h1.present);
    expect(redo(r1).present).toBe(h2.present);
    expect(canRedo(redo(r1))).toBe(false);
  });

  it('a new edit after undo drops the redo branch', () => {
    const h = undo(perform(perform(createHistory(400, 300), paintStroke, line(50)), paintStroke, line(100)));
    expect(canRedo(h)).toBe(true);
    const branched = perform(h, paintStroke, line(200));
    expect(canRedo(branched)).toBe(false);
    expect(maskValue(branched.present, 100, 100)).toBe(0);
    expect(maskValue(branched.present, 100, 200)).toBe(255);
  });

  it('edits that change nothing are not undo steps', () => {
    const h = createHistory(400, 300);
    expect(perform(h, paintStroke, line(50, 'erase'))).toBe(h);
    expect(perform(h, clearMask, undefined)).toBe(h);
    const painted = perform(h, paintStroke, line(50));
    expect(perform(painted, paintStroke, line(50))).toBe(painted);
  });

  it('the eraser removes paint and clear empties the mask, both undoable', () => {
    const painted = perform(createHistory(400, 300), paintStroke, line(50, 'paint', 20));
    const erased = perform(painted, paintStroke, line(50, 'erase', 5));
    expect(maskValue(erased.present, 100, 50)).toBe(0);
    expect(maskValue(erased.present, 100, 35)).toBe(255);
    const cleared = perform(erased, clearMask, undefined);
    expect(cleared.present.filled).toBe(0);
    expect(undo(cleared).present).toBe(erased.present);
  });

  it('is bounded in steps and in bytes', () => {
    let h = createHistory(400, 300, { maxSteps: 3, maxBytes: Infinity });
    for (let i = 0; i < 6; i++) h = perform(h, paintStroke, line(20 + 40 * i, 'paint', 2));
    expect(h.past).toHaveLength(3);
    let b = createHistory(1000, 300, { maxSteps: 100, maxBytes: 2 * 256 * 256 });
    // Each stroke touches a different tile column pair.
    for (let i = 0; i < 4; i++) b = perform(b, paintStroke, { mode: 'paint', radius: imagePx(3), points: [imagePoint(10 + 256 * i, 10)] });
    expect(b.past.reduce((s, e) => s + e.bytes, 0)).toBeLessThanOrEqual(2 * 256 * 256);
    expect(b.past.length).toBe(2);
  });
});
