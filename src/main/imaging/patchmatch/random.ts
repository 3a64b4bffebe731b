/**
 * Small deterministic generators for the search. Every fill job derives its
 * own stream from the user's seed and the job's position, so the result does
 * not depend on how jobs are spread over workers.
 */

/** Mixes a 32-bit value (the finaliser of MurmurHash3). */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function deriveSeed(seed: number, ...parts: readonly number[]): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (const part of parts) h = mix32(h ^ Math.imul(part | 0, 0x27d4eb2d));
  return h;
}

/** Mulberry32: a 32-bit state generator, plenty for random search offsets. */
export class Mulberry32 {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). n <= 2^32. */
  nextInt(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }
}
