/**
 * Peak resident memory of this process (worker threads included) while an
 * async task runs, sampled on a timer. The task must leave the event loop
 * free (work in workers or child processes), or the sampler cannot run;
 * process.resourceUsage().maxRSS gives the lifetime peak as a cross-check.
 */

export interface PeakMemory<T> {
  readonly result: T;
  readonly peakRssBytes: number;
  readonly baselineRssBytes: number;
}

export async function trackPeakRss<T>(task: () => Promise<T>, intervalMs = 20): Promise<PeakMemory<T>> {
  const baselineRssBytes = process.memoryUsage.rss();
  let peak = baselineRssBytes;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, intervalMs);
  try {
    const result = await task();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakRssBytes: peak, baselineRssBytes };
  } finally {
    clearInterval(timer);
  }
}

/** Lifetime peak RSS of this process in bytes. */
export function lifetimeMaxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function megabytes(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
