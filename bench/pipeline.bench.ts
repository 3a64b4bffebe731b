/**
 * The diffusion pipeline on a 24-megapixel photo: time to the first x₀
 * preview and to N = 4 finished full-resolution samples, with a 2 % and a
 * 10 % mask, and peak memory; beside the same pipeline with its sampling
 * stage done by the PyTorch reference sampler (bench/torch_stage.py: same
 * model weights, seed and steps), measured in the same run as the ratio's
 * reference. Uses the default photo model (or the first installed RGB one).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { inpaintParamsSchema } from '../src/shared/api';
import { ModelCatalog, modelRoots } from '../src/main/inference/catalog';
import { runInpaint } from '../src/main/pipeline/inpaint';
import type { WorkingSampler } from '../src/main/pipeline/diffusion-stage';
import type { RawImage } from '../src/main/imaging/io';
import { packageRoot } from '../src/main/workers/paths';
import { trackPeakRss } from './lib/peakMemory';
import { formatTable } from './lib/table';
import { loadWarning, writeBenchResults } from './lib/results';

const W = 6000, H = 4000, N = 4;
const STEPS = Number(process.env.BENCH_STEPS ?? 25);
/** Mask coverages to run (comma-separated fractions); default the 2 % and 10 % of the targets. */
const COVERAGES = (process.env.BENCH_COVERAGES ?? '0.02,0.10').split(',').map(Number);
/** BENCH_REFERENCE=0 skips the PyTorch-stage reference (quick look only: no ratio). */
const WITH_REFERENCE = process.env.BENCH_REFERENCE !== '0';

function npy(shape: readonly number[], data: Float32Array): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

function readNpy(file: string): Float32Array {
  const b = readFileSync(file);
  const len = b.readUInt16LE(8);
  const d = b.subarray(10 + len);
  return new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length));
}

function torchSampler(modelDir: string, tmp: string): WorkingSampler {
  return async (t) => {
    const [n, c, h, w] = t.shape;
    writeFileSync(path.join(tmp, 's.npy'), npy([n, c, h, w], t.source));
    writeFileSync(path.join(tmp, 'm.npy'), npy([n, 1, h, w], t.mask));
    const r = spawnSync('/usr/bin/python3', [path.join(packageRoot(), 'bench', 'torch_stage.py'), '--model-dir', modelDir,
      '--source', path.join(tmp, 's.npy'), '--mask', path.join(tmp, 'm.npy'), '--out', path.join(tmp, 'o.npy'),
      '--steps', String(t.steps), '--seed', String(t.seed), '--sampler', t.sampler], { encoding: 'utf8', timeout: 3_600_000 });
    if (r.status !== 0) throw new Error(`torch_stage.py failed: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
    return readNpy(path.join(tmp, 'o.npy'));
  };
}

function blobMask(coverage: number): Uint8Array {
  const m = new Uint8Array(W * H);
  // a few round blobs whose total area is the wanted coverage
  const centres = [[0.3, 0.4], [0.62, 0.55], [0.45, 0.75]] as const;
  const r = Math.sqrt((coverage * W * H) / (centres.length * Math.PI));
  for (const [fx, fy] of centres) {
    const cx = fx * W, cy = fy * H;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(H, cy + r); y++) for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(W, cx + r); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * W + x] = 255;
    }
  }
  return m;
}

async function main(): Promise<void> {
  const catalog = new ModelCatalog(modelRoots(packageRoot(), os.tmpdir()));
  const id = await catalog.defaultPhotoModelId();
  if (!id) { console.log('no RGB diffusion model installed; nothing to measure'); return; }
  const model = await catalog.load(id);
  const modelDir = (await catalog.photoModels()).find((m) => m.manifest.id === id)!.dir;
  const photo = await sharp(path.join(packageRoot(), 'assets', 'sample.jpg')).resize(W, H, { fit: 'cover' }).raw().toBuffer();
  const image: RawImage = { width: W, height: H, channels: 3, depth: 8, data: new Uint8Array(photo.buffer, photo.byteOffset, photo.length) };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  try {
    for (const coverage of COVERAGES) {
      const mask = blobMask(coverage);
      const params = inpaintParamsSchema.parse({ method: 'diffusion', samples: N, steps: STEPS, model: id, sampler: 'ddim' });
      const run = async (sampleWorking?: WorkingSampler) => {
        const t0 = performance.now();
        let firstPreview = null as number | null;
        let sampledAt = null as number | null;
        const first: number[] = [];
        const tracked = await trackPeakRss(() => runInpaint({
          image, mask, params, model, ...(sampleWorking ? { sampleWorking } : {}),
          onPreview: () => { firstPreview ??= performance.now() - t0; },
          // Progress passes 0.6 when sampling ends and the detail pass begins.
          onProgress: (f) => { if (f >= 0.6) sampledAt ??= performance.now() - t0; },
          onSample: () => { first.push(performance.now() - t0); },
        }));
        const totalMs = performance.now() - t0;
        return { firstPreviewMs: firstPreview, samplingMs: sampledAt, detailMs: sampledAt === null ? null : totalMs - sampledAt, firstSampleMs: first[0] ?? null, totalMs, peakRss: tracked.peakRssBytes };
      };
      const ours = await run();
      const ref = WITH_REFERENCE ? await run(torchSampler(modelDir, tmp)) : null;
      rows.push([`${(coverage * 100).toFixed(0)} %`, ours.firstPreviewMs?.toFixed(0) ?? '—', ours.samplingMs?.toFixed(0) ?? '—', ours.detailMs?.toFixed(0) ?? '—',
        (ours.firstSampleMs ?? 0).toFixed(0), ours.totalMs.toFixed(0),
        ref ? ref.totalMs.toFixed(0) : '—', ref ? (ref.totalMs / ours.totalMs).toFixed(2) : '—', (ours.peakRss / 2 ** 20).toFixed(0)]);
      results.push({ coverage, model: id, steps: STEPS, samples: N, ours, pytorchStage: ref, ratio: ref ? ref.totalMs / ours.totalMs : null });
    }
  } finally {
    await catalog.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`model ${id}, ${STEPS} DDIM steps, N = ${N} samples, ${W}×${H}`);
  console.log(formatTable(['mask', 'first preview ms', 'sampling ms', 'detail pass ms', 'first sample ms', '4 samples ms', 'with PyTorch stage ms', 'ratio', 'peak MB'], rows));
  console.log('targets: first preview ≤ 3 s, 4 full-resolution samples ≤ 30 s, peak memory ≤ 1.5 GB (DESIGN.md §8)');
  const warn = loadWarning();
  if (warn) console.log(warn);
  console.log(`wrote ${writeBenchResults('pipeline', { width: W, height: H, results })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
