/**
 * Guided PatchMatch for the N samples of a diffusion run, on a worker pool.
 * The jobs are planned once (they depend on the mask only). Each job's
 * samples are split into as many groups as there are workers, and each
 * (job, group) is one task: the worker builds the job's source pyramid and
 * maps once and fills the group's samples one after another, so the samples
 * of even a single big hole keep both cores busy. Guides never exist as
 * full-frame images: for each (job, sample) the caller supplies the guide of
 * the job's hole box only, and only its hole pixels travel to the worker.
 *
 * Sample i's result is bit-identical to patchMatchFill(image, mask, { seed:
 * seeds[i], guide: <that sample's guide>, guideScale, ... }) whatever the pool
 * size and grouping: every (job, sample) fill is seeded by the sample's seed
 * and the job's place, and the shared pyramid is a pure function of the crop.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StudioError, fromWireError } from '../../../shared/errors';
import { workerScriptPath } from '../../workers/paths';
import { cropJobImages, pasteFilledHole } from './jobCrops';
import { emptyResult, jobSeed } from './patchMatchFill';
import { GUIDED_MARGIN_RADII, planFillJobs, type FillJob } from './planFillJobs';
import type { FillResult, PixelImage, Rect } from './types';
import { validateInputs } from './validateInputs';
import { transferablesOf, type GuidedTaskMessage, type WorkerReply } from './workerProtocol';

export interface GuidedBatchOptions {
  /** One uint32 seed per sample; the batch fills seeds.length samples. */
  readonly seeds: readonly number[];
  /**
   * Sample `sample`'s guide over `rect` (image pixels): rect.width × rect.height
   * × the image's channels, interleaved 8-bit. Only pixels under the mask are read.
   */
  readonly guideRegion: (sample: number, rect: Rect) => Promise<Uint8Array> | Uint8Array;
  /** See PatchMatchOptions.guideScale. */
  readonly guideScale?: number;
  readonly guideWeight?: number;
  readonly patchSize?: number;
  readonly exclusion?: Uint8Array;
  readonly values16?: Uint16Array;
  readonly signal?: AbortSignal;
  /** Worker threads; default min(2, cores, tasks). */
  readonly workerCount?: number;
  /** Fraction of the whole batch, monotonic. */
  readonly onProgress?: (fraction: number) => void;
  /** Called once per sample, as soon as all of its jobs are filled. */
  readonly onSample?: (sample: number, result: FillResult) => void;
}

interface Task {
  readonly job: FillJob;
  readonly samples: readonly number[];
}

/** Splits every job's samples into `groups` interleaved groups (0, g, 2g, ...), largest jobs first. */
export function planGuidedTasks(jobs: readonly FillJob[], sampleCount: number, groups: number): Task[] {
  const tasks: Task[] = [];
  for (const job of jobs) {
    for (let g = 0; g < Math.min(groups, sampleCount); g++) {
      const samples: number[] = [];
      for (let i = g; i < sampleCount; i += groups) samples.push(i);
      tasks.push({ job, samples });
    }
  }
  return tasks;
}

/** The guide values of the job's hole pixels in raster order, taken from a guide of its hole box. */
export function packHoleValues(guide: Uint8Array, job: FillJob, mask: Uint8Array, imageWidth: number, channels: number): Uint8Array {
  const { holeBox } = job;
  if (guide.length !== holeBox.width * holeBox.height * channels) {
    throw new StudioError('BAD_REQUEST', `guide region has ${guide.length} values, expected ${holeBox.width}x${holeBox.height}x${channels}`);
  }
  let count = 0;
  for (let y = holeBox.y; y < holeBox.y + holeBox.height; y++) {
    const row = y * imageWidth;
    for (let x = holeBox.x; x < holeBox.x + holeBox.width; x++) if (mask[row + x]! > 127) count++;
  }
  const out = new Uint8Array(count * channels);
  let k = 0;
  for (let y = 0; y < holeBox.height; y++) {
    const row = (holeBox.y + y) * imageWidth + holeBox.x;
    for (let x = 0; x < holeBox.width; x++) {
      if (mask[row + x]! <= 127) continue;
      const s = (y * holeBox.width + x) * channels;
      for (let c = 0; c < channels; c++) out[k++] = guide[s + c]!;
    }
  }
  return out;
}

export function runGuidedPatchMatchBatch(image: PixelImage, mask: Uint8Array, options: GuidedBatchOptions): Promise<void> {
  const { signal, seeds } = options;
  return new Promise<void>((resolve, reject) => {
    const cancelled = (): StudioError => new StudioError('CANCELLED', 'the PatchMatch fill was cancelled');
    if (signal?.aborted) return reject(cancelled());
    let settings;
    let plan;
    try {
      if (seeds.length === 0) throw new StudioError('BAD_REQUEST', 'a guided batch needs at least one sample');
      for (const seed of seeds) {
        if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new StudioError('BAD_REQUEST', `seed must be a uint32, got ${seed}`);
      }
      // Validated as for a single fill with a guide; the guide's own size is checked per region.
      settings = validateInputs(image, mask, {
        ...(options.patchSize !== undefined ? { patchSize: options.patchSize } : {}),
        ...(options.exclusion ? { exclusion: options.exclusion } : {}),
        ...(options.values16 ? { values16: options.values16 } : {}),
        ...(options.guideWeight !== undefined ? { guideWeight: options.guideWeight } : {}),
        ...(options.guideScale !== undefined ? { guideScale: options.guideScale } : {}),
        guide: image,
      });
      plan = planFillJobs(mask, image.width, image.height, settings.patchSize, options.exclusion, GUIDED_MARGIN_RADII);
    } catch (e) {
      return reject(e);
    }
    const { guideWeight, guideScale, patchSize } = settings;
    const jobs = plan.jobs;
    const n = seeds.length;
    const requested = options.workerCount ?? Math.min(2, availableParallelism());
    const tasks = planGuidedTasks(jobs, n, Math.max(1, requested));
    const poolSize = Math.max(1, Math.min(requested, tasks.length));
    const results: (FillResult | null)[] = seeds.map(() => null);
    const jobsLeft = seeds.map(() => jobs.length);
    const totalWork = tasks.reduce((s, t) => s + t.job.holeArea * t.samples.length, 0);
    const taskFraction = new Float64Array(tasks.length);
    let reported = 0;
    const reportProgress = (): void => {
      let done = 0;
      for (let t = 0; t < tasks.length; t++) done += taskFraction[t]! * tasks[t]!.job.holeArea * tasks[t]!.samples.length;
      const fraction = done / totalWork;
      if (fraction > reported) {
        reported = fraction;
        options.onProgress?.(fraction);
      }
    };

    let scriptPath: string;
    try {
      scriptPath = workerScriptPath('patchmatch');
    } catch (e) {
      return reject(e);
    }
    const workers: Worker[] = [];
    const samplesLeftInTask = tasks.map((t) => t.samples.length);
    let nextTask = 0;
    let samplesDone = 0;
    let settled = false;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });

    const dispatch = async (worker: Worker): Promise<void> => {
      if (nextTask >= tasks.length) return;
      const taskIndex = nextTask++;
      const { job, samples } = tasks[taskIndex]!;
      const seedOf = (i: number): number => jobSeed(job, seeds[i]!);
      const guides = [];
      for (const i of samples) {
        const region = await options.guideRegion(i, job.holeBox);
        if (settled) return;
        guides.push({ sampleIndex: i, seed: seedOf(i), holeValues: packHoleValues(region, job, mask, image.width, image.channels) });
      }
      const images = cropJobImages(image, mask, { ...(options.exclusion ? { exclusion: options.exclusion } : {}), ...(options.values16 ? { values16: options.values16 } : {}) }, job.context);
      const shared = { patchSize, inradius: job.inradius, ...(guideScale !== undefined ? { guideScale } : {}) };
      const message: GuidedTaskMessage = { type: 'fill-guided', jobIndex: taskIndex, images, shared, guideWeight, samples: guides };
      worker.postMessage(message, [...transferablesOf(images), ...guides.map((g) => g.holeValues.buffer as ArrayBuffer)]);
    };
    const dispatchOrFail = (worker: Worker): void => {
      dispatch(worker).catch((e: unknown) => finish(e));
    };

    for (let k = 0; k < poolSize; k++) {
      const worker = new Worker(scriptPath);
      workers.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'progress') {
          taskFraction[reply.jobIndex] = reply.fraction;
          reportProgress();
          return;
        }
        if (reply.type === 'error') return finish(fromWireError(reply.error));
        if (reply.type !== 'sample') return finish(new Error(`unexpected PatchMatch worker reply ${reply.type}`));
        const task = tasks[reply.jobIndex]!;
        const i = reply.sampleIndex;
        const result = (results[i] ??= emptyResult(image, plan.maskBox, options.values16));
        pasteFilledHole(reply.image, task.job, mask, image.width, image.channels, result.region, result.data);
        if (result.data16 && reply.values16) {
          pasteFilledHole(reply.values16, task.job, mask, image.width, image.channels, result.region, result.data16);
        }
        if (--jobsLeft[i]! === 0) {
          results[i] = null;
          try {
            options.onSample?.(i, result);
          } catch (e) {
            return finish(e);
          }
          if (++samplesDone === n) return finish(null);
        }
        if (--samplesLeftInTask[reply.jobIndex]! === 0) {
          taskFraction[reply.jobIndex] = 1;
          reportProgress();
          dispatchOrFail(worker);
        }
      });
      worker.on('error', (e) => finish(e));
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`PatchMatch worker exited with code ${code} before finishing`));
      });
      dispatchOrFail(worker);
    }
  });
}
