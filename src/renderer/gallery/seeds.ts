/** Seeds for "more like this": the nearest unused block of seeds after a sample's own. Pure. */

/**
 * The service gives sample i of a run the seed `seed + i` (mod 2³²). Returns
 * the base seed of the first block of `count` consecutive seeds after
 * `from` that no earlier sample used, so a re-run explores the chosen
 * sample's neighbourhood without repeating a result.
 */
export function nearbySeedBase(from: number, count: number, used: ReadonlySet<number>): number {
  const n = Math.max(1, Math.floor(count));
  let base = (from + 1) >>> 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    let clash = -1;
    for (let i = 0; i < n; i++) if (used.has((base + i) >>> 0)) clash = i;
    if (clash < 0) return base;
    base = (base + clash + 1) >>> 0;
  }
  return base;
}
