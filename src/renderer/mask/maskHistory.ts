/**
 * Mask edits as named actions with a pure `perform(state, input)` (STYLE.md
 * §6). Each result says whether it is an undo step; the history keeps the
 * previous rasters, which share every tile an edit did not touch, and is
 * bounded both in steps and in bytes of tiles it keeps alive.
 */
import type { ImagePoint, ImagePx } from '../geometry/coords';
import { weightToMaskValue } from '../../shared/mask-ops';
import { rasterizeSoftStroke, rasterizeStroke } from '../tools/brush/strokeRaster';
import { changedTiles, createMask, tileBytes, writeSpans, writeSpanValues, type MaskRaster } from './tiledMask';

export interface ActionResult { readonly state: MaskRaster; readonly undoable: boolean }

export interface MaskAction<I> {
  readonly name: string;
  perform(state: MaskRaster, input: I): ActionResult;
}

export type StrokeMode = 'paint' | 'erase';

export interface Stroke {
  readonly mode: StrokeMode;
  readonly radius: ImagePx;
  readonly points: readonly ImagePoint[];
  /** Per-point radius from pen pressure; absent for a mouse (every point uses `radius`). */
  readonly radii?: readonly ImagePx[];
  /**
   * 0..1; absent or 1 = a hard brush. Below 1 the stroke's strength falls
   * linearly from hardness·radius to the radius: painting raises pixels to
   * that fill level (a partial blend), erasing lowers them by it.
   */
  readonly hardness?: number;
}

export const paintStroke: MaskAction<Stroke> = {
  name: 'Brush stroke',
  perform(state, stroke) {
    const hardness = stroke.hardness ?? 1;
    if (hardness >= 1) {
      const next = writeSpans(state, stroke.mode === 'paint' ? 255 : 0, (write) =>
        rasterizeStroke(stroke.points, stroke.radius, state, write, stroke.radii));
      return { state: next, undoable: next !== state };
    }
    // Paint keeps the higher level, erase the lower: strength s paints level(s) and erases down to level(1 − s).
    const paint = stroke.mode === 'paint';
    const next = writeSpanValues(state, paint ? 'max' : 'min', (write) =>
      rasterizeSoftStroke(stroke.points, stroke.radius, hardness, state, (y, x0, x1, strength) =>
        write(y, x0, x1, typeof strength === 'number'
          ? weightToMaskValue(paint ? strength : 1 - strength)
          : (x) => weightToMaskValue(paint ? strength(x) : 1 - strength(x))), stroke.radii));
    return { state: next, undoable: next !== state };
  },
};

export const clearMask: MaskAction<void> = {
  name: 'Clear mask',
  perform(state) {
    if (state.filled === 0) return { state, undoable: false };
    return { state: createMask(state.width, state.height), undoable: true };
  },
};

export interface HistoryEntry {
  readonly name: string;
  readonly state: MaskRaster;
  /** Tile bytes this entry alone keeps alive. */
  readonly bytes: number;
}

export interface HistoryLimits { readonly maxSteps: number; readonly maxBytes: number }

export const DEFAULT_LIMITS: HistoryLimits = { maxSteps: 100, maxBytes: 256 * 1024 * 1024 };

export interface MaskHistory {
  readonly present: MaskRaster;
  readonly past: readonly HistoryEntry[];
  readonly future: readonly HistoryEntry[];
  readonly limits: HistoryLimits;
}

export function createHistory(width: number, height: number, limits: HistoryLimits = DEFAULT_LIMITS): MaskHistory {
  return { present: createMask(width, height), past: [], future: [], limits };
}

function entry(name: string, kept: MaskRaster, other: MaskRaster): HistoryEntry {
  return { name, state: kept, bytes: changedTiles(other, kept).length * tileBytes() };
}

function trim(past: readonly HistoryEntry[], limits: HistoryLimits): readonly HistoryEntry[] {
  let start = Math.max(0, past.length - limits.maxSteps);
  let bytes = 0;
  for (let i = start; i < past.length; i++) bytes += past[i]!.bytes;
  while (start < past.length && bytes > limits.maxBytes) bytes -= past[start++]!.bytes;
  return start === 0 ? past : past.slice(start);
}

export function perform<I>(history: MaskHistory, action: MaskAction<I>, input: I): MaskHistory {
  const result = action.perform(history.present, input);
  if (result.state === history.present) return history;
  if (!result.undoable) return { ...history, present: result.state };
  const past = trim([...history.past, entry(action.name, history.present, result.state)], history.limits);
  return { ...history, present: result.state, past, future: [] };
}

export function canUndo(history: MaskHistory): boolean {
  return history.past.length > 0;
}

export function canRedo(history: MaskHistory): boolean {
  return history.future.length > 0;
}

export function undo(history: MaskHistory): MaskHistory {
  const last = history.past[history.past.length - 1];
  if (!last) return history;
  return {
    ...history,
    present: last.state,
    past: history.past.slice(0, -1),
    future: [...history.future, entry(last.name, history.present, last.state)],
  };
}

export function redo(history: MaskHistory): MaskHistory {
  const next = history.future[history.future.length - 1];
  if (!next) return history;
  return {
    ...history,
    present: next.state,
    past: trim([...history.past, entry(next.name, history.present, next.state)], history.limits),
    future: history.future.slice(0, -1),
  };
}
