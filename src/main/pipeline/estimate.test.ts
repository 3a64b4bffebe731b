import { describe, expect, it } from 'vitest';
import { inpaintParamsSchema, type RunParams } from '../../shared/api';
import { estimateFillMs } from './estimate';

const pm = (samples = 1) => inpaintParamsSchema.parse({ method: 'patchmatch', samples });
const run = (totalMs: number, holePixels: number, params: RunParams) => ({ totalMs, holePixels, params });

describe('fill time estimates', () => {
  it('use built-in rates without history and scale with hole area and samples', () => {
    const one = estimateFillMs(pm(), 1e6, []);
    expect(one.basis).toBe('default');
    expect(estimateFillMs(pm(4), 1e6, []).ms - 300).toBeCloseTo(4 * (one.ms - 300), 6);
    expect(estimateFillMs(pm(), 2e6, []).ms - 300).toBeCloseTo(2 * (one.ms - 300), 6);
  });
  it('learn this machine\'s rate from finished runs', () => {
    // this machine: 2.3 s for 0.5 MP and 4.3 s for 1 MP => 4 s per MP beyond the fixed 0.3 s
    const history = [run(2300, 5e5, pm()), run(4300, 1e6, pm())];
    const e = estimateFillMs(pm(2), 1e6, history);
    expect(e.basis).toBe('history');
    expect(e.ms).toBeCloseTo(300 + 2 * 4000, 6);
  });
  it('diffusion grows with steps × samples', () => {
    const d = (steps: number, samples: number) => inpaintParamsSchema.parse({ method: 'diffusion', steps, samples });
    const a = estimateFillMs(d(25, 1), 1e4, []).ms, b = estimateFillMs(d(50, 1), 1e4, []).ms, c = estimateFillMs(d(25, 2), 1e4, []).ms;
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(a);
  });
});

describe('diffusion estimates follow what is sampled', () => {
  const d = (extra: Record<string, unknown> = {}) => inpaintParamsSchema.parse({ method: 'diffusion', steps: 25, samples: 4, ...extra });
  it('sampling grows with the working pixels of all hole groups, the detail pass with the hole area', () => {
    const one = estimateFillMs(d(), 1e5, [], 128 * 128).ms;
    const three = estimateFillMs(d(), 1e5, [], 3 * 128 * 128).ms;
    // built-in rates: 4.6 s per step·sample·working MP and 5 s per hole MP·sample
    expect(three - one).toBeCloseTo(4600 * 25 * 4 * (2 * 128 * 128) / 1e6, 6);
    const bigger = estimateFillMs(d(), 3e5, [], 128 * 128).ms;
    expect(bigger - one).toBeCloseTo(5000 * 0.2 * 4, 6);
  });
  it('learns the sampling and detail rates separately from runs that recorded their split', () => {
    // this machine: 3 ms per step·sample·working kilopixel... i.e. 3000 ms per step·sample·MP; 8 s per hole MP·sample
    const mk = (steps: number, samples: number, working: number, hole: number) => {
      const params = d({ steps, samples });
      const samplingMs = 3000 * steps * samples * working / 1e6, detailMs = 8000 * samples * hole / 1e6;
      return { totalMs: samplingMs + detailMs + 500, holePixels: hole, params, samplingMs, detailMs, workingPixels: working };
    };
    const history = [mk(25, 4, 16384, 2e5), mk(50, 1, 3 * 16384, 1e6), mk(10, 2, 9000, 5e4)];
    const e = estimateFillMs(d({ steps: 20, samples: 3 }), 4e5, history, 2 * 16384);
    expect(e.basis).toBe('history');
    expect(e.ms).toBeCloseTo(300 + 3000 * 20 * 3 * (2 * 16384) / 1e6 + 8000 * 3 * 0.4, 6);
  });
  it('prefers runs of the same model when there are at least two', () => {
    const run = (model: string, rate: number) => {
      const params = d({ model });
      const samplingMs = rate * 25 * 4 * 16384 / 1e6;
      return { totalMs: samplingMs + 1000, holePixels: 1e5, params, samplingMs, detailMs: 1000 - 300, workingPixels: 16384 };
    };
    const history = [run('big', 40000), run('small', 2000), run('big', 40000), run('small', 2000)];
    const small = estimateFillMs(d({ model: 'small' }), 1e5, history, 16384).ms;
    const big = estimateFillMs(d({ model: 'big' }), 1e5, history, 16384).ms;
    expect(big - small).toBeCloseTo((40000 - 2000) * 25 * 4 * 16384 / 1e6, 6);
  });
  it('older runs without a split still calibrate sampling (the detail pass at its built-in rate)', () => {
    const params = d();
    const samplingMs = 6000;
    const history = [0, 1].map(() => ({ totalMs: 300 + samplingMs + 5000 * 4 * 0.1, holePixels: 1e5, params }));
    const e = estimateFillMs(params, 1e5, history, 128 * 128);
    expect(e.basis).toBe('history');
    expect(e.ms).toBeCloseTo(300 + samplingMs + 5000 * 4 * 0.1, 6);
  });
});
