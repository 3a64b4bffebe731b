import { describe, expect, it } from 'vitest';
import { GaussianDiffusion } from './gaussian';
import { sample, SeededNoise, type Denoise, type Shape } from './sampler';
import { repaintMoves, startLevelForStrength } from './moves';

/**
 * For data x₀ ~ N(μ, s²) (independent pixels) the optimal ε-predictor is
 * analytic: x_t ~ N(√ᾱ μ, ᾱ s² + 1 − ᾱ) and
 * E[ε | x_t] = √(1−ᾱ) (x_t − √ᾱ μ) / (ᾱ s² + 1 − ᾱ).
 * Sampling with it must return data with mean μ and variance s².
 */
function gaussianOptimalDenoiser(full: GaussianDiffusion, mu: number, s: number): Denoise {
  return async (x, t) => {
    const out = new Float32Array(x.length);
    const per = x.length / t.length;
    for (let b = 0; b < t.length; b++) {
      const ab = full.alphasCumprod[t[b]!]!;
      const k = Math.sqrt(1 - ab) / (ab * s * s + 1 - ab);
      for (let i = b * per; i < (b + 1) * per; i++) out[i] = k * (x[i]! - Math.sqrt(ab) * mu);
    }
    return out;
  };
}

function moments(x: Float32Array): { mean: number; variance: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let v2 = 0;
  for (const v of x) v2 += (v - m) ** 2;
  return { mean: m, variance: v2 / (x.length - 1) };
}

describe('closed form: Gaussian data', () => {
  const mu = 0.3, s = 0.2;
  const shape: Shape = [2, 1, 64, 64]; // 8192 independent draws
  const n = 8192;
  // Sampling error bounds at ~4 standard errors; the rest is the sampler's own bias.
  const meanTol = 4 * s / Math.sqrt(n);
  const varRelTol = 4 * Math.sqrt(2 / n);

  for (const [name, schedule, steps, method, variance] of [
    ['DDPM, cosine, 1000 steps, fixed-small', 'cosine', null, 'ddpm', 'fixed-small'],
    ['DDPM, linear, 250 respaced steps, fixed-large', 'linear', '250', 'ddpm', 'fixed-large'],
    ['DDIM η=0, cosine, 100 steps', 'cosine', 'ddim100', 'ddim', 'fixed-small'],
  ] as const) {
    it(`${name} returns mean μ and variance s²`, async () => {
      const full = GaussianDiffusion.fromSchedule(schedule, 1000, variance);
      const diffusion = steps ? full.respaced(steps) : full;
      const x = await sample({
        diffusion, denoise: gaussianOptimalDenoiser(full, mu, s), noise: new SeededNoise(2024, shape), shape, method, clip: false,
      });
      const m = moments(x);
      expect(Math.abs(m.mean - mu)).toBeLessThan(meanTol);
      expect(Math.abs(m.variance / (s * s) - 1)).toBeLessThan(varRelTol);
    });
  }

  it('the same seed gives a bit-identical sample; another seed does not', async () => {
    const full = GaussianDiffusion.fromSchedule('cosine', 1000, 'fixed-small');
    const diffusion = full.respaced('ddim20');
    const run = (seed: number) => sample({ diffusion, denoise: gaussianOptimalDenoiser(full, mu, s), noise: new SeededNoise(seed, [1, 1, 8, 8]), shape: [1, 1, 8, 8], method: 'ddpm' });
    const a = await run(5), b = await run(5), c = await run(6);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('a sample does not depend on its batch', async () => {
    const full = GaussianDiffusion.fromSchedule('cosine', 1000, 'fixed-small');
    const diffusion = full.respaced('ddim10');
    const denoise = gaussianOptimalDenoiser(full, mu, s);
    const batch = await sample({ diffusion, denoise, noise: new SeededNoise(40, [3, 1, 4, 4]), shape: [3, 1, 4, 4], method: 'ddpm' });
    const single = await sample({ diffusion, denoise, noise: new SeededNoise(41, [1, 1, 4, 4]), shape: [1, 1, 4, 4], method: 'ddpm' });
    expect(Array.from(batch.subarray(16, 32))).toEqual(Array.from(single));
  });
});

describe('inpainting hooks keep the known region', () => {
  it('replace and palette never change known pixels of the output', async () => {
    const full = GaussianDiffusion.fromSchedule('cosine', 1000, 'fixed-small');
    const diffusion = full.respaced('ddim10');
    const shape: Shape = [1, 3, 8, 8];
    const source = Float32Array.from({ length: 192 }, (_, i) => Math.sin(i) * 0.5);
    const mask = Float32Array.from({ length: 64 }, (_, p) => (p % 8 >= 3 && p % 8 < 6 ? 1 : 0));
    const eps: Denoise = async (x, _t, s) => new Float32Array((x.length / s[1]) * 3);
    for (const conditioning of ['replace', 'palette'] as const) {
      const x = await sample({ diffusion, denoise: eps, noise: new SeededNoise(1, shape), shape, method: conditioning === 'replace' ? 'repaint' : 'ddim', task: { source, mask }, conditioning, jumpLength: 3, jumpNSample: 2 });
      for (let c = 0; c < 3; c++) for (let p = 0; p < 64; p++) {
        if (mask[p] === 0) expect(x[c * 64 + p]).toBe(source[c * 64 + p]);
      }
    }
  });
});

describe('RePaint move schedule', () => {
  it('is plain descent with one sample per jump point', () => {
    expect(repaintMoves(9, 10, 1)).toEqual(Array(10).fill('reverse'));
  });
  it('counts network calls like the paper (T=250, j=10, r=10: about 2,400)', () => {
    const moves = repaintMoves(249, 10, 10);
    const reverses = moves.filter((m) => m === 'reverse').length;
    const undos = moves.filter((m) => m === 'undo').length;
    // 25 jump points × 9 resamplings × 10 steps up and down again, plus the base descent
    expect(undos).toBe(25 * 9 * 10);
    expect(reverses).toBe(250 + 25 * 9 * 10);
    // every prefix stays within [−1, 249]
    let level = 249;
    for (const m of moves) {
      level += m === 'undo' ? 1 : -1;
      expect(level).toBeGreaterThanOrEqual(-1);
      expect(level).toBeLessThanOrEqual(249);
    }
    expect(level).toBe(-1);
  });
  it('strength picks the start level', () => {
    expect(startLevelForStrength(50, 1)).toBe(49);
    expect(startLevelForStrength(50, 0.5)).toBe(24);
    expect(startLevelForStrength(50, 0.01)).toBe(0);
    expect(() => startLevelForStrength(50, 0)).toThrow();
  });
});

describe('buffers reused across steps never leak into what the sampler hands out', () => {
  const full = GaussianDiffusion.fromSchedule('cosine', 1000, 'learned-range');
  const shape: Shape = [2, 3, 6, 5];
  const size = 2 * 3 * 30;
  const source = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.7) * 0.6);
  const mask = Float32Array.from({ length: 60 }, (_, p) => (p % 5 >= 2 ? 1 : 0));
  // A network whose output depends on its input and timestep, so every step's state differs.
  const net: Denoise = async (x, t, s) => {
    const [n, cin, h, w] = s;
    const hw = h * w;
    const out = new Float32Array(n * 6 * hw);
    for (let b = 0; b < n; b++) for (let c = 0; c < 6; c++) for (let p = 0; p < hw; p++) {
      out[(b * 6 + c) * hw + p] = Math.tanh(x[(b * cin + (c % 3)) * hw + p]! * 0.8 + t[b]! / 2000);
    }
    return out;
  };
  const cases = [
    { method: 'ddim', conditioning: 'palette', eta: 0 },
    { method: 'ddim', conditioning: 'replace', eta: 0.5 },
    { method: 'ddpm', conditioning: 'replace' },
    { method: 'ddpm', conditioning: 'none', strength: 0.6 },
    { method: 'repaint', conditioning: 'replace', jumpLength: 2, jumpNSample: 3 },
  ] as const;
  for (const k of cases) {
    it(`${k.method} / ${k.conditioning}: yielded x and x̂₀ are never overwritten by later steps`, async () => {
      const held: { x: Float32Array; predX0: Float32Array | null; xCopy: Float32Array; predCopy: Float32Array | null }[] = [];
      await sample({ diffusion: full.respaced('8'), denoise: net, noise: new SeededNoise(9, shape), shape, task: { source, mask }, ...k }, (s) => {
        held.push({ x: s.x, predX0: s.predX0, xCopy: s.x.slice(), predCopy: s.predX0 ? s.predX0.slice() : null });
      });
      expect(held.length).toBeGreaterThanOrEqual(5); // 8 steps; 5 at strength 0.6
      const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      for (const [i, h] of held.entries()) {
        expect(same(h.x, h.xCopy), `x of step ${i + 1} changed after it was yielded`).toBe(true);
        if (h.predX0) expect(same(h.predX0, h.predCopy!), `x̂₀ of step ${i + 1} changed after it was yielded`).toBe(true);
      }
      // and the states really move: consecutive states differ
      expect(same(held[0]!.x, held[1]!.x)).toBe(false);
    });
  }

  it('a noise source that returns its own arrays gives the same bits as one that fills the sampler\'s buffer', async () => {
    const diffusion = full.respaced('6');
    for (const method of ['ddpm', 'repaint'] as const) {
      const filling = new SeededNoise(21, shape);
      const allocating = new SeededNoise(21, shape);
      let filled = 0;
      const a = await sample({ diffusion, denoise: net, shape, method, conditioning: 'replace', task: { source, mask }, jumpLength: 2, jumpNSample: 2,
        noise: { draw: (out) => { filled += out ? 1 : 0; return filling.draw(out); } } });
      const b = await sample({ diffusion, denoise: net, shape, method, conditioning: 'replace', task: { source, mask }, jumpLength: 2, jumpNSample: 2,
        noise: { draw: () => allocating.draw() } });
      expect(filled).toBeGreaterThan(0);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    }
  });

  it('SeededNoise fills the buffer it is given, in the order of fresh draws, and rejects a wrong size', () => {
    const a = new SeededNoise(5, [2, 1, 3, 3]);
    const b = new SeededNoise(5, [2, 1, 3, 3]);
    const buf = new Float32Array(18);
    for (let k = 0; k < 3; k++) {
      const filled = a.draw(buf);
      expect(filled).toBe(buf);
      expect(Array.from(filled)).toEqual(Array.from(b.draw()));
    }
    expect(() => a.draw(new Float32Array(17))).toThrow(/noise buffer has 17 values/);
  });
});
