/**
 * The shipped models, sampled by the TypeScript sampler through ONNX Runtime,
 * against the PyTorch reference sampler running the same EMA weights with
 * the same seed (fixtures/<id>.sampler.json, written by
 * `training/sample_reference.py --run <id> --fixture`).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readManifest, loadModel } from '../inference/models';
import { packageRoot } from '../workers/paths';
import { sample, SeededNoise, type Shape } from './sampler';

interface ModelFixture {
  model: string; onnxSha256: string; shape: [number, number, number]; source: number[]; mask: number[]; tolerance: number;
  cases: { method: 'ddim' | 'ddpm' | 'repaint'; steps: string; eta?: number; strength?: number; jump_length?: number; jump_n_sample?: number;
    seed: number; batch: number; conditioning: 'none' | 'replace' | 'palette'; draws: number; output: number[] }[];
}

const dir = path.join(__dirname, 'fixtures');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.sampler.json'));

describe('shipped models: TypeScript + ONNX Runtime agree with PyTorch', () => {
  it('has a fixture for every shipped diffusion model', () => {
    const shipped = readdirSync(path.join(packageRoot(), 'models')).filter((id) => {
      const m = path.join(packageRoot(), 'models', id, 'manifest.json');
      return existsSync(m) && ['conditional-inpaint', 'unconditional'].includes((JSON.parse(readFileSync(m, 'utf8')) as { kind: string }).kind);
    });
    expect(fixtures.map((f) => f.replace('.sampler.json', '')).sort()).toEqual(shipped.sort());
  });

  for (const file of fixtures) {
    const fx = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ModelFixture;
    it(`${fx.model}: ${fx.cases.map((c) => `${c.method} ${c.steps}`).join(', ')}`, async () => {
      const modelDir = path.join(packageRoot(), 'models', fx.model);
      const manifest = await readManifest(modelDir);
      expect(manifest.sha256, 'the fixture was made from another export of this model; regenerate it').toBe(fx.onnxSha256);
      const model = await loadModel({ dir: modelDir, manifest }, { providers: ['cpu'] });
      try {
        const [c, h, w] = fx.shape;
        for (const k of fx.cases) {
          const n = k.batch;
          const shape: Shape = [n, c, h, w];
          const source = new Float32Array(n * c * h * w);
          const mask = new Float32Array(n * h * w);
          for (let b = 0; b < n; b++) { source.set(fx.source, b * c * h * w); mask.set(fx.mask, b * h * w); }
          let draws = 0;
          const seeded = new SeededNoise(k.seed, shape);
          const x = await sample({
            diffusion: model.diffusion.respaced(k.steps), denoise: model.denoise, shape, method: k.method,
            noise: { draw: () => { draws++; return seeded.draw(); } },
            ...(k.conditioning !== 'none' ? { task: { source, mask }, conditioning: k.conditioning } : {}),
            ...(k.eta !== undefined ? { eta: k.eta } : {}), ...(k.strength !== undefined ? { strength: k.strength, task: { source, mask } } : {}),
            ...(k.jump_length !== undefined ? { jumpLength: k.jump_length } : {}), jumpNSample: k.jump_n_sample ?? 1,
          });
          let worst = 0;
          for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - k.output[i]!));
          console.log(`${fx.model} ${k.method} ${k.steps}${k.eta !== undefined ? ` η=${k.eta}` : ''}${k.strength !== undefined ? ` strength ${k.strength}` : ''}: max |TS − PyTorch| = ${worst.toExponential(2)}`);
          expect(draws).toBe(k.draws);
          expect(worst).toBeLessThan(fx.tolerance);
        }
      } finally {
        await model.close();
      }
    }, 120_000);
  }
});
