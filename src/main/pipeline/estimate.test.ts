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
