import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../../geometry/coords';
import { IDLE, type BrushInput, type BrushState, type BrushEffect } from './brushState';
import { updateBrush } from './brushTool';
import { clampRadius, defaultRadius, pressureRadius, stepRadius } from './brushSize';
import { rasterizeStroke } from './strokeRaster';

function run(inputs: readonly BrushInput[], start: BrushState = IDLE): { state: BrushState; effects: BrushEffect[] } {
  let state = start;
  const effects: BrushEffect[] = [];
  for (const input of inputs) {
    const t = updateBrush(state, input);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

describe('brush tool', () => {
  const r = imagePx(10);

  it('press, drag, release commits one stroke with the drag points in image space', () => {
    const { state, effects } = run([
      { type: 'pointerDown', point: imagePoint(10, 10), radius: r, mode: 'paint' },
      { type: 'pointerMove', point: imagePoint(20, 10) },
      { type: 'pointerMove', point: imagePoint(40, 15) },
      { type: 'pointerUp' },
    ]);
    expect(state).toBe(IDLE);
    expect(effects.map((e) => e.type)).toEqual(['previewSegment', 'previewSegment', 'previewSegment', 'commitStroke']);
    const commit = effects[3];
    expect(commit?.type === 'commitStroke' && commit.stroke).toEqual({
      mode: 'paint', radius: r, points: [imagePoint(10, 10), imagePoint(20, 10), imagePoint(40, 15)],
    });
  });

  it('skips points closer than the spacing', () => {
    const { effects } = run([
      { type: 'pointerDown', point: imagePoint(10, 10), radius: r, mode: 'erase' },
      { type: 'pointerMove', point: imagePoint(10.5, 10) },
      { type: 'pointerMove', point: imagePoint(11, 10) },
      { type: 'pointerUp' },
    ]);
    const commit = effects.at(-1);
    expect(commit?.type === 'commitStroke' && commit.stroke.points).toEqual([imagePoint(10, 10)]);
    expect(commit?.type === 'commitStroke' && commit.stroke.mode).toBe('erase');
  });

  it('moves and releases while idle do nothing; cancel discards the preview', () => {
    expect(run([{ type: 'pointerMove', point: imagePoint(1, 1) }, { type: 'pointerUp' }]).effects).toEqual([]);
    const { state, effects } = run([
      { type: 'pointerDown', point: imagePoint(10, 10), radius: r, mode: 'paint' },
      { type: 'pointerMove', point: imagePoint(50, 10) },
      { type: 'cancel' },
      { type: 'pointerUp' },
    ]);
    expect(state).toBe(IDLE);
    expect(effects.map((e) => e.type)).toEqual(['previewSegment', 'previewSegment', 'discardPreview']);
  });

  it('a second press during a stroke is ignored', () => {
    const { effects } = run([
      { type: 'pointerDown', point: imagePoint(10, 10), radius: r, mode: 'paint' },
      { type: 'pointerDown', point: imagePoint(90, 90), radius: r, mode: 'erase' },
      { type: 'pointerUp' },
    ]);
    const commit = effects.at(-1);
    expect(commit?.type === 'commitStroke' && commit.stroke.points).toEqual([imagePoint(10, 10)]);
  });
});

describe('brush size', () => {
  it('steps up and down by a ratio, at least one pixel, within bounds', () => {
    expect(stepRadius(imagePx(1), 1)).toBe(2);
    expect(stepRadius(imagePx(2), -1)).toBe(1);
    expect(stepRadius(imagePx(1), -1)).toBe(1);
    expect(stepRadius(imagePx(100), 1)).toBe(125);
    expect(stepRadius(imagePx(125), -1)).toBe(100);
    expect(stepRadius(imagePx(2000), 1)).toBe(2000);
    expect(clampRadius(0.2)).toBe(1);
    expect(defaultRadius(6000, 4000)).toBe(100);
  });
});

describe('pen pressure', () => {
  it('scales the radius per point and carries the radii to the stroke', () => {
    let state: BrushState = IDLE;
    const effects: BrushEffect[] = [];
    for (const input of [
      { type: 'pointerDown', point: imagePoint(10, 10), radius: imagePx(20), mode: 'paint', pressure: 0 },
      { type: 'pointerMove', point: imagePoint(40, 10), pressure: 1 },
      { type: 'pointerUp' },
    ] as const) {
      const t = updateBrush(state, input);
      state = t.state;
      effects.push(...t.effects);
    }
    const commit = effects.at(-1);
    expect(commit?.type === 'commitStroke' && commit.stroke.radii).toEqual([3, 20]);
    expect(pressureRadius(imagePx(10), 0.5)).toBeCloseTo(5.75, 12);
  });

  it('a pressure stroke covers exactly its end discs and the thinner capsule', () => {
    const pts = [imagePoint(50.2, 60.7), imagePoint(150.4, 90.1)];
    const radii = [imagePx(6), imagePx(25)];
    const W = 220, H = 160;
    const grid = new Uint8Array(W * H);
    rasterizeStroke(pts, imagePx(25), { width: W, height: H }, (y, x0, x1) => { for (let x = x0; x <= x1; x++) grid[y * W + x] = 1; }, radii);
    const seg = (px: number, py: number): number => {
      const [a, b] = pts as [typeof pts[0], typeof pts[0]];
      const dx = b.x - a.x, dy = b.y - a.y;
      const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy)));
      return Math.hypot(px - a.x - t * dx, py - a.y - t * dy);
    };
    let wrong = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const cx = x + 0.5, cy = y + 0.5;
      const want = Math.hypot(cx - pts[0]!.x, cy - pts[0]!.y) <= 6 || Math.hypot(cx - pts[1]!.x, cy - pts[1]!.y) <= 25 || seg(cx, cy) <= 6;
      if ((grid[y * W + x] === 1) !== want) wrong++;
    }
    expect(wrong).toBe(0);
  });
});
