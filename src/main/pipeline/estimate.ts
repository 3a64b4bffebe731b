/**
 * Time estimates before a fill starts. PatchMatch cost grows with the hole's
 * area × samples. Diffusion cost has two parts: sampling, which grows with
 * steps × samples × the working pixels of all hole groups (each group is a
 * crop of its own), and the full-resolution detail pass, which grows with the
 * hole's area × samples like PatchMatch. Each rate is the median of this
 * machine's recent finished runs (of the same model, when there are enough),
 * or a built-in figure measured on a 2-core CPU when there is no history.
 */
import type { InpaintParams, RunParams } from '../../shared/api';

export interface RunCost {
  readonly totalMs: number;
  readonly holePixels: number;
  readonly params: RunParams;
  /** Diffusion runs record how their time split; older runs have only totalMs. */
  readonly samplingMs?: number;
  readonly detailMs?: number;
  readonly workingPixels?: number;
}

/**
 * Built-in rates (2-core CPU, DESIGN.md §8's laptop class): PatchMatch ≈ 5 s per
 * hole megapixel per sample (the guided detail pass measures the same); the
 * default model's sampling ≈ 4.6 s per step per sample per working megapixel
 * (75 ms per step and sample for one 128 × 128 crop).
 */
const DEFAULT_PATCHMATCH_MS_PER_HOLE_MP = 5000;
const DEFAULT_SAMPLING_MS_PER_WORKING_MP = 4600;
/** One 128-px crop: what a diffusion fill samples when the caller does not say. */
const DEFAULT_WORKING_PIXELS = 128 * 128;
const FIXED_MS = 300;
const MIN_HISTORY = 2;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const holeUnits = (holePixels: number, samples: number) => Math.max(holePixels, 1) / 1e6 * samples;
const samplingUnits = (p: Pick<InpaintParams, 'steps' | 'samples'>, workingPixels: number) => (p.steps ?? 25) * p.samples * (workingPixels / 1e6);

/** Runs of the same model when there are enough of them, else all runs of the method. */
function sameModel(runs: readonly RunCost[], model: string | null | undefined): readonly RunCost[] {
  const own = runs.filter((h) => (h.params.model ?? null) === (model ?? null));
  return own.length >= MIN_HISTORY ? own : runs;
}

export function estimateFillMs(params: InpaintParams, holePixels: number, history: readonly RunCost[], workingPixels = DEFAULT_WORKING_PIXELS): { ms: number; basis: 'history' | 'default' } {
  const usable = history.filter((h) => h.params.method === params.method).slice(0, 10);
  if (params.method === 'patchmatch') {
    const units = holeUnits(holePixels, params.samples);
    if (usable.length >= MIN_HISTORY) {
      const rate = median(usable.map((h) => Math.max(0, h.totalMs - FIXED_MS) / holeUnits(h.holePixels, h.params.samples)));
      return { ms: FIXED_MS + rate * units, basis: 'history' };
    }
    return { ms: FIXED_MS + DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * units, basis: 'default' };
  }
  const sampling = samplingUnits(params, workingPixels);
  const detail = holeUnits(holePixels, params.samples);
  const runs = sameModel(usable, params.model);
  // Runs that recorded their split give both rates directly.
  const split = runs.filter((h) => h.samplingMs !== undefined && h.detailMs !== undefined && h.workingPixels);
  if (split.length >= MIN_HISTORY) {
    const sRate = median(split.map((h) => h.samplingMs! / samplingUnits(h.params, h.workingPixels!)));
    const dRate = median(split.map((h) => h.detailMs! / holeUnits(h.holePixels, h.params.samples)));
    return { ms: FIXED_MS + sRate * sampling + dRate * detail, basis: 'history' };
  }
  // Older runs: the built-in detail rate, the rest attributed to sampling.
  if (runs.length >= MIN_HISTORY) {
    const sRate = median(runs.map((h) => Math.max(0, h.totalMs - FIXED_MS - DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * holeUnits(h.holePixels, h.params.samples))
      / samplingUnits(h.params, h.workingPixels ?? DEFAULT_WORKING_PIXELS)));
    return { ms: FIXED_MS + sRate * sampling + DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * detail, basis: 'history' };
  }
  return { ms: FIXED_MS + DEFAULT_SAMPLING_MS_PER_WORKING_MP * sampling + DEFAULT_PATCHMATCH_MS_PER_HOLE_MP * detail, basis: 'default' };
}
