/**
 * Parity with the Python reference sampler (training/inpaint_training):
 * fixtures/sampler-parity.json was written by scripts/fixtures/sampler_parity.py
 * from the PyTorch implementation. Same schedules, same step sets, and the
 * same outputs for every sampler given the same seed.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GaussianDiffusion, type VarianceType } from './gaussian';
import { sample, SeededNoise, type Denoise, type Shape } from './sampler';
import { spaceTimesteps, type ScheduleType } from './schedule';

interface Case {
  name: string; schedule: ScheduleType; spacing: string; var: VarianceType; method: 'ddpm' | 'ddim' | 'repaint';
  eta?: number; conditioning?: 'replace' | 'palette'; strength?: number; jump_length?: number; jump_n_sample?: number;
  total: number; draws: number; final: number[]; midStep: number; midPredX0: number[];
}
interface Fixture {
  shape: [number, number, number, number]; seed: number; mu: number; s: number; source: number[]; mask: number[]; cases: Case[];
  schedules: Record<ScheduleType, Record<'betas' | 'alphasCumprod' | 'posteriorLogVarianceClipped' | 'posteriorMeanCoef1' | 'posteriorMeanCoef2', number[]>>;
  spacings: Record<string, number[] | string>;
  respacedCosineDdim50: { betas: number[]; timestepMap: number[] };
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sampler-parity.json'), 'utf8')) as Fixture;

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300);
    if (d > worst) worst = d;
  }
  return worst;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The same analytic, nonlinear test network as the Python script, in float32 steps. */
function testNetwork(full: GaussianDiffusion, channels: number, learned: boolean): Denoise {
  const f = Math.fround;
  return async (xIn, t, shape) => {
    const [n, cin, h, w] = shape;
    const hw = h * w;
    const out = new Float32Array(n * (learned ? 2 : 1) * channels * hw);
    for (let b = 0; b < n; b++) {
      const ab = f(full.alphasCumprod[t[b]!]!);
      const k = f(f(Math.sqrt(f(1 - ab))) / f(f(f(ab * f(fixture.s * fixture.s)) + 1) - ab));
      const sqrtAb = f(Math.sqrt(ab));
      for (let p = 0; p < hw; p++) {
        let extra = 0;
        for (let c = channels; c < cin; c++) extra += xIn[(b * cin + c) * hw + p]!;
        const extraMean = cin > channels ? f(extra / (cin - channels)) : 0;
        for (let c = 0; c < channels; c++) {
          const x = xIn[(b * cin + c) * hw + p]!;
          let eps = f(f(k * f(x - f(sqrtAb * fixture.mu))) + f(0.1 * f(Math.sin(f(3 * x)))));
          if (cin > channels) eps = f(eps + f(0.05 * extraMean));
          const o = learned ? 2 * channels : channels;
          out[(b * o + c) * hw + p] = eps;
          if (learned) out[(b * o + channels + c) * hw + p] = Math.tanh(f(x + f(t[b]! / 1000)));
        }
      }
    }
    return out;
  };
}

describe('schedules match the Python side', () => {
  for (const name of ['linear', 'cosine'] as const) {
    it(`${name}: β, ᾱ and posterior coefficients to float64 rounding`, () => {
      const d = GaussianDiffusion.fromSchedule(name, 1000, 'fixed-small');
      const ref = fixture.schedules[name];
      if (name === 'linear') {
        // pure arithmetic: bit for bit
        expect(maxRelDiff(d.betas, ref.betas)).toBe(0);
        expect(maxRelDiff(d.alphasCumprod, ref.alphasCumprod)).toBe(0);
      } else {
        // Math.cos (V8) and glibc's cos may differ in the last bit; β = 1 − ratio
        // cancels, so compare β absolutely at that scale and ᾱ relatively.
        expect(maxAbsDiff(d.betas, ref.betas)).toBeLessThanOrEqual(1e-15);
        expect(maxRelDiff(d.alphasCumprod, ref.alphasCumprod)).toBeLessThanOrEqual(1e-12); // accumulated over 1000 factors, some near 1e-3
      }
      expect(maxRelDiff(d.posteriorLogVarianceClipped, ref.posteriorLogVarianceClipped)).toBeLessThanOrEqual(1e-12);
      // coef1 ∝ β_t: at t = 0, β ≈ 4e-5 carries the cancellation error above (~1e-16 / 4e-5)
      expect(maxRelDiff(d.posteriorMeanCoef1, ref.posteriorMeanCoef1)).toBeLessThanOrEqual(1e-11);
      expect(maxRelDiff(d.posteriorMeanCoef2, ref.posteriorMeanCoef2)).toBeLessThanOrEqual(1e-11);
    });
  }

  it('respaced step sets are identical (including round-half-to-even cases)', () => {
    for (const [key, expected] of Object.entries(fixture.spacings)) {
      const [T, spec] = key.split(':') as [string, string];
      if (typeof expected === 'string') expect(() => spaceTimesteps(Number(T), spec)).toThrow();
      else expect(spaceTimesteps(Number(T), spec), key).toEqual(expected);
    }
    const d = GaussianDiffusion.fromSchedule('cosine', 1000, 'fixed-small').respaced('ddim50');
    expect(Array.from(d.timestepMap)).toEqual(fixture.respacedCosineDdim50.timestepMap);
    expect(maxRelDiff(d.betas, fixture.respacedCosineDdim50.betas)).toBeLessThanOrEqual(1e-12);
  });
});

describe('every sampler matches the PyTorch reference given the same seed', () => {
  const shape = fixture.shape as Shape;
  const task = { source: Float32Array.from(fixture.source), mask: Float32Array.from(fixture.mask) };
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const full = GaussianDiffusion.fromSchedule(c.schedule, 1000, c.var);
      const diffusion = full.respaced(c.spacing);
      let draws = 0;
      const seeded = new SeededNoise(fixture.seed, shape);
      const noise = { draw: () => { draws++; return seeded.draw(); } };
      let mid: Float32Array | null = null;
      let total = 0;
      const x = await sample({
        diffusion, denoise: testNetwork(full, shape[1], c.var === 'learned-range'), noise, shape, method: c.method,
        ...(c.eta !== undefined ? { eta: c.eta } : {}),
        ...(c.conditioning || (c.strength ?? 1) < 1 ? { task } : {}),
        ...(c.conditioning ? { conditioning: c.conditioning } : {}),
        ...(c.strength !== undefined ? { strength: c.strength } : {}),
        jumpLength: c.jump_length ?? 10, jumpNSample: c.jump_n_sample ?? 1,
      }, (s) => { total = s.total; if (s.step === c.midStep) mid = s.predX0 ? s.predX0.slice() : null; });
      expect(total).toBe(c.total);
      expect(draws).toBe(c.draws);
      const finalDiff = maxAbsDiff(x, c.final);
      const midDiff = maxAbsDiff(mid!, c.midPredX0);
      console.log(`${c.name}: max |Δ| final ${finalDiff.toExponential(2)}, x₀ at step ${c.midStep} ${midDiff.toExponential(2)}`);
      expect(finalDiff).toBeLessThan(1e-4);
      expect(midDiff).toBeLessThan(1e-4);
    });
  }
});
