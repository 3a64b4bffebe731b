/**
 * Guided PatchMatch for the N samples of a diffusion run, on a worker pool.
 * The jobs are planned once (they depend on the mask only). Each job's
 * samples are split into as many groups as there are workers, and each
 * (job, group) is one task, so the samples of even a single big hole keep
 * both cores busy. A job is prepared once for the whole pool: its first task
 * gets the crop (in shared memory when the job has other tasks) and builds
 * the pyramid and level maps there; the job's other tasks read that instead
 * of a copy of their own. Guides never exist as full-frame images: for each
 * (job, sample) the caller supplies the guide of the job's hole box only,
 * and only its hole pixels travel to the worker, as do the filled ones back.
 *
 * Sample i's result is bit-identical to patchMatchFill(image, mask, { seed:
 * seeds[i], guide: <that sample's guide>, guideScale, ... }) whatever the pool
 * size and grouping: every (job, sample) fill is seeded by the sample's seed
 * and the job's place, and the shared pyramid is a pure function of the crop.
 */
import { StudioError } from '../../../shared/errors';
import type { PreparedJobData } from './fillJob';
import { countHolePixels, cropJobImages, pasteJobResult } from './jobCrops';
import { emptyResult, jobSeed } from './patchMatchFill';
import { HEAP_PLANES, SHARED_PLANES } from './planes';
import { GUIDED_MARGIN_RADII, planFillJobs, type FillJob } from './planFillJobs';
import type { FillResult, PixelImage, Rect } from './types';
import { validateInputs } from './validateInputs';
import { cancelledFill, defaultWorkerCount, runWorkerPool } from './workerPool';
import { jobImageViews, transferablesOf } from './workerProtocol';

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

/**
 * Guide rows asked for per guideRegion call, as a pixel budget: a hole box
 * can be tens of megabytes per sample, and transient buffers that size were
 * a large part of the detail pass's peak memory.
 */
const GUIDE_BAND_PIXELS = 1 << 20;
/** Within a band, hole columns closer than this are asked for in one rect rather than two. */
const GUIDE_GAP_PIXELS = 64;

/**
 * A sample's guide values at a job's hole pixels, in raster order. The hole
 * box is asked for a band of rows at a time, and within a band only over the
 * column runs that hold hole pixels: the hole box of holes far apart is
 * mostly known pixels, whose guide is never read and costs an upsampling all
 * the same. Any rect of a guide gives the same pixels, so this equals
 * packing one whole-box request.
 */
export async function guideHoleValues(
  guideRegion: GuidedBatchOptions['guideRegion'],
  sample: number,
  job: FillJob,
  mask: Uint8Array,
  image: PixelImage,
  bandPixels = GUIDE_BAND_PIXELS,
): Promise<Uint8Array> {
  const { holeBox } = job;
  const { width: imageWidth, channels } = image;
  const out = new Uint8Array(countHolePixels(job, mask, imageWidth) * channels);
  const rows = Math.max(1, Math.floor(bandPixels / holeBox.width));
  const used = new Uint8Array(holeBox.width);
  let k = 0;
  for (let y0 = holeBox.y; y0 < holeBox.y + holeBox.height; y0 += rows) {
    const height = Math.min(rows, holeBox.y + holeBox.height - y0);
    used.fill(0);
    for (let y = y0; y < y0 + height; y++) {
      const row = y * imageWidth + holeBox.x;
      for (let x = 0; x < holeBox.width; x++) if (mask[row + x]! > 127) used[x] = 1;
    }
    const parts: { readonly rect: Rect; readonly values: Uint8Array }[] = [];
    for (const [x0, x1] of columnRuns(used, GUIDE_GAP_PIXELS)) {
      const rect = { x: holeBox.x + x0, y: y0, width: x1 - x0, height };
      const values = await guideRegion(sample, rect);
      if (values.length !== rect.width * rect.height * channels) {
        throw new StudioError('BAD_REQUEST', `guide region has ${values.length} values, expected ${rect.width}x${rect.height}x${channels}`);
      }
      parts.push({ rect, values });
    }
    // Raster order across the band's parts: row by row, parts left to right.
    for (let y = 0; y < height; y++) {
      for (const { rect, values } of parts) {
        const row = (y0 + y) * imageWidth + rect.x;
        for (let x = 0; x < rect.width; x++) {
          if (mask[row + x]! <= 127) continue;
          const from = (y * rect.width + x) * channels;
          for (let c = 0; c < channels; c++) out[k++] = values[from + c]!;
        }
      }
    }
  }
  return out;
}

/** [start, end) of the runs of set entries, runs closer than `gap` merged. */
export function columnRuns(used: Uint8Array, gap: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let x = 0; x < used.length; x++) {
    if (!used[x]) continue;
    let end = x + 1;
    while (end < used.length && used[end]) end++;
    const last = runs[runs.length - 1];
    if (last && x - last[1] < gap) last[1] = end;
    else runs.push([x, end]);
    x = end;
  }
  return runs;
}

/** How a job is prepared once for all of its tasks: the first task builds it, the others wait for it. */
interface JobPreparation {
  tasksLeft: number;
  claimed: boolean;
  readonly ready: Promise<PreparedJobData>;
  readonly resolve: (data: PreparedJobData) => void;
}

export async function runGuidedPatchMatchBatch(image: PixelImage, mask: Uint8Array, options: GuidedBatchOptions): Promise<void> {
  const { seeds } = options;
  if (options.signal?.aborted) throw cancelledFill();
  if (seeds.length === 0) throw new StudioError('BAD_REQUEST', 'a guided batch needs at least one sample');
  for (const seed of seeds) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new StudioError('BAD_REQUEST', `seed must be a uint32, got ${seed}`);
  }
  // Validated as for a single fill with a guide; the guide's own size is checked per region.
  const settings = validateInputs(image, mask, {
    ...(options.patchSize !== undefined ? { patchSize: options.patchSize } : {}),
    ...(options.exclusion ? { exclusion: options.exclusion } : {}),
    ...(options.values16 ? { values16: options.values16 } : {}),
    ...(options.guideWeight !== undefined ? { guideWeight: options.guideWeight } : {}),
    ...(options.guideScale !== undefined ? { guideScale: options.guideScale } : {}),
    guide: image,
  });
  const plan = planFillJobs(mask, image.width, image.height, settings.patchSize, options.exclusion, GUIDED_MARGIN_RADII);
  const { guideWeight, guideScale, patchSize } = settings;
  const n = seeds.length;
  const workerCount = options.workerCount ?? defaultWorkerCount();
  const tasks = planGuidedTasks(plan.jobs, n, Math.max(1, workerCount));
  const preparations = new Map<FillJob, JobPreparation>();
  for (const task of tasks) {
    const known = preparations.get(task.job);
    if (known) {
      known.tasksLeft++;
      continue;
    }
    let resolve!: (data: PreparedJobData) => void;
    const ready = new Promise<PreparedJobData>((r) => { resolve = r; });
    preparations.set(task.job, { tasksLeft: 1, claimed: false, ready, resolve });
  }
  const cropOptions = { ...(options.exclusion ? { exclusion: options.exclusion } : {}), ...(options.values16 ? { values16: options.values16 } : {}) };
  const results: (FillResult | null)[] = seeds.map(() => null);
  const jobsLeft = seeds.map(() => plan.jobs.length);
  const samplesLeftInTask = tasks.map((t) => t.samples.length);

  await runWorkerPool({
    tasks,
    workerCount,
    weightOf: (task) => task.job.holeArea * task.samples.length,
    start: async (task, taskIndex, post, settled) => {
      const { job, samples } = task;
      const preparation = preparations.get(job)!;
      const preparing = !preparation.claimed;
      preparation.claimed = true;
      if (preparing) {
        // The worker builds the job while the guides are made here.
        const share = preparation.tasksLeft > 1;
        const images = cropJobImages(image, mask, cropOptions, job.context, share ? SHARED_PLANES : HEAP_PLANES);
        const shared = { patchSize, inradius: job.inradius, ...(guideScale !== undefined ? { guideScale } : {}) };
        post({ type: 'prepare-guided', taskIndex, images, shared, share, keepMaps: share || samples.length > 1 }, transferablesOf(jobImageViews(images)));
      }
      // One message per sample, sent as soon as its guide is made: the worker starts on the first while the next is upsampled.
      for (const [position, i] of samples.entries()) {
        // A cancelled or failed batch makes no more guides: each is a hole-sized upsampling.
        if (settled()) return;
        const holeValues = await guideHoleValues(options.guideRegion, i, job, mask, image);
        if (settled()) return;
        const prepared = position === 0 && !preparing ? await preparation.ready : null;
        const sample = { sampleIndex: i, seed: jobSeed(job, seeds[i]!), holeValues };
        post({ type: 'fill-guided', taskIndex, job: prepared, guideWeight, sample, position, count: samples.length }, transferablesOf([holeValues]));
      }
    },
    onReply: (reply, task, taskIndex) => {
      if (reply.type === 'prepared') {
        preparations.get(task.job)!.resolve(reply.job);
        return false;
      }
      if (reply.type !== 'sample') throw new Error(`unexpected PatchMatch worker reply ${reply.type}`);
      const i = reply.sampleIndex;
      const result = (results[i] ??= emptyResult(image, plan.maskBox, options.values16));
      pasteJobResult(result, task.job, reply.result, mask, image);
      if (--jobsLeft[i]! === 0) {
        results[i] = null;
        options.onSample?.(i, result);
      }
      if (--samplesLeftInTask[taskIndex]! > 0) return false;
      // The job's shared crop and maps go once its last task is done.
      const preparation = preparations.get(task.job)!;
      if (--preparation.tasksLeft === 0) preparations.delete(task.job);
      return true;
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
