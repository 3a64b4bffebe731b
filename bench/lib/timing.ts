/** Timing helpers for benchmarks: runs are timed one by one and summarised by their median. */

export interface TimedRuns<T> {
  readonly runsMs: number[];
  readonly medianMs: number;
  readonly last: T;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeRuns<T>(runs: number, run: (index: number) => T | Promise<T>): Promise<TimedRuns<T>> {
  const runsMs: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await run(i);
    runsMs.push(performance.now() - t0);
  }
  return { runsMs, medianMs: median(runsMs), last: last as T };
}
