import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../geometry/coords';
import { maskValue } from '../mask/tiledMask';
import { initialEditorState, rgbOf, updateEditor, type EditorInput, type EditorState } from './editorState';
import { commandForKey, SHORTCUTS, type KeyLike } from './keymap';

const stroke = (y: number) => ({ type: 'commitStroke', stroke: { mode: 'paint', radius: imagePx(4), points: [imagePoint(10, y), imagePoint(90, y)] } }) as const;

function apply(state: EditorState, inputs: readonly EditorInput[]): EditorState {
  return inputs.reduce(updateEditor, state);
}

describe('editor state', () => {
  it('strokes, undo, redo and clear act on the mask history', () => {
    const s0 = initialEditorState(200, 100);
    const s2 = apply(s0, [stroke(20), stroke(60)]);
    expect(maskValue(s2.history.present, 50, 60)).toBe(255);
    const u = apply(s2, [{ type: 'undo' }]);
    expect(maskValue(u.history.present, 50, 60)).toBe(0);
    expect(maskValue(u.history.present, 50, 20)).toBe(255);
    const r = apply(u, [{ type: 'redo' }]);
    expect(r.history.present).toBe(s2.history.present);
    const c = apply(r, [{ type: 'clearMask' }]);
    expect(c.history.present.filled).toBe(0);
    expect(apply(c, [{ type: 'undo' }]).history.present).toBe(s2.history.present);
    expect(apply(s0, [{ type: 'undo' }])).toBe(s0);
  });

  it('tool and radius changes do not touch the history', () => {
    const s = apply(initialEditorState(600, 400), [{ type: 'selectTool', tool: 'eraser' }, { type: 'setRadius', radius: 33.4 }, { type: 'stepRadius', direction: 1 }]);
    expect(s.tool).toBe('eraser');
    expect(s.radius).toBe(41);
    expect(s.history.past).toHaveLength(0);
    expect(updateEditor(s, { type: 'setRadius', radius: Number.NaN })).toBe(s);
    const next = initialEditorState(600, 400, { tool: s.tool, radius: s.radius });
    expect([next.tool, next.radius, next.history.present.filled]).toEqual(['eraser', 41, 0]);
  });
});

describe('keymap', () => {
  const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false, ...extra });
  it('maps the documented shortcuts', () => {
    expect(commandForKey(key('z', { ctrlKey: true }))).toBe('undo');
    expect(commandForKey(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(commandForKey(key('z', { metaKey: true, shiftKey: true }))).toBe('redo');
    expect(commandForKey(key('y', { ctrlKey: true }))).toBe('redo');
    expect(commandForKey(key('['))).toBe('brushSmaller');
    expect(commandForKey(key(']'))).toBe('brushLarger');
    expect(commandForKey(key('e'))).toBe('toolEraser');
    expect(commandForKey(key('B'))).toBe('toolBrush');
    expect(commandForKey(key('Escape'))).toBe('cancelStroke');
  });
  it('leaves text fields and unknown keys alone', () => {
    expect(commandForKey(key('z', { ctrlKey: true, inTextField: true }))).toBeNull();
    expect(commandForKey(key('['), )).toBe('brushSmaller');
    expect(commandForKey(key('[', { inTextField: true }))).toBeNull();
    expect(commandForKey(key('q'))).toBeNull();
    expect([commandForKey(key('j')), commandForKey(key('x')), commandForKey(key('v'))]).toEqual(['toolHeal', 'toggleLayer', 'toggleSpots']);
    expect(commandForKey(key('c', { ctrlKey: true }))).toBeNull();
  });
});

describe('editor actions', () => {
  it('every mask edit is one undo step with its own name', () => {
    const s = apply(initialEditorState(300, 200), [
      { type: 'commitPolygon', tool: 'lasso', points: [imagePoint(10, 10), imagePoint(100, 10), imagePoint(10, 100)], mode: 'paint' },
      { type: 'commitPolygon', tool: 'rectangle', points: [imagePoint(150, 10), imagePoint(200, 10), imagePoint(200, 60), imagePoint(150, 60)], mode: 'paint' },
      { type: 'growShrink', radius: 3 },
      { type: 'invert' },
      { type: 'bucket', point: imagePoint(20, 20), mode: 'paint' },
    ]);
    expect(s.history.past.map((e) => e.name)).toEqual(['Lasso', 'Rectangle', 'Grow/shrink mask', 'Invert mask', 'Fill bucket']);
    // Inverted, then the bucket refilled the lasso's hole: only the (grown) rectangle is left unmasked.
    expect([maskValue(s.history.present, 20, 20), maskValue(s.history.present, 250, 150), maskValue(s.history.present, 175, 35)]).toEqual([255, 255, 0]);
    expect(s.history.present.filled).toBeLessThan(300 * 200 - 50 * 50);
    const back = apply(s, [{ type: 'undo' }, { type: 'undo' }, { type: 'undo' }]);
    expect(maskValue(back.history.present, 175, 35)).toBe(255);
    expect(maskValue(back.history.present, 250, 150)).toBe(0);
  });

  it('a restored draft is the starting point, not an undo step; overlay settings are validated', () => {
    const other = apply(initialEditorState(300, 200), [stroke(50)]).history.present;
    const s = apply(initialEditorState(300, 200), [{ type: 'restoreDraft', mask: other }]);
    expect(s.history.present).toBe(other);
    expect(s.history.past).toHaveLength(0);
    // Too late: the user already painted, and their stroke wins.
    const busy = apply(initialEditorState(300, 200), [stroke(20)]);
    expect(updateEditor(busy, { type: 'restoreDraft', mask: other })).toBe(busy);
    const o = apply(s, [{ type: 'setOverlay', overlay: { colour: 'red', opacity: 3 } }]);
    expect(o.overlay).toEqual({ colour: '#ff2020', opacity: 1 });
    expect(rgbOf('#00ff80')).toEqual([0, 255, 128]);
  });

  it('the help overlay lists every single-letter tool shortcut the keymap knows', () => {
    const key = (k: string): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false });
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
      if (commandForKey(key(letter))) expect(SHORTCUTS.some((s) => s.keys === letter.toUpperCase()), letter).toBe(true);
    }
    expect(commandForKey(key('l'))).toBe('toolLasso');
    expect(commandForKey(key('Enter'))).toBe('closePolygon');
    expect(commandForKey({ ...key('i'), ctrlKey: true })).toBe('invert');
    expect(commandForKey({ ...key('0'), ctrlKey: true })).toBe('viewFit');
  });
});
