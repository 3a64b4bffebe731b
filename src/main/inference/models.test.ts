import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listModels, loadModel, readManifest, type InstalledModel } from './models';
import { defaultProviders, explainFallback, forgetProviderFailures, OnnxSession, providerFailures } from './session';
import { linuxGpuDevices } from './providers';
import { sample, SeededNoise } from '../diffusion/sampler';

const fixture = path.join(__dirname, 'fixtures', 'affine.onnx');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function manifest(over: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1, id: 'affine-test', name: 'Plumbing test graph', kind: 'conditional-inpaint', resolution: 8, channels: 3,
    valueRange: [-1, 1], prediction: 'epsilon', varianceType: 'learned-range', schedule: { type: 'cosine', timesteps: 1000 },
    timestepInput: 'original-index', conditioning: { maskedSource: 'zero-fill', maskChannel: 'one-is-hole' },
    inputs: { x: { name: 'x', layout: 'NCHW', channels: 7 }, t: { name: 't', dtype: 'float32' } },
    output: { name: 'out', layout: 'NCHW', channels: 6 }, file: 'model.onnx', sha256: sha(fixture), licence: 'test only', ...over,
  };
}

let root: string;
function install(id: string, m: Record<string, unknown>, onnxBytes?: Buffer): InstalledModel['dir'] {
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  if (onnxBytes) writeFileSync(path.join(dir, 'model.onnx'), onnxBytes);
  else copyFileSync(fixture, path.join(dir, 'model.onnx'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

beforeAll(() => { root = mkdtempSync(path.join(os.tmpdir(), 'studio-models-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ONNX session in a worker thread', () => {
  it('runs a graph with a known closed form, batched, and reports the provider', async () => {
    const session = await OnnxSession.open(fixture, ['cpu']);
    try {
      expect(session.info.provider).toBe('cpu');
      expect(session.info.inputs.map((i) => i.name)).toEqual(['x', 't']);
      const n = 3, h = 2, w = 4, hw = h * w;
      const x = Float32Array.from({ length: n * 7 * hw }, (_, i) => Math.sin(i));
      const t = Float32Array.from([0, 500, 999]);
      const out = await session.run({ x: { type: 'float32', data: x.slice(), dims: [n, 7, h, w] }, t: { type: 'float32', data: t.slice(), dims: [n] } }, ['out']);
      expect(out.out!.dims).toEqual([n, 6, h, w]);
      const o = out.out!.data as Float32Array;
      for (let b = 0; b < n; b++) for (let c = 0; c < 6; c++) for (let p = 0; p < hw; p++) {
        const xin = x[(b * 7 + c) * hw + p]!;
        const expected = c < 3 ? 0.5 * xin + 0.001 * t[b]! : xin;
        expect(o[(b * 6 + c) * hw + p]).toBeCloseTo(expected, 6);
      }
    } finally {
      await session.close();
    }
  });

  it('hands each run its own output array (transferred from the worker), also without spinning threads', async () => {
    for (const spinning of [true, false]) {
      const session = await OnnxSession.open(fixture, ['cpu'], 1, { spinning });
      try {
        const n = 2, hw = 6;
        const outs: Float32Array[] = [];
        for (const k of [0, 1, 2]) {
          const x = Float32Array.from({ length: n * 7 * hw }, (_, i) => Math.cos(i + k));
          const t = Float32Array.from([100 * k, 900]);
          const r = await session.run({ x: { type: 'float32', data: x, dims: [n, 7, 2, 3] }, t: { type: 'float32', data: t, dims: [n] } }, ['out']);
          const o = r.out!.data as Float32Array;
          expect(o.length).toBe(n * 6 * hw);
          outs.push(o);
        }
        // earlier results are untouched by later runs and match the closed form
        for (const [k, o] of outs.entries()) {
          for (let b = 0; b < n; b++) for (let c = 0; c < 6; c++) for (let p = 0; p < hw; p++) {
            const xin = Math.fround(Math.cos((b * 7 + c) * hw + p + k));
            const tb = b === 0 ? 100 * k : 900;
            expect(o[(b * 6 + c) * hw + p]).toBeCloseTo(c < 3 ? 0.5 * xin + 0.001 * tb : xin, 6);
          }
        }
        expect(new Set(outs.map((o) => o.buffer)).size).toBe(3);
      } finally {
        await session.close();
      }
    }
  });

  it('falls back to the CPU with a reason when a GPU provider is not there', async () => {
    const session = await OnnxSession.open(fixture, ['cuda', 'cpu']);
    try {
      expect(session.info.provider).toBe('cpu');
      expect(session.info.fallbacks[0]?.provider).toBe('cuda');
      expect(session.info.fallbacks[0]?.reason.length).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  it('remembers a provider the machine lacks and reports it again without asking it', async () => {
    forgetProviderFailures();
    // 'dml' is not part of ONNX Runtime's Linux/macOS builds; on Windows the CUDA files are missing in CI alike.
    const missing = process.platform === 'win32' ? 'cuda' : 'dml';
    const first = await OnnxSession.open(fixture, [missing, 'cpu']);
    const firstReason = first.info.fallbacks[0]?.reason;
    await first.close();
    expect(first.info.provider).toBe('cpu');
    expect(firstReason).toMatch(/backend not found|shared library/i);
    expect(providerFailures().get(missing)).toBe(firstReason);
    // The second load never hands the provider to the runtime, and still says why it was not used.
    const second = await OnnxSession.open(fixture, [missing, 'cpu']);
    await second.close();
    expect(second.info.provider).toBe('cpu');
    expect(first.info.fallbacks).toEqual([{ provider: missing, reason: firstReason }]);
    expect(second.info.fallbacks).toEqual([{ provider: missing, reason: firstReason, remembered: true }]);
    // A provider listed after the one that loaded is not a fallback.
    const third = await OnnxSession.open(fixture, ['cpu', missing]);
    await third.close();
    expect(third.info.fallbacks).toEqual([]);
    // A failure that depends on the model (not the machine) is not remembered; the machine's is.
    forgetProviderFailures();
    await expect(OnnxSession.open(path.join(__dirname, 'models.test.ts'), [missing, 'cpu'])).rejects.toThrow(/could not be loaded/);
    expect([...providerFailures().keys()]).toEqual([missing]);
  });

  it.skipIf(process.platform !== 'linux' || linuxGpuDevices().length > 0)('does not ask WebGPU on a Linux machine without a GPU device, and says so', async () => {
    forgetProviderFailures();
    const session = await OnnxSession.open(fixture, ['webgpu', 'cpu']);
    await session.close();
    expect(session.info.provider).toBe('cpu');
    expect(session.info.fallbacks).toEqual([{ provider: 'webgpu', reason: expect.stringMatching(/no GPU device/) as unknown as string, remembered: true }]);
    expect(providerFailures().size).toBe(0); // looked at again at the next load: a GPU may appear
    expect(explainFallback(session.info.fallbacks[0]!)).toMatch(/^WebGPU: no GPU/);
    forgetProviderFailures();
  });

  it('explains a fallback in words a photographer can act on', () => {
    expect(explainFallback({ provider: 'cuda', reason: 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library' }))
      .toMatch(/^CUDA: not installed \(for an NVIDIA GPU: .*CUDA 12 and cuDNN 9.*setup:cuda/);
    expect(explainFallback({ provider: 'webgpu', reason: 'Failed to get a WebGPU adapter: No supported adapters' })).toMatch(/^WebGPU: no GPU the graphics driver offers/);
    expect(explainFallback({ provider: 'dml', reason: 'no available backend found. ERR: [dml] backend not found.' })).toBe('DirectML: not part of this build of ONNX Runtime');
    expect(explainFallback({ provider: 'webgpu', reason: 'shader compile failed' })).toBe('WebGPU: shader compile failed');
    expect(explainFallback({ provider: 'webgpu', reason: 'adapter limits too low: maxBufferSize' })).toBe('WebGPU: adapter limits too low: maxBufferSize');
  });

  it('orders providers GPU first and CPU always last', () => {
    expect(defaultProviders('linux', {})).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(defaultProviders('win32', {})).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(defaultProviders('darwin', {})).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(defaultProviders('linux', { INPAINT_STUDIO_PROVIDER: 'webgpu' })).toEqual(['webgpu', 'cpu']);
  });
});

describe('model manifests and files', () => {
  it('loads a valid model and samples through the worker with the Palette conditioning', async () => {
    const dir = install('affine-test', manifest());
    const { models, problems } = await listModels(root);
    expect(problems).toEqual([]);
    const model = await loadModel(models.find((m) => m.dir === dir)!, { providers: ['cpu'] });
    try {
      const diffusion = model.diffusion.respaced('ddim5');
      const shape = [2, 3, 4, 4] as const;
      const source = new Float32Array(2 * 3 * 16).fill(0.25);
      const mask = Float32Array.from({ length: 32 }, (_, i) => (i % 4 === 0 ? 1 : 0));
      const x = await sample({ diffusion, denoise: model.denoise, noise: new SeededNoise(3, shape), shape, method: 'ddim', conditioning: 'palette', task: { source, mask } });
      expect(x).toHaveLength(96);
      for (let i = 0; i < 96; i++) if (mask[Math.floor(i / 48) * 16 + (i % 16)] === 0) expect(x[i]).toBe(0.25);
      expect(model.session.info.provider).toBe('cpu');
      expect(model.diffusion.numTimesteps).toBe(1000);
    } finally {
      await model.close();
    }
  });

  it('names every disagreement: bad JSON, wrong fields, wrong hash, wrong graph, not an ONNX file', async () => {
    install('bad-json', {}, undefined);
    writeFileSync(path.join(root, 'bad-json', 'manifest.json'), '{ not json');
    await expect(readManifest(path.join(root, 'bad-json'))).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/not valid JSON/) });

    install('bad-fields', manifest({ id: 'bad-fields', varianceType: 'learned-range', output: { name: 'out', layout: 'NCHW', channels: 3 } }));
    await expect(readManifest(path.join(root, 'bad-fields'))).rejects.toMatchObject({ message: expect.stringMatching(/output\.channels: a learned-range model with 3 channels outputs 6/) });

    const wrongHash = install('wrong-hash', manifest({ id: 'wrong-hash', sha256: '0'.repeat(64) }));
    await expect(loadModel({ dir: wrongHash, manifest: await readManifest(wrongHash) }, { providers: ['cpu'] }))
      .rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/does not match its manifest/) });

    const wrongGraph = install('wrong-graph', manifest({ id: 'wrong-graph', inputs: { x: { name: 'image', layout: 'NCHW', channels: 7 }, t: { name: 't', dtype: 'float32' } } }));
    await expect(loadModel({ dir: wrongGraph, manifest: await readManifest(wrongGraph) }, { providers: ['cpu'] }))
      .rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/input "image" is not in the graph \(it has x, t\)/) });

    const garbage = Buffer.from('this is not an onnx file at all');
    const notOnnx = install('not-onnx', manifest({ id: 'not-onnx', sha256: createHash('sha256').update(garbage).digest('hex') }), garbage);
    await expect(loadModel({ dir: notOnnx, manifest: await readManifest(notOnnx) }, { providers: ['cpu'] }))
      .rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/could not be loaded/) });

    const { problems } = await listModels(root);
    expect(problems.some((p) => /bad-json/.test(p))).toBe(true);
  });
});
