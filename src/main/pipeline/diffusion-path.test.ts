/**
 * The diffusion path end to end through the service, with a hand-built ONNX
 * graph standing in for a network (src/main/inference/fixtures/affine.onnx):
 * this checks the plumbing (crop, batching, conditioning, detail stage,
 * compositing, history), not the quality of a model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { inpaintParamsSchema } from '../../shared/api';
import { StudioService } from '../service';
import { decodeImage } from '../imaging/io';
import { listModels, loadModel } from '../inference/models';
import { colourSpaceOf } from '../imaging/colour';
import { contextRect, downsampleMaskConservative, runDiffusionSampling, upsampleRegion, workingSize } from './diffusion-stage';
import { diffusionWork } from './holes';
import { runInpaint } from './inpaint';

let dir: string;
let service: StudioService;

function installPlumbing(id: string, extra: Record<string, unknown> = {}): void {
  const modelDir = path.join(dir, 'models', id);
  mkdirSync(modelDir, { recursive: true });
  const onnx = path.join(__dirname, '..', 'inference', 'fixtures', 'affine.onnx');
  copyFileSync(onnx, path.join(modelDir, 'model.onnx'));
  writeFileSync(path.join(modelDir, 'manifest.json'), JSON.stringify({
    ...extra, schemaVersion: 1, id, name: 'Plumbing test graph', kind: 'conditional-inpaint', resolution: 32, channels: 3,
    valueRange: [-1, 1], prediction: 'epsilon', varianceType: 'learned-range', schedule: { type: 'cosine', timesteps: 1000 },
    timestepInput: 'original-index', conditioning: { maskedSource: 'zero-fill', maskChannel: 'one-is-hole' },
    inputs: { x: { name: 'x', layout: 'NCHW', channels: 7 }, t: { name: 't', dtype: 'float32' } },
    output: { name: 'out', layout: 'NCHW', channels: 6 }, file: 'model.onnx',
    sha256: createHash('sha256').update(readFileSync(onnx)).digest('hex'), licence: 'test only',
  }));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-diffusion-'));
  installPlumbing('plumbing');
  service = new StudioService({ dataDir: path.join(dir, 'data'), mode: 'browser', version: 'test', modelRoots: [path.join(dir, 'models')], maxWorkingEdge: 48 });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('context crop geometry', () => {
  it('grows the hole box by a margin and clamps to the frame', () => {
    expect(contextRect({ x: 100, y: 100, width: 40, height: 20 }, 1000, 1000)).toEqual({ x: 80, y: 80, width: 80, height: 60 });
    expect(contextRect({ x: 2, y: 990, width: 10, height: 10 }, 1000, 1000)).toEqual({ x: 0, y: 974, width: 28, height: 26 });
  });
  it('working size keeps the aspect within multiples of 8 and never upsizes', () => {
    expect(workingSize({ x: 0, y: 0, width: 800, height: 400 }, 128)).toEqual({ width: 128, height: 64 });
    expect(workingSize({ x: 0, y: 0, width: 50, height: 30 }, 128)).toEqual({ width: 48, height: 32 });
  });
  it('a working cell is hole if any pixel under it is', () => {
    const w = 16, mask = new Uint8Array(w * w);
    mask[5 * w + 9] = 255;
    const small = downsampleMaskConservative(mask, w, { x: 0, y: 0, width: 16, height: 16 }, 4, 4);
    expect(Array.from(small).map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([1 * 4 + 2]);
  });
});

describe('guides upsampled a region at a time', () => {
  it('a region of the upsampled sample equals the same pixels of sharp\'s whole-crop Lanczos upsample', async () => {
    const w = 24, h = 16, crop = { x: 100, y: 50, width: 190, height: 130 };
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 73 + (i % 5) * 41) & 255;
    // Reference: sharp resizing the whole crop, sliced here.
    const whole = await sharp(Buffer.from(rgb), { raw: { width: w, height: h, channels: 3 } })
      .resize(crop.width, crop.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
    const region = { x: 137, y: 81, width: 61, height: 40 };
    const part = await upsampleRegion(rgb, w, h, crop, region);
    expect(part.length).toBe(region.width * region.height * 3);
    let mismatches = 0;
    for (let y = 0; y < region.height; y++) for (let x = 0; x < region.width * 3; x++) {
      const a = part[y * region.width * 3 + x]!, b = whole[(region.y - crop.y + y) * crop.width * 3 + (region.x - crop.x) * 3 + x]!;
      if (a !== b) mismatches++;
    }
    expect(mismatches).toBe(0);
    await expect(upsampleRegion(rgb, w, h, crop, { x: 90, y: 50, width: 10, height: 10 })).rejects.toThrow(/outside the crop/);
  });
});

describe('diffusion fill through the service', () => {
  it('lists the model, runs N batched samples, keeps every pixel outside the mask, records model and device', async () => {
    const info = await service.call('app.info', {});
    expect(info.methods).toContain('diffusion');
    expect(info.defaultModel).toBe('plumbing');
    expect(info.defaultMethod).toBe('patchmatch'); // only the photo model makes diffusion the default

    const w = 120, h = 90;
    const raw = Buffer.alloc(w * h * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 31 + (i % 7) * 17) & 255;
    const detail = await service.call('images.import', { fileName: 'p.png', bytes: new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer()) });
    const mask = Buffer.alloc(w * h);
    for (let y = 30; y < 50; y++) for (let x = 40; x < 70; x++) mask[y * w + x] = 255;
    const previews: { step: number; images: readonly Uint8Array[] }[] = [];
    const off = service.subscribe((e) => { if (e.type === 'job.preview') previews.push(e.payload); });
    const job = await service.call('jobs.inpaint', {
      projectId: detail.project.id, versionId: detail.project.headVersionId,
      mask: { png: new Uint8Array(await sharp(mask, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer()), x: 0, y: 0, width: w, height: h },
      params: { method: 'diffusion', samples: 3, seed: 11, steps: 5 },
    });
    await service.waitForJob(job.jobId);
    off();
    expect(previews.length).toBeGreaterThan(0);
    expect(previews[0]!.images).toHaveLength(3);
    const meta = await sharp(previews[0]!.images[0]!).metadata();
    expect(meta.format).toBe('png');
    const run = service.repo.run(job.runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe('done');
    expect(run.params).toMatchObject({ method: 'diffusion', model: 'plumbing', sampler: 'ddim', steps: 5, samples: 3 });
    expect(run.device).toBe('cpu');
    expect(run.samples.map((s) => s.seed)).toEqual([11, 12, 13]);
    // Each sample's time is when it was ready, counted from the start of the run (samples that
    // come out of one batch are not "0.0 s" each).
    const ready = run.samples.map((s) => s.millis);
    expect(ready[0]).toBeGreaterThan(0);
    expect([...ready].sort((a, b) => a - b)).toEqual(ready);
    for (let i = 0; i < 3; i++) {
      const out = await decodeImage((await service.renderSample(job.runId, i, 'png')).bytes);
      for (let p = 0; p < w * h; p++) if (mask[p] === 0) for (let c = 0; c < 3; c++) expect(out.image.data[p * 3 + c]).toBe(raw[p * 3 + c]);
    }
  });

  it('refuses RePaint on a conditional model with a clear reason', async () => {
    const detail = (await service.call('projects.list', {}))[0]!;
    const w = 120, h = 90;
    const mask = Buffer.alloc(w * h);
    mask[45 * w + 60] = 255;
    const runsBefore = (await service.call('projects.get', { projectId: detail.id })).runs.length;
    await expect(service.call('jobs.inpaint', {
      projectId: detail.id, versionId: detail.headVersionId,
      mask: { png: new Uint8Array(await sharp(mask, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer()), x: 0, y: 0, width: w, height: h },
      params: { method: 'diffusion', sampler: 'repaint', steps: 5 },
    })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/RePaint resampling is for unconditional models/) });
    await expect(service.call('jobs.inpaint', {
      projectId: detail.id, versionId: detail.headVersionId,
      mask: { png: new Uint8Array(await sharp(mask, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer()), x: 0, y: 0, width: w, height: h },
      params: { method: 'diffusion', model: 'no-such-model' },
    })).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    expect((await service.call('projects.get', { projectId: detail.id })).runs.length).toBe(runsBefore);
  });
});

describe('working resolution', () => {
  it("runs a model at its manifest's working edge unless the caller names one", async () => {
    installPlumbing('plumbing-edge-32', { workingEdge: 32 });
    const { models, problems } = await listModels(path.join(dir, 'models'));
    expect(problems).toEqual([]);
    const installed = models.find((m) => m.manifest.id === 'plumbing-edge-32')!;
    expect(installed.manifest.workingEdge).toBe(32);
    const model = await loadModel(installed, { providers: ['cpu'] });
    try {
      const w = 400, h = 300;
      const data = new Uint8Array(w * h * 3);
      for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i % 11) * 7) & 255;
      const mask = new Uint8Array(w * h);
      for (let y = 100; y < 190; y++) for (let x = 140; x < 260; x++) mask[y * w + x] = 255;
      const params = inpaintParamsSchema.parse({ method: 'diffusion', model: 'plumbing-edge-32', samples: 1, seed: 1, steps: 2 });
      const sampled = async (maxWorkingEdge?: number): Promise<number> => {
        let pixels = -1;
        await runInpaint({
          image: { width: w, height: h, channels: 3, depth: 8, data }, mask, params, model,
          ...(maxWorkingEdge ? { maxWorkingEdge } : {}),
          onSampled: (work) => { pixels = work.workingPixels; },
        });
        return pixels;
      };
      // The crop is far larger than either edge, so each edge gives its own working size.
      expect(diffusionWork(mask, w, h, 32).workingPixels).not.toBe(diffusionWork(mask, w, h, 96).workingPixels);
      expect(await sampled()).toBe(diffusionWork(mask, w, h, 32).workingPixels);
      expect(await sampled(96)).toBe(diffusionWork(mask, w, h, 96).workingPixels);
    } finally {
      await model.close();
    }
  });
});


describe('colour space', () => {
  it('the model sees an sRGB crop of a Display P3 photo, and its samples go back into P3', async () => {
    const installed = (await listModels(path.join(dir, 'models'))).models.find((m) => m.manifest.id === 'plumbing')!;
    const model = await loadModel(installed, { providers: ['cpu'] });
    try {
      // A uniform saturated red stored as Display P3 numbers (sharp converts the sRGB red into P3 on the way in).
      const w = 96, h = 64;
      const p3png = await sharp(Buffer.alloc(w * h * 3).fill(Buffer.from([220, 40, 30])), { raw: { width: w, height: h, channels: 3 } })
        .withIccProfile('p3').png().toBuffer();
      const icc = (await sharp(p3png).metadata()).icc!;
      const { image } = await decodeImage(new Uint8Array(p3png));
      const stored = [...image.data.subarray(0, 3)];
      const asSrgb = [...(await sharp(p3png).raw().toBuffer()).subarray(0, 3)]; // lcms through sharp's own pipeline
      expect(Math.max(...stored.map((v, c) => Math.abs(v - asSrgb[c]!)))).toBeGreaterThan(10); // the two spaces differ here
      const mask = new Uint8Array(w * h);
      for (let y = 20; y < 44; y++) for (let x = 30; x < 66; x++) mask[y * w + x] = 255;
      const params = inpaintParamsSchema.parse({ method: 'diffusion', model: 'plumbing', samples: 1, seed: 1, steps: 2 });
      /** What the sampler was given at a known pixel (corner of the crop), as 8-bit RGB. */
      const seen = async (iccArg: Uint8Array | null): Promise<number[]> => {
        let first: number[] = [];
        await runInpaint({
          image, mask, params, model, ...(iccArg ? { icc: iccArg } : {}),
          sampleWorking: async (task) => {
            const plane = task.shape[2] * task.shape[3];
            first = [0, 1, 2].map((c) => Math.round((task.source[c * plane]! + 1) * 127.5));
            return task.source.slice();
          },
        });
        return first;
      };
      const withProfile = await seen(new Uint8Array(icc));
      expect(Math.max(...withProfile.map((v, c) => Math.abs(v - asSrgb[c]!)))).toBeLessThanOrEqual(2);
      expect(await seen(null)).toEqual(stored); // untagged photos are taken as sRGB: no conversion
      // The way back: a sampler that returns what it saw (sRGB) yields samples in the photo's P3 numbers again.
      const space = (await colourSpaceOf(new Uint8Array(icc)))!;
      try {
        const hole = { x: 30, y: 20, width: 36, height: 24 };
        const stage = await runDiffusionSampling(image.data as Uint8Array, w, h, 3, mask, hole, {
          model, sampler: 'ddim', steps: 2, strength: null, seed: 1, count: 1, maxWorkingEdge: 32, colourSpace: space,
          sampleWorking: async (task) => task.source.slice(),
        });
        const px = [...stage.samples[0]!.subarray(0, 3)];
        expect(Math.max(...px.map((v, c) => Math.abs(v - stored[c]!)))).toBeLessThanOrEqual(3);
      } finally {
        await space.close();
      }
    } finally {
      await model.close();
    }
  });
});
