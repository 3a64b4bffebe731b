/**
 * Feeds pointer input (already in image pixels) to the active tool's state
 * machine and carries out its effects: live brush segments on the overlay,
 * outlines for the lasso and rectangle, and finished edits for the editor.
 */
import { useRef } from 'react';
import type { ImagePoint, ImagePx } from '../geometry/coords';
import type { Stroke, StrokeMode } from '../mask/maskHistory';
import { IDLE as BRUSH_IDLE, type BrushEffect, type BrushInput, type BrushState } from '../tools/brush/brushState';
import { updateBrush } from '../tools/brush/brushTool';
import { IDLE as LASSO_IDLE, type LassoEffect, type LassoInput, type LassoState } from '../tools/lasso/lassoState';
import { updateLasso } from '../tools/lasso/lassoTool';
import { RECT_IDLE, updateRectangle, type RectEffect, type RectInput, type RectState } from '../tools/rectangle/rectangleTool';
import { toolKind, type ToolDefinition } from '../tools/toolTypes';

export type StageEdit =
  | { readonly type: 'stroke'; readonly stroke: Stroke }
  | { readonly type: 'polygon'; readonly tool: 'lasso' | 'rectangle'; readonly points: readonly ImagePoint[]; readonly mode: StrokeMode }
  | { readonly type: 'bucket'; readonly point: ImagePoint; readonly mode: StrokeMode }
  | { readonly type: 'pick'; readonly point: ImagePoint; readonly mode: StrokeMode }
  | { readonly type: 'pickBox'; readonly from: ImagePoint; readonly to: ImagePoint; readonly mode: StrokeMode }
  /** Spot heal: a click at `point` heals a disc of the brush radius. */
  | { readonly type: 'spot'; readonly point: ImagePoint; readonly radius: ImagePx };

export interface Outline { readonly points: readonly ImagePoint[]; readonly closed: boolean; readonly mode: StrokeMode }

export interface ToolSinks {
  drawSegment(from: ImagePoint, to: ImagePoint, radius: ImagePx, mode: StrokeMode, hardness: number): void;
  settle(): void;
  outline(o: Outline | null): void;
  edit(e: StageEdit): void;
}

export interface PointerSample { readonly point: ImagePoint; readonly alt: boolean; readonly pressure?: number }

export interface ToolRunner {
  /** `hardness` (0..1) applies to brush strokes; absent = hard. */
  down(p: PointerSample, radius: ImagePx, slop: ImagePx, hardness?: number): void;
  move(p: PointerSample): void;
  up(p: PointerSample): void;
  doubleClick(): void;
  key(type: 'close' | 'removeLast' | 'cancel'): void;
  /** True while a gesture is in progress (a stroke, a drag, an open polygon). */
  busy(): boolean;
}

const flip = (mode: StrokeMode, alt: boolean): StrokeMode => (alt ? (mode === 'paint' ? 'erase' : 'paint') : mode);

export function useToolRunner(tool: ToolDefinition, sinks: ToolSinks): ToolRunner {
  const brush = useRef<BrushState>(BRUSH_IDLE);
  const lasso = useRef<LassoState>(LASSO_IDLE);
  const rect = useRef<RectState>(RECT_IDLE);
  /** Select-object tool: a click picks the object under it, a drag the object inside the box. */
  const pick = useRef<{ from: ImagePoint; to: ImagePoint; mode: StrokeMode } | null>(null);
  const s = useRef(sinks);
  s.current = sinks;
  const kind = toolKind(tool);

  const brushEffects = (effects: readonly BrushEffect[]): void => {
    for (const e of effects) {
      if (e.type === 'previewSegment') s.current.drawSegment(e.from, e.to, e.radius, e.mode, e.hardness);
      else if (e.type === 'commitStroke') {
        s.current.edit({ type: 'stroke', stroke: e.stroke });
        requestAnimationFrame(() => s.current.settle());
      } else s.current.settle();
    }
  };
  const outlineEffects = (effects: readonly (LassoEffect | RectEffect)[], which: 'lasso' | 'rectangle'): void => {
    for (const e of effects) {
      if (e.type === 'preview') s.current.outline({ points: e.points, closed: e.closed, mode: e.mode });
      else if (e.type === 'clearPreview') s.current.outline(null);
      else s.current.edit({ type: 'polygon', tool: which, points: e.points, mode: e.mode });
    }
  };
  const feedBrush = (i: BrushInput): void => {
    const t = updateBrush(brush.current, i);
    brush.current = t.state;
    brushEffects(t.effects);
  };
  const feedLasso = (i: LassoInput): void => {
    const t = updateLasso(lasso.current, i);
    lasso.current = t.state;
    outlineEffects(t.effects, 'lasso');
  };
  const feedRect = (i: RectInput): void => {
    const t = updateRectangle(rect.current, i);
    rect.current = t.state;
    outlineEffects(t.effects, 'rectangle');
  };

  return {
    down(p, radius, slop, hardness) {
      const mode = flip(tool.strokeMode, p.alt);
      switch (kind) {
        case 'brush': return feedBrush({ type: 'pointerDown', point: p.point, radius, mode, ...(p.pressure !== undefined ? { pressure: p.pressure } : {}), ...(hardness !== undefined ? { hardness } : {}) });
        case 'lasso': return feedLasso({ type: 'pointerDown', point: p.point, mode, slop });
        case 'rectangle': return feedRect({ type: 'pointerDown', point: p.point, mode });
        case 'bucket': return s.current.edit({ type: 'bucket', point: p.point, mode });
        case 'pick': pick.current = { from: p.point, to: p.point, mode }; return;
        case 'spot': return s.current.edit({ type: 'spot', point: p.point, radius });
      }
    },
    move(p) {
      if (brush.current.kind === 'painting') feedBrush({ type: 'pointerMove', point: p.point, ...(p.pressure !== undefined ? { pressure: p.pressure } : {}) });
      if (lasso.current.kind !== 'idle') feedLasso({ type: 'pointerMove', point: p.point });
      if (rect.current.kind !== 'idle') feedRect({ type: 'pointerMove', point: p.point });
      if (pick.current) {
        pick.current = { ...pick.current, to: p.point };
        const { from: a, to: b } = pick.current;
        s.current.outline({ points: [a, { x: b.x, y: a.y } as ImagePoint, b, { x: a.x, y: b.y } as ImagePoint], closed: true, mode: pick.current.mode });
      }
    },
    up(p) {
      if (brush.current.kind === 'painting') {
        feedBrush({ type: 'pointerMove', point: p.point });
        feedBrush({ type: 'pointerUp' });
      }
      if (lasso.current.kind !== 'idle') feedLasso({ type: 'pointerUp', point: p.point });
      if (rect.current.kind !== 'idle') feedRect({ type: 'pointerUp', point: p.point });
      if (pick.current) {
        const { from, mode } = pick.current;
        pick.current = null;
        s.current.outline(null);
        const dragged = Math.abs(p.point.x - from.x) >= 4 && Math.abs(p.point.y - from.y) >= 4;
        s.current.edit(dragged ? { type: 'pickBox', from, to: p.point, mode } : { type: 'pick', point: from, mode });
      }
    },
    doubleClick() {
      if (lasso.current.kind !== 'idle') feedLasso({ type: 'doubleClick' });
    },
    key(type) {
      if (type === 'cancel') {
        if (brush.current.kind !== 'idle') feedBrush({ type: 'cancel' });
        if (rect.current.kind !== 'idle') feedRect({ type: 'cancel' });
        if (pick.current) { pick.current = null; s.current.outline(null); }
      }
      if (lasso.current.kind !== 'idle') feedLasso({ type });
    },
    busy() {
      return brush.current.kind !== 'idle' || lasso.current.kind !== 'idle' || rect.current.kind !== 'idle' || pick.current !== null;
    },
  };
}
