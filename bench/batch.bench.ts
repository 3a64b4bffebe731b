/**
 * Batch throughput: images per minute and peak memory on a folder of
 * 12-megapixel photos with a fixed dust mask, for PatchMatch and (when a
 * model is installed) diffusion, beside a plain sequential loop (read,
 * decode, fill, encode, write; no read-ahead, no database) measured in the
 * same run as the ratio's reference, in the order batch, plain, plain,
 * batch so that warm-up and drift do not favour either. BENCH_BATCH_N sets
 * the folder size (default 50).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioService } from '../src/main/service';
import { decodeImage, encodeLikeSource } from '../src/main/imaging/io';
import { pasteImage } from '../src/main/imaging/composite';
import { runInpaint } from '../src/main/pipeline/inpaint';
import { readMaskFile, orientMask, fitMask } from '../src/main/batch/batch-mask';
import { inpaintParamsSchema, type InpaintParams } from '../src/shared/api';
import { packageRoot } from '../src/main/workers/paths';
import { trackPeakRss } from './lib/peakMemory';
import { formatTable } from './lib/table';
import { loadWarning, writeBenchResults } from './lib/results';

const N = Number(process.env.BENCH_BATCH_N ?? 50);
const W = 4000, H = 3000;

async function makeFolder(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const base = await sharp(path.join(packageRoot(), 'assets', 'sample.jpg')).resize(W + 400, H + 300, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < N; i++) {
    const left = (i * 37) % 400, top = (i * 53) % 300;
    await sharp(base.data, { raw: { width: base.info.width, height: base.info.height, channels: 3 } })
      .extract({ left, top, width: W, height: H }).jpeg({ quality: 92 }).toFile(path.join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`));
  }
}

async function makeDustMask(file: string): Promise<void> {
  const m = Buffer.alloc(W * H);
  for (const [cx, cy, r] of [[800, 600, 18], [2500, 900, 12], [3300, 2400, 22], [1200, 2100, 15]] as const) {
    for (let y = cy - r; y <= cy + r; y++) for (let x = cx - r; x <= cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * W + x] = 255;
  }
  writeFileSync(file, await sharp(m, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
}

/** The reference: one image after another, nothing overlapped, nothing recorded. */
async function plainLoop(input: string, output: string, maskFile: string, params: InpaintParams, service: StudioService): Promise<number> {
  mkdirSync(output, { recursive: true });
  const mask = await readMaskFile(new Uint8Array(await fs.readFile(maskFile)), 'mask');
  const model = params.method === 'diffusion' && params.model ? await service.models.load(params.model) : undefined;
  let n = 0;
  for (const name of (await fs.readdir(input)).sort()) {
    const bytes = new Uint8Array(await fs.readFile(path.join(input, name)));
    const { probe, image } = await decodeImage(bytes, name);
    const oriented = orientMask(await fitMask(mask, image.width, image.height, 'fail'), probe.orientation).data;
    const [s] = await runInpaint({ image, mask: oriented, params, ...(model ? { model } : {}) });
    const result = { ...image, data: image.data.slice() };
    pasteImage(result, s!.crop, s!.region.x, s!.region.y);
    await fs.writeFile(path.join(output, name), (await encodeLikeSource(bytes, probe, result)).bytes);
    n++;
  }
  return n;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-batch-'));
  try {
    const input = path.join(root, 'in');
    const maskFile = path.join(root, 'dust.png');
    console.log(`preparing ${N} photos of ${W}×${H} (12 MP) from assets/sample.jpg …`);
    await makeFolder(input);
    await makeDustMask(maskFile);
    const service = new StudioService({ dataDir: path.join(root, 'data'), mode: 'cli', version: 'bench' });
    const methods: InpaintParams[] = [inpaintParamsSchema.parse({ method: 'patchmatch' })];
    const model = await service.models.defaultPhotoModelId();
    if (model) methods.push(await service.resolveBatchParams(inpaintParamsSchema.parse({ method: 'diffusion', model, steps: 10 })));
    const rows: string[][] = [];
    const results: Record<string, unknown>[] = [];
    for (const params of methods) {
      const label = params.method === 'diffusion' ? `diffusion (${params.model}, ${params.steps} steps)` : 'patchmatch';
      // A, B, B, A: each way runs once early and once late, so warm-up and drift fall on both alike.
      const runs: { way: 'batch' | 'plain'; rate: number; peak: number; failed: number }[] = [];
      for (const [round, way] of (['batch', 'plain', 'plain', 'batch'] as const).entries()) {
        const out = path.join(root, `out-${way}-${params.method}-${round}`);
        const t0 = performance.now();
        if (way === 'batch') {
          const r = await trackPeakRss(async () => {
            const { jobId } = await service.batch.create(input, out, {
              mask: { kind: 'mask', file: maskFile, fit: 'fail' }, params, recursive: false, types: ['jpg'], overwrite: false,
              suffix: '', format: 'keep', quality: 95, contactSheet: false,
            }, false);
            return service.batch.run(jobId);
          });
          runs.push({ way, rate: r.result.counts.done / ((performance.now() - t0) / 60000), peak: r.peakRssBytes, failed: r.result.counts.failed });
        } else {
          const r = await trackPeakRss(() => plainLoop(input, out, maskFile, params, service));
          runs.push({ way, rate: r.result / ((performance.now() - t0) / 60000), peak: r.peakRssBytes, failed: 0 });
        }
        rmSync(out, { recursive: true, force: true });
      }
      const of = (way: 'batch' | 'plain') => runs.filter((r) => r.way === way);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const bRate = mean(of('batch').map((r) => r.rate)), pRate = mean(of('plain').map((r) => r.rate));
      const bPeak = Math.max(...of('batch').map((r) => r.peak)), pPeak = Math.max(...of('plain').map((r) => r.peak));
      const each = (way: 'batch' | 'plain') => of(way).map((r) => r.rate.toFixed(1)).join(' / ');
      rows.push([label, `${bRate.toFixed(1)} (${each('batch')})`, `${pRate.toFixed(1)} (${each('plain')})`, (bRate / pRate).toFixed(2), (bPeak / 2 ** 20).toFixed(0), (pPeak / 2 ** 20).toFixed(0)]);
      results.push({ method: label, images: N, order: runs.map((r) => r.way), batchImagesPerMin: bRate, plainImagesPerMin: pRate, ratio: bRate / pRate,
        runs, batchPeakRssBytes: bPeak, plainPeakRssBytes: pPeak, failed: Math.max(...of('batch').map((r) => r.failed)) });
    }
    await service.close();
    console.log('order per method: batch, plain, plain, batch (img/min of each run in brackets; the rate is their mean)');
    console.log(formatTable(['method', 'batch img/min', 'plain loop img/min', 'ratio', 'batch peak MB', 'plain peak MB'], rows));
    console.log('target: ≥ 30 images/min for 12 MP with a dust mask, PatchMatch (DESIGN.md §8)');
    const warn = loadWarning();
    if (warn) console.log(warn);
    console.log(`wrote ${writeBenchResults('batch', { width: W, height: H, results })}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
