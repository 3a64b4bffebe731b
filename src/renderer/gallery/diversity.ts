/**
 * How different a run's samples are from each other: the mean absolute RGB
 * difference (0..1) of every pair of samples, measured on their display
 * proxies inside the mask's bounding box (outside it they are identical by
 * construction). A set of near-copies scores about 0; unrelated fills of a
 * textured area score 0.1 and up. Pure.
 */

export interface SampleCrop {
  /** RGBA, row-major, the same size for every sample of the set. */
  readonly rgba: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface DiversityReport {
  /** Mean over all pairs; null with fewer than two samples. */
  readonly score: number | null;
  /** pairwise[i][j]: mean absolute difference of samples i and j, 0..1. */
  readonly pairwise: readonly (readonly number[])[];
  /** Per sample: its mean difference to the others (which one stands out). */
  readonly distinctness: readonly number[];
}

export function meanAbsoluteDifference(a: SampleCrop, b: SampleCrop): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`crops differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  const n = a.width * a.height;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n * 4; i += 4) {
    sum += Math.abs(a.rgba[i]! - b.rgba[i]!) + Math.abs(a.rgba[i + 1]! - b.rgba[i + 1]!) + Math.abs(a.rgba[i + 2]! - b.rgba[i + 2]!);
  }
  return sum / (n * 3 * 255);
}

export function diversity(crops: readonly SampleCrop[]): DiversityReport {
  const n = crops.length;
  const pairwise = crops.map(() => new Array<number>(n).fill(0));
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = meanAbsoluteDifference(crops[i]!, crops[j]!);
      pairwise[i]![j] = d;
      pairwise[j]![i] = d;
      total += d;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return {
    score: pairs > 0 ? total / pairs : null,
    pairwise,
    distinctness: pairwise.map((row) => (n > 1 ? row.reduce((s, d) => s + d, 0) / (n - 1) : 0)),
  };
}

/** A word for the score, so the number means something at a glance. */
export function describeDiversity(score: number | null): string {
  if (score === null) return 'one sample';
  if (score < 0.01) return 'nearly identical';
  if (score < 0.04) return 'similar';
  if (score < 0.1) return 'varied';
  return 'very varied';
}
