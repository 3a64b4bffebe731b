/**
 * One method's scores on one (photo, mask) case, from its N full-frame
 * results, and the means over cases that the tables show. Pure.
 */
import { diversity, l1OfMean, maskedL1, maskedPsnr, maskedSsim, outsideChange, type Rgb8 } from './fidelity';
import { realismScores } from './realism';
import { compareSpectra } from './spectrum';

export interface CaseScores {
  readonly samples: number;
  /** Mean over samples of the masked L1 (0..1). */
  readonly l1: number;
  /** Best (lowest) single-sample L1. */
  readonly l1Best: number;
  /** L1 of the per-pixel mean of the samples. */
  readonly l1OfMean: number;
  /** Mean over samples, dB (Infinity only for an exact copy). */
  readonly psnr: number;
  readonly ssim: number;
  readonly hfRatio: number;
  readonly gradRatio: number;
  readonly gradW1: number;
  readonly seam: number;
  readonly specHighDb: number;
  readonly specLowDb: number;
  /** Per-bin mean spectrum ratio in dB (for plots). */
  readonly specCurveDb: readonly number[];
  /** Max over samples of the largest change outside the mask (must be 0). */
  readonly outsideMax: number;
  readonly outsideChanged: number;
  readonly diversity: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function scoreCase(original: Rgb8, results: readonly Rgb8[], mask: Uint8Array, ring: Uint8Array): CaseScores {
  if (results.length === 0) throw new Error('no results to score');
  const l1s = results.map((r) => maskedL1(original, r, mask));
  const realism = results.map((r) => realismScores(r, mask, ring));
  const spectra = results.map((r) => compareSpectra(original, r, mask));
  const outside = results.map((r) => outsideChange(original, r, mask));
  const bins = spectra[0]!.curveDb.length;
  return {
    samples: results.length,
    l1: mean(l1s),
    l1Best: Math.min(...l1s),
    l1OfMean: l1OfMean(results, original, mask),
    psnr: mean(results.map((r) => maskedPsnr(original, r, mask))),
    ssim: mean(results.map((r) => maskedSsim(original, r, mask))),
    hfRatio: mean(realism.map((s) => s.hfRatio)),
    gradRatio: mean(realism.map((s) => s.gradRatio)),
    gradW1: mean(realism.map((s) => s.gradW1)),
    seam: mean(realism.map((s) => s.seam)),
    specHighDb: mean(spectra.map((s) => s.highDb)),
    specLowDb: mean(spectra.map((s) => s.lowDb)),
    specCurveDb: Array.from({ length: bins }, (_, k) => mean(spectra.map((s) => s.curveDb[k]!))),
    outsideMax: Math.max(...outside.map((o) => o.maxAbs)),
    outsideChanged: Math.max(...outside.map((o) => o.changedPixels)),
    diversity: diversity(results, mask),
  };
}

/** The numeric columns averaged in summary tables (outsideMax is a max, not a mean). */
export const SUMMARY_COLUMNS = ['l1', 'l1Best', 'l1OfMean', 'psnr', 'ssim', 'hfRatio', 'gradRatio', 'gradW1', 'seam', 'specHighDb', 'specLowDb', 'diversity'] as const;
export type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];

export interface Summary {
  readonly cases: number;
  readonly means: Readonly<Record<SummaryColumn, number>>;
  readonly outsideMax: number;
  readonly millisPerSample: number;
}

/**
 * Means over cases. NaN values (a proxy undefined for a case, e.g. a seam
 * for a mask covering the frame's edge only) are left out of that column's
 * mean; an infinite PSNR (exact copy) makes the mean infinite.
 */
export function summarise(rows: readonly { scores: CaseScores; millisPerSample: number }[]): Summary {
  const means = {} as Record<SummaryColumn, number>;
  for (const col of SUMMARY_COLUMNS) {
    const vals = rows.map((r) => r.scores[col]).filter((v) => !Number.isNaN(v));
    means[col] = vals.length ? mean(vals) : NaN;
  }
  return {
    cases: rows.length,
    means,
    outsideMax: rows.length ? Math.max(...rows.map((r) => r.scores.outsideMax)) : NaN,
    millisPerSample: rows.length ? mean(rows.map((r) => r.millisPerSample)) : NaN,
  };
}
