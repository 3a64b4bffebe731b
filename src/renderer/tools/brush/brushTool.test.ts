import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../../geometry/coords';
import { IDLE, type BrushInput, type BrushState, type BrushEffect } from './brushState';
import { updateBrush } from './brushTool';
import { clampRadius, defaultRadius, stepRadius } from './brushSize';

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
