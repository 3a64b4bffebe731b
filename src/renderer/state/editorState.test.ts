import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../geometry/coords';
import { maskValue } from '../mask/tiledMask';
import { initialEditorState, updateEditor, type EditorInput, type EditorState } from './editorState';
import { commandForKey, type KeyLike } from './keymap';

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
    expect(commandForKey(key('x'))).toBeNull();
    expect(commandForKey(key('c', { ctrlKey: true }))).toBeNull();
  });
});
