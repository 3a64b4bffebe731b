import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../../geometry/coords';
import { IDLE, type LassoEffect, type LassoInput, type LassoState } from './lassoState';
import { updateLasso } from './lassoTool';

function run(inputs: readonly LassoInput[]): { state: LassoState; effects: LassoEffect[] } {
  let state: LassoState = IDLE;
  const effects: LassoEffect[] = [];
  for (const input of inputs) {
    const t = updateLasso(state, input);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}
const slop = imagePx(3);
const down = (x: number, y: number, mode: 'paint' | 'erase' = 'paint'): LassoInput => ({ type: 'pointerDown', point: imagePoint(x, y), mode, slop });
const move = (x: number, y: number): LassoInput => ({ type: 'pointerMove', point: imagePoint(x, y) });
const up = (x: number, y: number): LassoInput => ({ type: 'pointerUp', point: imagePoint(x, y) });
const commits = (effects: LassoEffect[]) => effects.filter((e) => e.type === 'commitPolygon');

describe('lasso tool', () => {
  it('a drag draws a freehand outline that closes on release', () => {
    const { state, effects } = run([down(10, 10), move(11, 10), move(50, 10), move(50, 60), up(10, 60)]);
    expect(state).toBe(IDLE);
    expect(commits(effects)).toEqual([{ type: 'commitPolygon', mode: 'paint', points: [imagePoint(10, 10), imagePoint(50, 10), imagePoint(50, 60), imagePoint(10, 60)] }]);
  });

  it('clicks build a polygon closed by a double-click, with the duplicate corner dropped', () => {
    const { state, effects } = run([
      down(10, 10), up(10, 10), move(40, 12),
      down(40, 12), up(40, 12),
      down(40, 50), up(40, 50), down(40, 50), up(40, 50), { type: 'doubleClick' },
    ]);
    expect(state).toBe(IDLE);
    expect(commits(effects)).toEqual([{ type: 'commitPolygon', mode: 'paint', points: [imagePoint(10, 10), imagePoint(40, 12), imagePoint(40, 50)] }]);
  });

  it('Enter and a click on the first corner close; Backspace removes a corner; Escape cancels', () => {
    const base = [down(0, 0), up(0, 0), down(30, 0), up(30, 0), down(30, 30), up(30, 30)] as const;
    expect(commits(run([...base, { type: 'close' }]).effects)[0]).toMatchObject({ points: [imagePoint(0, 0), imagePoint(30, 0), imagePoint(30, 30)] });
    expect(commits(run([...base, down(1, 1)]).effects)).toHaveLength(1);
    const removed = run([...base, { type: 'removeLast' }, { type: 'close' }]);
    expect(commits(removed.effects)).toEqual([]);
    expect(removed.state).toBe(IDLE);
    const cancelled = run([...base, { type: 'cancel' }]);
    expect(cancelled.state).toBe(IDLE);
    expect(cancelled.effects.at(-1)).toEqual({ type: 'clearPreview' });
  });

  it('too few points commit nothing; the subtract mode is carried to the commit', () => {
    expect(commits(run([down(0, 0), move(10, 0), up(10, 0)]).effects)).toEqual([]);
    const erase = run([down(0, 0, 'erase'), move(20, 0), move(20, 20), up(0, 20)]);
    expect(commits(erase.effects)[0]).toMatchObject({ mode: 'erase' });
  });
});
