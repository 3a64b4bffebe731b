import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/api';
import { availableMethods, availableSamplers, defaultFillParams, maxSamples, restoreFillParams, toInpaintParams, updateFillParams } from './fillParams';

const info: AppInfo = { version: '0', mode: 'browser', methods: ['patchmatch'], defaultMethod: 'patchmatch', models: [], defaultModel: null, canOpenDialog: false, maxSamples: 16 };
const tiny = { id: 'tiny-inpaint', name: 'Tiny', kind: 'conditional-inpaint', resolution: 32, workingEdge: 64, hasFp16: false, licence: 'x' } as const;
const fmnist = { id: 'fmnist-ddpm', name: 'FMNIST', kind: 'unconditional', resolution: 28, workingEdge: 128, hasFp16: false, licence: 'x' } as const;
const withModels: AppInfo = { ...info, methods: ['patchmatch', 'diffusion'], models: [tiny, fmnist], defaultModel: 'tiny-inpaint', defaultMethod: 'diffusion' };

describe('fill parameters', () => {
  it('offers only the service\'s methods, defaults to 4 samples and clamps numbers', () => {
    const p = defaultFillParams(info);
    expect(p.method).toBe('patchmatch');
    expect(p.samples).toBe(4);
    expect(updateFillParams(p, { type: 'method', value: 'diffusion' }, info)).toBe(p);
    expect(availableMethods(withModels)).toContain('diffusion');
    expect(maxSamples(info)).toBe(16);
    expect(updateFillParams(p, { type: 'samples', value: 99 }, info).samples).toBe(16);
    expect(updateFillParams(p, { type: 'samples', value: 0 }, info).samples).toBe(1);
    expect(updateFillParams(p, { type: 'seed', value: -5 }, info).seed).toBe(0);
    expect(updateFillParams(p, { type: 'seed', value: 2 ** 40 }, info).seed).toBe(0xffffffff);
    expect(updateFillParams(p, { type: 'feather', value: Number.NaN }, info).feather).toBe(p.feather);
    expect(updateFillParams(p, { type: 'steps', value: 5000 }, info).steps).toBe(1000);
    expect(updateFillParams(p, { type: 'strength', value: 1.5 }, info).strength).toBe(1);
    expect(updateFillParams(p, { type: 'strength', value: null }, info).strength).toBeNull();
    expect(toInpaintParams({ ...p, model: 'tiny-inpaint', steps: 9, samples: 2, seed: 3 })).toEqual({ method: 'patchmatch', samples: 2, seed: 3, grow: 0, feather: 4 });
  });

  it('RePaint is offered only for unconditional models; diffusion sends what is set', () => {
    expect(availableSamplers(withModels, 'tiny-inpaint')).toEqual(['ddim', 'ddpm']);
    expect(availableSamplers(withModels, 'fmnist-ddpm')).toEqual(['ddim', 'ddpm', 'repaint']);
    const p = defaultFillParams(withModels);
    expect(p.method).toBe('diffusion');
    expect(updateFillParams(p, { type: 'sampler', value: 'repaint' }, withModels)).toBe(p);
    const rp = updateFillParams(updateFillParams(p, { type: 'model', value: 'fmnist-ddpm' }, withModels), { type: 'sampler', value: 'repaint' }, withModels);
    expect(rp.sampler).toBe('repaint');
    // Switching back to a conditional model drops the sampler it cannot run.
    expect(updateFillParams(rp, { type: 'model', value: 'tiny-inpaint' }, withModels).sampler).toBeNull();
    const d = updateFillParams(updateFillParams(p, { type: 'steps', value: 12 }, withModels), { type: 'strength', value: 0.6 }, withModels);
    expect(toInpaintParams(d)).toEqual({ method: 'diffusion', model: 'tiny-inpaint', samples: 4, seed: 0, grow: 0, feather: 4, steps: 12, strength: 0.6 });
  });

  it('restores the last used parameters, dropping what the service no longer offers', () => {
    const stored = JSON.stringify({ method: 'diffusion', model: 'gone', sampler: 'ddpm', steps: 20, samples: 8, seed: 77, strength: null, feather: 9 });
    const r = restoreFillParams(stored, withModels);
    expect(r).toEqual({ method: 'diffusion', model: 'tiny-inpaint', sampler: 'ddpm', steps: 20, samples: 8, seed: 77, strength: null, feather: 9 });
    expect(restoreFillParams(stored, info).method).toBe('patchmatch');
    expect(restoreFillParams('{not json', info)).toEqual(defaultFillParams(info));
    expect(restoreFillParams(JSON.stringify({ samples: 'x', seed: 5 }), info).seed).toBe(5);
  });
});
