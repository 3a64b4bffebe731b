/**
 * The editor paints two masks of the same size: the fill mask (what to
 * replace) and the exclusion mask ("protect from sampling": PatchMatch never
 * takes patches from there). Each has its own undo history; the tools, the
 * whole-mask actions and undo/redo act on the selected layer.
 */
import { createHistory, type MaskHistory } from './maskHistory';
import type { MaskRaster } from './tiledMask';

export type MaskLayer = 'fill' | 'exclusion';

export const MASK_LAYERS: readonly { readonly id: MaskLayer; readonly label: string; readonly hint: string }[] = [
  { id: 'fill', label: 'Fill', hint: 'Paint what should be replaced' },
  { id: 'exclusion', label: 'Protect from sampling', hint: 'Paint where PatchMatch must not take patches from' },
];

/** Overlay colour of the exclusion layer (the fill layer keeps the user's overlay colour). */
export const EXCLUSION_RGB: readonly [number, number, number] = [32, 144, 255];

export interface Layered {
  readonly layer: MaskLayer;
  /** The fill mask's history. */
  readonly history: MaskHistory;
  readonly exclusion: MaskHistory;
}

export function activeHistory(s: Layered): MaskHistory {
  return s.layer === 'exclusion' ? s.exclusion : s.history;
}

/** `s` with the selected layer's history replaced (the other layer untouched). */
export function withActiveHistory<S extends Layered>(s: S, h: MaskHistory): S {
  if (h === activeHistory(s)) return s;
  return s.layer === 'exclusion' ? { ...s, exclusion: h } : { ...s, history: h };
}

/** A restored draft layer: becomes the starting raster of that layer, never over edits already made. */
export function restoredHistory(current: MaskHistory, mask: MaskRaster): MaskHistory {
  if (current.past.length > 0 || current.present.filled > 0) return current;
  if (mask.width !== current.present.width || mask.height !== current.present.height) {
    throw new Error(`draft is ${mask.width}×${mask.height}, the photo ${current.present.width}×${current.present.height}`);
  }
  return { ...createHistory(mask.width, mask.height, current.limits), present: mask };
}
