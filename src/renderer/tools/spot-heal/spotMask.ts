/**
 * The mask of one spot heal: a disc of the brush radius around the click, in
 * full-resolution image pixels. A pixel belongs to the disc when its centre
 * lies inside the circle (the brush's pixel-centre rule).
 */
import type { InpaintParams } from '../../../shared/api';
import { createMask, writeSpans, type MaskRaster } from '../../mask/tiledMask';

export interface SpotCircle { readonly x: number; readonly y: number; readonly radius: number }

/** The disc as a mask, or null when no pixel centre of the photo lies inside it (a click off the photo). */
export function spotMask(width: number, height: number, c: SpotCircle): MaskRaster | null {
  if (!(Number.isFinite(c.x) && Number.isFinite(c.y) && Number.isFinite(c.radius) && c.radius > 0)) {
    throw new Error(`a spot needs a finite centre and a positive radius, got (${c.x}, ${c.y}) r=${c.radius}`);
  }
  const r2 = c.radius * c.radius;
  const mask = writeSpans(createMask(width, height), 255, (write) => {
    const y0 = Math.max(0, Math.floor(c.y - c.radius - 0.5));
    const y1 = Math.min(height - 1, Math.ceil(c.y + c.radius - 0.5));
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - c.y;
      if (dy * dy > r2) continue;
      const half = Math.sqrt(r2 - dy * dy);
      const x0 = Math.max(0, Math.ceil(c.x - half - 0.5));
      const x1 = Math.min(width - 1, Math.floor(c.x + half - 0.5));
      if (x1 >= x0) write(y, x0, x1);
    }
  });
  return mask.filled === 0 ? null : mask;
}

/**
 * Parameters of a heal: one PatchMatch sample, no grow and no feather.
 * PatchMatch already continues the texture across the disc's edge, and the
 * feather's weights are computed over the whole frame (seconds on 24 MP,
 * measured in bench/spot-heal.bench.ts), which would undo the point of a
 * one-click heal.
 */
export function spotParams(seed: number): InpaintParams {
  return { method: 'patchmatch', samples: 1, seed, grow: 0, feather: 0, model: null, sampler: null, steps: null, strength: null };
}

/**
 * Heals queue up: a click made on version A while A's earlier heal (A -> B)
 * was still running must heal B. Follows `produced` (base -> result) to the
 * newest version.
 */
export function latestVersion(produced: ReadonlyMap<number, number>, versionId: number): number {
  let v = versionId;
  for (let guard = 0; guard <= produced.size; guard++) {
    const next = produced.get(v);
    if (next === undefined) return v;
    v = next;
  }
  throw new Error(`the spot heal chain from version ${versionId} loops`);
}
