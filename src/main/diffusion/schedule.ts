/**
 * Noise schedules and respacing (Ho et al. 2020; Nichol & Dhariwal 2021), in
 * float64, computed exactly as training/inpaint_training/diffusion.py does.
 * A schedule a shipped model was trained with is never changed.
 */

export type ScheduleType = 'linear' | 'cosine';

/** β from 1e-4·(1000/T) to 0.02·(1000/T), as numpy.linspace computes it. */
export function linearBetas(numTimesteps: number): Float64Array {
  const scale = 1000 / numTimesteps;
  const start = scale * 0.0001;
  const stop = scale * 0.02;
  const out = new Float64Array(numTimesteps);
  if (numTimesteps === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (numTimesteps - 1);
  for (let i = 0; i < numTimesteps; i++) out[i] = i * step + start;
  out[numTimesteps - 1] = stop;
  return out;
}

/** ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T) + 0.008)/1.008 · π/2). */
export function cosineAlphaBar(t: number, numTimesteps: number): number {
  const f = (s: number) => Math.cos(((s / numTimesteps) + 0.008) / 1.008 * Math.PI / 2) ** 2;
  return f(t) / f(0);
}

/** β_t = min(1 − ᾱ(t+1)/ᾱ(t), 0.999), t = 0…T−1. */
export function cosineBetas(numTimesteps: number, maxBeta = 0.999): Float64Array {
  const out = new Float64Array(numTimesteps);
  for (let t = 0; t < numTimesteps; t++) {
    out[t] = Math.min(1 - cosineAlphaBar(t + 1, numTimesteps) / cosineAlphaBar(t, numTimesteps), maxBeta);
  }
  return out;
}

export function namedBetas(type: ScheduleType, numTimesteps: number): Float64Array {
  switch (type) {
    case 'linear': return linearBetas(numTimesteps);
    case 'cosine': return cosineBetas(numTimesteps);
  }
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The kept original steps, with guided-diffusion's semantics: "ddimN" picks
 * the smallest integer stride giving exactly N steps; "a,b,c" (or a number)
 * splits T into equal sections and takes evenly strided steps in each, with
 * the float index accumulated by repeated addition and rounded half-to-even.
 * Returns the steps in ascending order.
 */
export function spaceTimesteps(numTimesteps: number, sectionCounts: string | readonly number[]): number[] {
  let counts: readonly number[];
  if (typeof sectionCounts === 'string') {
    if (sectionCounts.startsWith('ddim')) {
      const desired = Number(sectionCounts.slice(4));
      for (let i = 1; i < numTimesteps; i++) {
        const n = Math.ceil(numTimesteps / i);
        if (n === desired) return Array.from({ length: n }, (_, k) => k * i);
      }
      throw new Error(`cannot create exactly ${desired} steps with an integer stride from ${numTimesteps}`);
    }
    counts = sectionCounts.split(',').map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 0) throw new Error(`bad section count "${x}"`);
      return n;
    });
  } else {
    counts = sectionCounts;
  }
  const sizePer = Math.floor(numTimesteps / counts.length);
  const extra = numTimesteps % counts.length;
  let start = 0;
  const steps = new Set<number>();
  counts.forEach((count, i) => {
    const size = sizePer + (i < extra ? 1 : 0);
    if (size < count) throw new Error(`cannot divide section of ${size} steps into ${count}`);
    const stride = count <= 1 ? 1 : (size - 1) / (count - 1);
    let cur = 0;
    for (let k = 0; k < count; k++) {
      steps.add(start + roundHalfEven(cur));
      cur += stride;
    }
    start += size;
  });
  return [...steps].sort((a, b) => a - b);
}

/** Respaced schedule over the kept steps: β'_i = 1 − ᾱ_i/ᾱ_prev_kept. */
export function respaceBetas(alphasCumprod: Float64Array, keep: readonly number[]): { betas: Float64Array; timestepMap: Int32Array } {
  const sorted = [...new Set(keep)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted[0]! < 0 || sorted[sorted.length - 1]! >= alphasCumprod.length) {
    throw new Error(`respacing steps must lie in [0, ${alphasCumprod.length})`);
  }
  const betas = new Float64Array(sorted.length);
  let last = 1;
  sorted.forEach((i, k) => {
    betas[k] = 1 - alphasCumprod[i]! / last;
    last = alphasCumprod[i]!;
  });
  return { betas, timestepMap: Int32Array.from(sorted) };
}
