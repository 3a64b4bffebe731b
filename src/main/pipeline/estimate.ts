/**
 * Time estimates before a fill starts. PatchMatch cost grows with the hole's
 * area; diffusion cost with steps × samples (batched) plus the detail pass.
 * Each is a rate taken from this machine's recent finished runs (median), or
 * from built-in figures measured on a 2-core CPU when there is no history.
 */
import type { InpaintParams, RunParams } from '../../shared/api';

export interface RunCost { readonly totalMs: number; readonly holePixels: number; readonly params: RunParams }

/** Built-in: PatchMatch ≈ 5 s per hole megapixel per sample; diffusion ≈ 120 ms per step per sample at working size. */
const DEFAULT_PATCHMATCH_MS_PER_HOLE_MP = 5000;
const DEFAULT_DIFFUSION_MS_PER_STEP_SAMPLE = 120;
const FIXED_MS = 300;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const patchMatchUnits = (holePixels: number, samples: number) => Math.max(holePixels, 1) / 1e6 * samples;
const diffusionUnits = (p: Pick<InpaintParams, 'steps' | 'samples'>) => (p.steps ?? 25) * p.samples;

export function estimateFillMs(params: InpaintParams, holePixels: number, history: readonly RunCost[]): { ms: number; basis: 'history' | 'default' } {
  const usable = history.filter((h) => h.params.method === params.method).slice(0, 10);
  if (params.method === 'patchmatch') {
    const units = patchMatchUnits(holePixels, params.samples);
    if (usable.length >= 2) {
      const rate = median(usable.map((h) => Math.max(0, h.totalMs - FIXED_MS) / patchMatchUnits(h.holePixels, h.params.samples)));
      return { ms: FIXED_MS + rate * units, basis: 'history' };
    }
    return { ms: FIXED_MS + DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * units, basis: 'default' };
  }
  // Diffusion: sampling cost plus one PatchMatch detail pass per sample.
  const detail = DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * patchMatchUnits(holePixels, params.samples);
  if (usable.length >= 2) {
    const rate = median(usable.map((h) => Math.max(0, h.totalMs - FIXED_MS - DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * patchMatchUnits(h.holePixels, h.params.samples)) / diffusionUnits(h.params)));
    return { ms: FIXED_MS + detail + rate * diffusionUnits(params), basis: 'history' };
  }
  return { ms: FIXED_MS + detail + DEFAULT_DIFFUSION_MS_PER_STEP_SAMPLE * diffusionUnits(params), basis: 'default' };
}
