/**
 * The fp16 variant made by training/export_fp16.py, run through the studio's
 * own loading and sampling path on the CPU: a copy of tiny-inpaint is
 * converted in a temporary model folder, then the fp16 and fp32 files are
 * compared per network call and over a whole 10-step DDIM sample.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModel, readManifest, type InstalledModel, type LoadedModel } from './models';
import { packageRoot } from '../workers/paths';
import { sample, SeededNoise, type Shape } from '../diffusion/sampler';

const python = '/usr/bin/python3';
const root = packageRoot();
const source = path.join(root, 'models', 'tiny-inpaint');
const probe = existsSync(python) ? spawnSync(python, ['-c', 'import onnx, numpy'], { encoding: 'utf8' }) : null;
const unavailable = !probe || probe.status !== 0;
if (unavailable) console.warn(`fp16 tests SKIPPED: ${python} with python3-onnx and python3-numpy is not installed here (.ci/run installs them).`);

interface Fixture { shape: [number, number, number]; source: number[]; mask: number[] }
const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', 'diffusion', 'fixtures', 'tiny-inpaint.sampler.json'), 'utf8')) as Fixture;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** The fixture's photo crop and mask, repeated over the batch: [N, C, H, W] and [N, 1, H, W]. */
function task(n: number): { source: Float32Array; mask: Float32Array } {
  const [c, h, w] = fixture.shape;
  const src = new Float32Array(n * c * h * w);
  const mask = new Float32Array(n * h * w);
  for (let b = 0; b < n; b++) { src.set(fixture.source, b * c * h * w); mask.set(fixture.mask, b * h * w); }
  return { source: src, mask };
}

/** Palette input [N, 2C+1, H, W]: noise, the source with its hole zeroed, the mask. */
function paletteInput(shape: Shape, seed: number, src: Float32Array, mask: Float32Array): Float32Array {
  const [n, c, h, w] = shape;
  const hw = h * w;
  const noise = new SeededNoise(seed, shape).draw();
  const x = new Float32Array(n * (2 * c + 1) * hw);
  for (let b = 0; b < n; b++) {
    const base = b * (2 * c + 1) * hw;
    x.set(noise.subarray(b * c * hw, (b + 1) * c * hw), base);
    for (let k = 0; k < c; k++) for (let p = 0; p < hw; p++) {
      x[base + (c + k) * hw + p] = src[(b * c + k) * hw + p]! * (1 - mask[b * hw + p]!);
    }
    x.set(mask.subarray(b * hw, (b + 1) * hw), base + 2 * c * hw);
  }
  return x;
}

describe.skipIf(unavailable)('fp16 variant of tiny-inpaint (ONNX Runtime CPU)', () => {
  let dir: string;
  let fp32: LoadedModel;
  let fp16: LoadedModel;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'studio-fp16-'));
    const modelDir = path.join(dir, 'tiny-inpaint');
    mkdirSync(modelDir);
    for (const f of ['manifest.json', 'model.onnx']) copyFileSync(path.join(source, f), path.join(modelDir, f));
    const res = spawnSync(python, [path.join(root, 'training', 'export_fp16.py'), '--model-dir', modelDir], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`export_fp16.py failed: ${res.stderr}`);
    const model: InstalledModel = { dir: modelDir, manifest: await readManifest(modelDir) };
    fp32 = await loadModel(model, { fp16: false, providers: ['cpu'] });
    fp16 = await loadModel(model, { fp16: true, providers: ['cpu'] });
  });
  afterAll(async () => {
    await fp32?.close();
    await fp16?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is about half the size, and named in the manifest', () => {
    const m = fp16.manifest;
    expect(m.fp16File).toBe('model.fp16.onnx');
    const full = statSync(path.join(dir, 'tiny-inpaint', m.file)).size;
    const half = statSync(path.join(dir, 'tiny-inpaint', m.fp16File!)).size;
    console.log(`tiny-inpaint: model.onnx ${(full / 1e6).toFixed(2)} MB, model.fp16.onnx ${(half / 1e6).toFixed(2)} MB (${(half / full).toFixed(3)})`);
    expect(half / full).toBeGreaterThan(0.5);
    expect(half / full).toBeLessThan(0.55);
  });

  it('one network call: within a few fp16 steps of the fp32 output, at two shapes', async () => {
    const cases: { shape: Shape; t: number[] }[] = [{ shape: [2, 3, 32, 32], t: [999, 17] }, { shape: [1, 3, 40, 36], t: [500] }];
    for (const { shape, t } of cases) {
      const [n, c, h, w] = shape;
      // the fixture is 32×32; the other shape uses a deterministic pattern and a rectangular hole
      const src = h === 32 && w === 32 ? task(n) : {
        source: Float32Array.from({ length: n * c * h * w }, (_, i) => Math.sin(i * 0.37) * 0.8),
        mask: Float32Array.from({ length: n * h * w }, (_, i) => (Math.abs((i % w) - w / 2) < 8 && Math.abs(Math.floor(i / w) % h - h / 2) < 10 ? 1 : 0)),
      };
      const x = paletteInput(shape, 7, src.source, src.mask);
      const inShape: Shape = [n, 2 * c + 1, h, w];
      const a = await fp32.denoise(x, Float32Array.from(t), inShape);
      const b = await fp16.denoise(x, Float32Array.from(t), inShape);
      const diff = maxAbsDiff(a, b);
      const ref = maxAbs(a);
      // ε and v outputs here reach 4–6, where fp16 numbers are 2^-8 ≈ 0.004 apart: the output's own
      // rounding alone is up to 0.002. Inside the network activations reach about 45 (step 74,045;
      // 27 at step 23,007), where fp16 steps are 0.03, and the error grows with training: measured
      // 0.0013 at step 23,007, 0.0114 at step 74,045 (rectangular case). Allow four output steps;
      // what a photographer sees is the whole-sample test below (a fraction of an 8-bit level).
      const tolerance = 4 * 2 ** (Math.floor(Math.log2(ref)) - 10);
      console.log(`tiny-inpaint [${shape.join(', ')}] t=${t.join(',')}: max |fp16 − fp32| = ${diff.toExponential(2)} (max |out| ${ref.toFixed(2)}, tolerance ${tolerance.toExponential(2)})`);
      expect(diff).toBeGreaterThan(0); // it really ran the other file
      expect(diff).toBeLessThan(tolerance);
    }
  });

  it('a whole 10-step DDIM sample: within half an 8-bit level of the fp32 image', async () => {
    const n = 2;
    const [c, h, w] = fixture.shape;
    const shape: Shape = [n, c, h, w];
    const t = task(n);
    const run = (m: LoadedModel) => sample({
      diffusion: m.diffusion.respaced('ddim10'), denoise: m.denoise, noise: new SeededNoise(1234, shape), shape,
      method: 'ddim', eta: 0, conditioning: 'palette', task: t,
    });
    const a = await run(fp32);
    const b = await run(fp16);
    const diff = maxAbsDiff(a, b);
    let sq = 0;
    for (let i = 0; i < a.length; i++) sq += (a[i]! - b[i]!) ** 2;
    const rms = Math.sqrt(sq / a.length);
    // Images are in [−1, 1], where one 8-bit level is 2/255. Under half a level, no pixel of the
    // saved 8-bit image moves by more than one level. Measured 7.4e-4 (0.09 of a level): the ε
    // error per call (≈ 1.5e-3) reaches the image scaled by √(1 − ᾱ) of the last steps, and
    // clipping x₀ to [−1, 1] at each step keeps the early, large-t errors from growing.
    console.log(`tiny-inpaint ddim10 sample: max |fp16 − fp32| = ${diff.toExponential(2)} (${(diff * 127.5).toFixed(2)} of an 8-bit level), rms ${rms.toExponential(2)}`);
    expect(diff).toBeLessThan(0.5 * (2 / 255));
  }, 60_000);
});
