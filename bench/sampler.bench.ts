/**
 * Sampler speed: one network call and one whole DDIM sample of each
 * installed model, in TypeScript + ONNX Runtime (worker thread) and in the
 * PyTorch reference (bench/torch_reference.py, same weights, same seed,
 * same task) in the same run, at batch 1 and 8; the ratio, the outputs'
 * agreement, the model's FLOPs per call and the achieved FLOP/s against this
 * CPU's measured matmul peak; and the sampler's overhead over a bare ONNX
 * Runtime loop replaying the same calls (the inputs the sampler made,
 * recorded), alternated run by run, beside the sampler's own cost per step
 * measured with a network that answers at once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listModels, loadModel } from '../src/main/inference/models';
import { sample, SeededNoise, type Denoise, type Shape } from '../src/main/diffusion/sampler';
import type { GaussianDiffusion } from '../src/main/diffusion/gaussian';
import { packageRoot } from '../src/main/workers/paths';
import { median, timeRuns } from './lib/timing';
import { formatTable } from './lib/table';
import { loadWarning, writeBenchResults } from './lib/results';

const STEPS = Number(process.env.BENCH_STEPS ?? 25);
const SEED = 7;
/** Threads for both sides: ONNX Runtime's intra-op pool and torch.set_num_threads. */
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
/** BENCH_SPINNING=0 turns off ONNX Runtime's spinning intra-op threads. */
const SPINNING = process.env.BENCH_SPINNING === undefined ? undefined : process.env.BENCH_SPINNING !== '0';
const STEP_RUNS = 9;
/** Sampler and bare-loop repetitions, alternated. */
const SAMPLE_REPS = Number(process.env.BENCH_SAMPLE_REPS ?? 5);

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

/** The sampler's own cost per step: the same run with a network that answers at once (a fixed, precomputed output). */
async function samplerOwnMsPerStep(diffusion: GaussianDiffusion, shape: Shape, outChannels: number, tk: { source: Float32Array; mask: Float32Array }, cond: boolean): Promise<number> {
  const [n, , h, w] = shape;
  const out = Float32Array.from({ length: n * outChannels * h * w }, (_, i) => Math.sin(i) * 0.5);
  const instant: Denoise = () => Promise.resolve(out);
  const run = () => sample({ diffusion, denoise: instant, noise: new SeededNoise(SEED, shape), shape, method: 'ddim', task: tk, conditioning: cond ? 'palette' : 'replace' });
  await run();
  const { medianMs } = await timeRuns(9, run);
  return medianMs / diffusion.numTimesteps;
}

async function main(): Promise<void> {
  const { models } = await listModels(path.join(packageRoot(), 'models'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-sampler-'));
  const rows: string[][] = [];
  const overheadRows: string[][] = [];
  const optionRows: string[][] = [];
  const optionResults: Record<string, unknown>[] = [];
  const results: Record<string, unknown>[] = [];
  let peak: number | null = null;
  let torchThreads: number | null = null;
  try {
    for (const installed of models) {
      const m = installed.manifest;
      const model = await loadModel(installed, { providers: ['cpu'], threads: THREADS, ...(SPINNING !== undefined ? { spinning: SPINNING } : {}) });
      const cond = m.kind === 'conditional-inpaint';
      const c = m.channels, h = m.resolution, w = m.resolution;
      for (const n of [1, 8]) {
        const shape: Shape = [n, c, h, w];
        const inShape: Shape = [n, m.inputs.x.channels, h, w];
        const x = Float32Array.from({ length: n * m.inputs.x.channels * h * w }, (_, i) => Math.sin(i));
        const t = new Float32Array(n).fill(500);
        for (let r = 0; r < 2; r++) await model.denoise(x, t, inShape);
        const stepMs: number[] = [];
        for (let r = 0; r < STEP_RUNS; r++) {
          const t0 = performance.now();
          await model.denoise(x, t, inShape);
          stepMs.push(performance.now() - t0);
        }
        const diffusion = model.diffusion.respaced(String(STEPS));
        const tk = task(n, c, h, w);
        const runSample = (denoise: Denoise) => sample({ diffusion, denoise, noise: new SeededNoise(SEED, shape), shape, method: 'ddim', task: tk, conditioning: cond ? 'palette' : 'replace' });
        // Warm-up run (JIT compilation of the sampler is not timed) that also
        // records every network input, so the bare loop replays the same calls.
        const calls: [Float32Array, Float32Array][] = [];
        await runSample((xi, ti, s) => { calls.push([xi.slice(), ti.slice()]); return model.denoise(xi, ti, s); });
        // Sampler and bare loop alternate, so a load change hits both alike.
        // Also the time the sampler spends outside network calls within each run,
        // against the time inside them: both measured at the same moments.
        const sampleRuns: number[] = [];
        const bareRuns: number[] = [];
        const outsideShare: number[] = [];
        let ours: Float32Array = new Float32Array(0);
        for (let r = 0; r < SAMPLE_REPS; r++) {
          let inside = 0;
          const timed: Denoise = async (xi, ti, s) => {
            const c0 = performance.now();
            const out = await model.denoise(xi, ti, s);
            inside += performance.now() - c0;
            return out;
          };
          const s0 = performance.now();
          ours = await runSample(timed);
          const total = performance.now() - s0;
          sampleRuns.push(total);
          outsideShare.push((total - inside) / inside);
          const b0 = performance.now();
          for (const [xi, ti] of calls) await model.denoise(xi, ti, inShape);
          bareRuns.push(performance.now() - b0);
        }
        const sampleMs = median(sampleRuns);
        const bareMs = median(bareRuns);
        const overhead = median(sampleRuns.map((v, i) => v / bareRuns[i]! - 1));
        const ownMs = await samplerOwnMsPerStep(diffusion, shape, m.output.channels, tk, cond);
        const ourStep = median(stepMs);
        const inRun = median(outsideShare);
        overheadRows.push([m.id, String(n), (bareMs / calls.length).toFixed(1), ownMs.toFixed(3), `${((100 * ownMs) / (bareMs / calls.length)).toFixed(2)} %`,
          `${(100 * inRun).toFixed(2)} %`, `${(100 * overhead).toFixed(1)} %`, sampleRuns.map((v, i) => `${(100 * (v / bareRuns[i]! - 1)).toFixed(0)}`).join(' ')]);

        const npy = path.join(tmp, `${m.id}-${n}.npy`);
        const py = spawnSync('/usr/bin/python3', [path.join(packageRoot(), 'bench', 'torch_reference.py'), '--model-dir', installed.dir,
          '--size', String(h), String(w), '--batch', String(n), '--steps', String(STEPS), '--seed', String(SEED), '--threads', String(THREADS),
          '--step-runs', String(STEP_RUNS), '--out-npy', npy, ...(peak === null ? ['--peak'] : [])],
        { encoding: 'utf8', timeout: 1_800_000 });
        const common = { model: m.id, batch: n, size: [h, w], steps: STEPS, ortIntraOpThreads: THREADS, tsStepMs: ourStep, tsSampleMs: sampleMs, bareLoopMs: bareMs,
          samplerOverhead: overhead, samplerOverheadRuns: sampleRuns.map((v, i) => v / bareRuns[i]! - 1), samplerOwnMsPerStep: ownMs,
          samplerOutsideCallsShare: inRun };
        if (py.status !== 0) {
          console.log(`${m.id} batch ${n}: PyTorch reference unavailable: ${(py.stderr || py.stdout).trim().split('\n').slice(-1)[0]}`);
          rows.push([m.id, String(n), ourStep.toFixed(1), '—', '—', sampleMs.toFixed(0), '—', '—', '—']);
          results.push(common);
          continue;
        }
        const ref = JSON.parse(py.stdout.trim().split('\n').slice(-1)[0]!) as { stepMsMedian: number; sampleMs: number; flopsPerStep: number; matmulPeakFlops?: number; threads: number };
        peak ??= ref.matmulPeakFlops ?? null;
        torchThreads = ref.threads;
        const theirs = readNpyFloat32(npy);
        let maxDiff = 0;
        for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - theirs[i]!));
        const achieved = ref.flopsPerStep / (ourStep / 1000);
        rows.push([m.id, String(n), ourStep.toFixed(1), ref.stepMsMedian.toFixed(1), (ref.stepMsMedian / ourStep).toFixed(2),
          sampleMs.toFixed(0), ref.sampleMs.toFixed(0), (ref.sampleMs / sampleMs).toFixed(2), maxDiff.toExponential(1)]);
        results.push({ ...common, torchThreads: ref.threads, torchStepMs: ref.stepMsMedian, stepSpeedup: ref.stepMsMedian / ourStep,
          torchSampleMs: ref.sampleMs, sampleSpeedup: ref.sampleMs / sampleMs, maxAbsDiff: maxDiff,
          flopsPerStep: ref.flopsPerStep, tsAchievedFlops: achieved, fractionOfMatmulPeak: peak ? achieved / peak : null });
      }
      // ONNX Runtime's spinning intra-op threads on (its default) and off, calls alternated.
      const quiet = await loadModel(installed, { providers: ['cpu'], threads: THREADS, spinning: false });
      for (const n of [1, 8]) {
        const inShape: Shape = [n, m.inputs.x.channels, h, w];
        const x = Float32Array.from({ length: n * m.inputs.x.channels * h * w }, (_, i) => Math.sin(i));
        const t = new Float32Array(n).fill(500);
        const spin: number[] = [];
        const noSpin: number[] = [];
        await quiet.denoise(x, t, inShape);
        for (let r = 0; r < 2 * STEP_RUNS; r++) {
          for (const [session, into] of [[model, spin], [quiet, noSpin]] as const) {
            const t0 = performance.now();
            await session.denoise(x, t, inShape);
            into.push(performance.now() - t0);
          }
        }
        optionRows.push([m.id, String(n), median(spin).toFixed(1), median(noSpin).toFixed(1), (median(noSpin) / median(spin)).toFixed(2)]);
        optionResults.push({ model: m.id, batch: n, spinningMs: median(spin), noSpinningMs: median(noSpin) });
      }
      await quiet.close();
      await model.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`threads: ONNX Runtime intra-op ${THREADS} (inter-op 1, sequential${SPINNING === false ? ', no spinning' : ''}); PyTorch ${torchThreads ?? '—'}`);
  console.log(formatTable(['model', 'batch', 'TS step ms', 'torch step ms', 'speed-up', 'TS sample ms', 'torch sample ms', 'speed-up', 'max |Δ|'], rows));
  console.log('sampler overhead: its own JS per step (instant network) against an ORT call; time outside network calls within a sampler run against the');
  console.log('time inside them; and whole runs against a bare loop replaying the recorded calls (median of alternated runs, then each run)');
  console.log(formatTable(['model', 'batch', 'ORT call ms', 'sampler JS ms/step', 'of a call', 'outside calls', 'vs bare loop', 'each run %'], overheadRows));
  console.log(formatTable(['model', 'batch', 'ORT call ms, spinning threads', 'no spinning', 'ratio'], optionRows));
  if (peak) console.log(`CPU matmul peak (PyTorch 1024² GEMM, ${THREADS} threads): ${(peak / 1e9).toFixed(1)} GFLOP/s`);
  for (const r of results) {
    if (r.flopsPerStep === undefined) continue;
    console.log(`${String(r.model)} batch ${String(r.batch)}: ${((r.flopsPerStep as number) / 1e9).toFixed(2)} GFLOP per call, TS achieves ${((r.tsAchievedFlops as number) / 1e9).toFixed(1)} GFLOP/s${r.fractionOfMatmulPeak ? ` (${(100 * (r.fractionOfMatmulPeak as number)).toFixed(0)} % of peak)` : ''}`);
  }
  console.log('targets: TS at least 2× faster than PyTorch at equal outputs; sampler overhead ≤ 3 % of a bare ONNX Runtime loop');
  const warn = loadWarning();
  if (warn) console.log(warn);
  console.log(`wrote ${writeBenchResults('sampler', { steps: STEPS, threads: THREADS, matmulPeakFlops: peak, results, spinning: optionResults })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
