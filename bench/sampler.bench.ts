/**
 * Sampler speed: one network call and one whole DDIM sample of each
 * installed model, in TypeScript + ONNX Runtime (worker thread) and in the
 * PyTorch reference (bench/torch_reference.py, same weights, same seed,
 * same task) in the same run, at batch 1 and 8; the ratio, the outputs'
 * agreement, the model's FLOPs per call and the achieved FLOP/s against this
 * CPU's measured matmul peak; and the sampler's overhead over a bare ONNX
 * Runtime loop making the same calls.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listModels, loadModel } from '../src/main/inference/models';
import { sample, SeededNoise, type Shape } from '../src/main/diffusion/sampler';
import { packageRoot } from '../src/main/workers/paths';
import { median } from './lib/timing';
import { formatTable } from './lib/table';
import { loadWarning, writeBenchResults } from './lib/results';

const STEPS = Number(process.env.BENCH_STEPS ?? 25);
const SEED = 7;

function readNpyFloat32(file: string): Float32Array {
  const b = readFileSync(file);
  const headerLen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${file}: expected little-endian float32, header ${header}`);
  const data = b.subarray(10 + headerLen);
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

/** The same task as torch_reference.py: a smooth source with a centre-box hole. */
function task(n: number, c: number, h: number, w: number): { source: Float32Array; mask: Float32Array } {
  const source = new Float32Array(n * c * h * w);
  const mask = new Float32Array(n * h * w);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    for (let k = 0; k < c; k++) source[((b * c + k) * h + y) * w + x] = Math.fround(Math.sin(x / 5 + k) * Math.cos(y / 7) * 0.8);
    mask[(b * h + y) * w + x] = x >= (w >> 2) && x < Math.floor((3 * w) / 4) && y >= (h >> 2) && y < Math.floor((3 * h) / 4) ? 1 : 0;
  }
  return { source, mask };
}

async function main(): Promise<void> {
  const { models } = await listModels(path.join(packageRoot(), 'models'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-sampler-'));
  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  let peak: number | null = null;
  try {
    for (const installed of models) {
      const m = installed.manifest;
      const model = await loadModel(installed, { providers: ['cpu'], threads: 2 });
      const cond = m.kind === 'conditional-inpaint';
      const c = m.channels, h = m.resolution, w = m.resolution;
      for (const n of [1, 8]) {
        const shape: Shape = [n, c, h, w];
        const inShape: Shape = [n, m.inputs.x.channels, h, w];
        const x = Float32Array.from({ length: n * m.inputs.x.channels * h * w }, (_, i) => Math.sin(i));
        const t = new Float32Array(n).fill(500);
        await model.denoise(x, t, inShape);
        const stepMs: number[] = [];
        for (let r = 0; r < 5; r++) {
          const t0 = performance.now();
          await model.denoise(x, t, inShape);
          stepMs.push(performance.now() - t0);
        }
        const diffusion = model.diffusion.respaced(String(STEPS));
        const tk = task(n, c, h, w);
        // Warm-up run so JIT compilation of the sampler is not timed.
        await sample({ diffusion: model.diffusion.respaced('2'), denoise: model.denoise, noise: new SeededNoise(SEED, shape), shape, method: 'ddim', task: tk, conditioning: cond ? 'palette' : 'replace' });
        let calls = 0;
        const counted = async (xi: Float32Array, ti: Float32Array, s: Shape) => { calls++; return model.denoise(xi, ti, s); };
        const s0 = performance.now();
        const ours = await sample({ diffusion, denoise: counted, noise: new SeededNoise(SEED, shape), shape, method: 'ddim', task: tk, conditioning: cond ? 'palette' : 'replace' });
        const sampleMs = performance.now() - s0;
        // The bare loop: the same number of network calls, nothing else.
        const b0 = performance.now();
        for (let i = 0; i < calls; i++) await model.denoise(x, t, inShape);
        const bareMs = performance.now() - b0;

        const npy = path.join(tmp, `${m.id}-${n}.npy`);
        const py = spawnSync('/usr/bin/python3', [path.join(packageRoot(), 'bench', 'torch_reference.py'), '--model-dir', installed.dir,
          '--size', String(h), String(w), '--batch', String(n), '--steps', String(STEPS), '--seed', String(SEED), '--out-npy', npy, ...(peak === null ? ['--peak'] : [])],
        { encoding: 'utf8', timeout: 1_800_000 });
        if (py.status !== 0) {
          console.log(`${m.id} batch ${n}: PyTorch reference unavailable: ${(py.stderr || py.stdout).trim().split('\n').slice(-1)[0]}`);
          rows.push([m.id, String(n), median(stepMs).toFixed(1), '—', '—', sampleMs.toFixed(0), '—', '—', '—', `${(((sampleMs - bareMs) / bareMs) * 100).toFixed(1)} %`]);
          continue;
        }
        const ref = JSON.parse(py.stdout.trim().split('\n').slice(-1)[0]!) as { stepMsMedian: number; sampleMs: number; flopsPerStep: number; matmulPeakFlops?: number };
        peak ??= ref.matmulPeakFlops ?? null;
        const theirs = readNpyFloat32(npy);
        let maxDiff = 0;
        for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - theirs[i]!));
        const ourStep = median(stepMs);
        const achieved = ref.flopsPerStep / (ourStep / 1000);
        rows.push([m.id, String(n), ourStep.toFixed(1), ref.stepMsMedian.toFixed(1), (ref.stepMsMedian / ourStep).toFixed(2),
          sampleMs.toFixed(0), ref.sampleMs.toFixed(0), (ref.sampleMs / sampleMs).toFixed(2), maxDiff.toExponential(1),
          `${(((sampleMs - bareMs) / bareMs) * 100).toFixed(1)} %`]);
        results.push({ model: m.id, batch: n, size: [h, w], steps: STEPS, tsStepMs: ourStep, torchStepMs: ref.stepMsMedian, stepSpeedup: ref.stepMsMedian / ourStep,
          tsSampleMs: sampleMs, torchSampleMs: ref.sampleMs, sampleSpeedup: ref.sampleMs / sampleMs, maxAbsDiff: maxDiff,
          flopsPerStep: ref.flopsPerStep, tsAchievedFlops: achieved, fractionOfMatmulPeak: peak ? achieved / peak : null,
          bareLoopMs: bareMs, samplerOverhead: (sampleMs - bareMs) / bareMs });
      }
      await model.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(formatTable(['model', 'batch', 'TS step ms', 'torch step ms', 'speed-up', 'TS sample ms', 'torch sample ms', 'speed-up', 'max |Δ|', 'sampler overhead'], rows));
  if (peak) console.log(`CPU matmul peak (PyTorch 1024² GEMM, 2 threads): ${(peak / 1e9).toFixed(1)} GFLOP/s`);
  for (const r of results) console.log(`${String(r.model)} batch ${String(r.batch)}: ${((r.flopsPerStep as number) / 1e9).toFixed(2)} GFLOP per call, TS achieves ${((r.tsAchievedFlops as number) / 1e9).toFixed(1)} GFLOP/s${r.fractionOfMatmulPeak ? ` (${(100 * (r.fractionOfMatmulPeak as number)).toFixed(0)} % of peak)` : ''}`);
  console.log('targets: TS at least 2× faster than PyTorch at equal outputs; sampler overhead ≤ 3 % of a bare ONNX Runtime loop');
  const warn = loadWarning();
  if (warn) console.log(warn);
  console.log(`wrote ${writeBenchResults('sampler', { steps: STEPS, matmulPeakFlops: peak, results })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
