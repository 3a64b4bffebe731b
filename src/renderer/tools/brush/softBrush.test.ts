/**
 * Brush hardness against closed forms: a soft stroke's mask level at each
 * pixel is 127 + round(128·p(d)), p falling linearly from 1 at hardness·r to
 * 0 at r (d = distance of the pixel centre to the stroke); its footprint
 * never exceeds the hard brush's; painting keeps the higher level, erasing
 * the lower.
 */
import { describe, expect, it } from 'vitest';
import { growSoftMask } from '../../../shared/mask-ops';
import { imagePoint, imagePx } from '../../geometry/coords';
import { growShrinkMask, maskFromPixels, readRegion } from '../../mask/maskActions';
import { paintStroke } from '../../mask/maskHistory';
import { renderOverlayRegion } from '../../mask/overlay';
import { createMask, maskValue } from '../../mask/tiledMask';
import { commandForKey } from '../../state/keymap';
import { stepHardness } from './brushSize';

/** Expected mask level, written from the definition (no project code). */
function level(d: number, r: number, h: number): number {
  let p: number;
  if (d > r) p = 0;
  else if (d <= h * r) p = 1;
  else p = (r - d) / (r - h * r);
  const n = Math.round(128 * p);
  return n > 0 ? 127 + n : 0;
}

function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

describe('brush hardness', () => {
  const W = 520, H = 300; // spans several 256-px tiles

  it('a soft dab has the closed-form radial profile, pixel for pixel', () => {
    for (const [r, h] of [[40, 0], [40, 0.5], [23.5, 0.75], [60, 0.25]] as const) {
      const c = imagePoint(250.3, 140.8);
      const { state } = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(r), hardness: h, points: [c] });
      let wrong = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const d = Math.hypot(x + 0.5 - c.x, y + 0.5 - c.y);
        if (Math.abs(d - r) < 1e-9 || Math.abs(d - h * r) < 1e-9) continue;
        if (maskValue(state, x, y) !== level(d, r, h)) wrong++;
      }
      expect(wrong, `r ${r} h ${h}`).toBe(0);
    }
  });

  it('a soft stroke follows the distance to its polyline; its footprint stays inside the hard stroke', () => {
    const pts = [imagePoint(60.2, 80.4), imagePoint(300.7, 120.1), imagePoint(330, 260.5)];
    const r = 30, h = 0.4;
    const soft = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(r), hardness: h, points: pts }).state;
    const hard = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(r), points: pts }).state;
    let wrong = 0, outsideHard = 0, partial = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const d = Math.min(segDist(x + 0.5, y + 0.5, pts[0]!.x, pts[0]!.y, pts[1]!.x, pts[1]!.y), segDist(x + 0.5, y + 0.5, pts[1]!.x, pts[1]!.y, pts[2]!.x, pts[2]!.y));
      const v = maskValue(soft, x, y);
      if (Math.abs(d - r) > 1e-9 && Math.abs(d - h * r) > 1e-9 && v !== level(d, r, h)) wrong++;
      if (v > 127 && maskValue(hard, x, y) !== 255) outsideHard++;
      if (v > 127 && v < 255) partial++;
    }
    expect(wrong).toBe(0);
    expect(outsideHard).toBe(0);
    expect(partial).toBeGreaterThan(1000);
    expect(soft.filled).toBeLessThanOrEqual(hard.filled);
  });

  it('with pen pressure, each pixel takes the strongest of the end discs and the thinner capsule', () => {
    const a = imagePoint(100.3, 120.6), b = imagePoint(380.8, 170.2);
    const ra = 18, rb = 55, h = 0.6;
    const m = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(55), hardness: h, points: [a, b], radii: [imagePx(ra), imagePx(rb)] }).state;
    let wrong = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const cx = x + 0.5, cy = y + 0.5;
      const da = Math.hypot(cx - a.x, cy - a.y), db = Math.hypot(cx - b.x, cy - b.y), ds = segDist(cx, cy, a.x, a.y, b.x, b.y);
      const near = (d: number, r: number) => Math.abs(d - r) < 1e-9 || Math.abs(d - h * r) < 1e-9;
      if (near(da, ra) || near(db, rb) || near(ds, ra)) continue;
      if (maskValue(m, x, y) !== Math.max(level(da, ra, h), level(db, rb, h), level(ds, ra, h))) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('painting keeps the higher level; a soft eraser lowers to 127 + round(128·(1 − p))', () => {
    const c = imagePoint(200.5, 150.5);
    const full = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(80), points: [c] }).state;
    // A soft dab over full coverage changes nothing.
    expect(paintStroke.perform(full, { mode: 'paint', radius: imagePx(30), hardness: 0, points: [c] }).state).toBe(full);
    const e = imagePoint(230.5, 150.5);
    const erased = paintStroke.perform(full, { mode: 'erase', radius: imagePx(30), hardness: 0.5, points: [e] }).state;
    let wrong = 0;
    for (let y = 100; y < 200; y++) for (let x = 180; x < 280; x++) {
      const inFull = Math.hypot(x + 0.5 - c.x, y + 0.5 - c.y) <= 80;
      const d = Math.hypot(x + 0.5 - e.x, y + 0.5 - e.y);
      if (Math.abs(d - 30) < 1e-9 || Math.abs(d - 15) < 1e-9) continue;
      const p = d > 30 ? 0 : d <= 15 ? 1 : (30 - d) / 15;
      const n = Math.round(128 * (1 - p));
      const want = !inFull ? 0 : n > 0 ? 127 + n : 0;
      if (maskValue(erased, x, y) !== want) wrong++;
    }
    expect(wrong).toBe(0);
    expect(maskValue(erased, 230, 150)).toBe(0);
  });

  it('hardness 1 is exactly the hard brush', () => {
    const pts = [imagePoint(40, 40), imagePoint(400, 200)];
    const a = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(20), points: pts }).state;
    const b = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(20), hardness: 1, points: pts }).state;
    const whole = { x: 0, y: 0, width: W, height: H };
    expect(readRegion(a, whole)).toEqual(readRegion(b, whole));
  });

  it('the overlay shows a soft level as partial alpha, and loaded PNG levels survive', () => {
    const m = maskFromPixels(4, 1, (i) => [0, 100, 191, 255][i]!);
    expect([0, 1, 2, 3].map((x) => maskValue(m, x, 0))).toEqual([0, 0, 191, 255]);
    expect(m.filled).toBe(2);
    const rgba = renderOverlayRegion(m, { width: 4, height: 1, sx: 1, sy: 1 }, { x: 0, y: 0, width: 4, height: 1 }, [1, 2, 3]);
    expect([rgba[3], rgba[7], rgba[11], rgba[15]]).toEqual([0, 0, Math.round((64 * 255) / 128), 255]);
  });

  it('growing a soft mask in the editor equals the shared soft grow on the whole frame', () => {
    const c = imagePoint(260.5, 150.5);
    const soft = paintStroke.perform(createMask(W, H), { mode: 'paint', radius: imagePx(50), hardness: 0.3, points: [c] }).state;
    const whole = { x: 0, y: 0, width: W, height: H };
    const grown = growShrinkMask.perform(soft, 9).state;
    expect(readRegion(grown, whole)).toEqual(growSoftMask(readRegion(soft, whole), W, H, 9));
  });

  it('Shift+[ and Shift+] step the hardness in quarters', () => {
    const key = (k: string, shift: boolean) => commandForKey({ key: k, shiftKey: shift, ctrlKey: false, metaKey: false, altKey: false, inTextField: false });
    expect(key('{', true)).toBe('brushSofter');
    expect(key('}', true)).toBe('brushHarder');
    expect(key('[', true)).toBe('brushSofter');
    expect(key('[', false)).toBe('brushSmaller');
    expect(stepHardness(1, -1)).toBe(0.75);
    expect(stepHardness(0.6, -1)).toBe(0.5);
    expect(stepHardness(0.6, 1)).toBe(0.75);
    expect(stepHardness(0, -1)).toBe(0);
    expect(stepHardness(1, 1)).toBe(1);
  });
});
