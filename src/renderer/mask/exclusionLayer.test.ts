import { describe, expect, it } from 'vitest';
import { imagePoint, imagePx } from '../geometry/coords';
import { initialEditorState, updateEditor, type EditorInput, type EditorState } from '../state/editorState';
import { createMask, maskValue, writeSpans } from './tiledMask';

const stroke = (y: number) => ({ type: 'commitStroke', stroke: { mode: 'paint', radius: imagePx(4), points: [imagePoint(10, y), imagePoint(90, y)] } }) as const;
const apply = (s: EditorState, inputs: readonly EditorInput[]): EditorState => inputs.reduce(updateEditor, s);

describe('mask layers: fill and "protect from sampling"', () => {
  it('tools, whole-mask actions and undo act on the selected layer only', () => {
    const s0 = initialEditorState(200, 100);
    expect(s0.layer).toBe('fill');
    const filled = apply(s0, [stroke(20)]);
    const onExcl = apply(filled, [{ type: 'selectLayer', layer: 'exclusion' }, stroke(60), { type: 'commitPolygon', tool: 'rectangle', mode: 'paint', points: [imagePoint(150, 10), imagePoint(190, 10), imagePoint(190, 40), imagePoint(150, 40)] }]);
    // The fill mask is exactly what it was; the strokes went to the exclusion mask.
    expect(onExcl.history).toBe(filled.history);
    expect(maskValue(onExcl.exclusion.present, 50, 60)).toBe(255);
    expect(maskValue(onExcl.exclusion.present, 170, 20)).toBe(255);
    expect(maskValue(onExcl.exclusion.present, 50, 20)).toBe(0);
    expect(maskValue(onExcl.history.present, 50, 60)).toBe(0);
    // Undo on the exclusion layer undoes the rectangle, not the fill stroke.
    const undone = apply(onExcl, [{ type: 'undo' }]);
    expect(maskValue(undone.exclusion.present, 170, 20)).toBe(0);
    expect(undone.history).toBe(filled.history);
    // Invert and clear too.
    const inverted = apply(undone, [{ type: 'invert' }]);
    expect(inverted.exclusion.present.filled).toBe(200 * 100 - undone.exclusion.present.filled);
    expect(inverted.history).toBe(filled.history);
    const back = apply(inverted, [{ type: 'selectLayer', layer: 'fill' }, { type: 'clearMask' }]);
    expect(back.history.present.filled).toBe(0);
    expect(back.exclusion).toBe(inverted.exclusion);
    expect(apply(back, [{ type: 'undo' }]).history.present).toBe(filled.history.present);
  });

  it('an exclusion draft is restored once, never over edits already made', () => {
    const draft = writeSpans(createMask(200, 100), 255, (w) => w(5, 10, 20));
    const s = apply(initialEditorState(200, 100), [{ type: 'restoreExclusionDraft', mask: draft }]);
    expect(s.exclusion.present).toBe(draft);
    expect(s.exclusion.past).toHaveLength(0);
    const edited = apply(initialEditorState(200, 100), [{ type: 'selectLayer', layer: 'exclusion' }, stroke(50)]);
    expect(apply(edited, [{ type: 'restoreExclusionDraft', mask: draft }])).toEqual(edited);
    expect(() => apply(initialEditorState(300, 100), [{ type: 'restoreExclusionDraft', mask: draft }])).toThrow(/draft is 200×100/);
  });
});
