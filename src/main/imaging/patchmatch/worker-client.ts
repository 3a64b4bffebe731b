/**
 * Main-side PatchMatch: plans the jobs here (cheap), then hands each job's
 * crop to a small pool of worker threads, largest job first, and pastes the
 * results as they come back. Jobs are independent and seeded by position, so
 * the result is bit-identical to patchMatchFill whatever the pool size.
 * Aborting terminates the workers at once and rejects with CANCELLED.
 */
import { cropJobImages, pasteJobResult } from './jobCrops';
import { emptyResult, jobSettings } from './patchMatchFill';
import { planFillJobs } from './planFillJobs';
import type { FillResult, PatchMatchOptions, PixelImage } from './types';
import { validateInputs } from './validateInputs';
import { cancelledFill, defaultWorkerCount, runWorkerPool } from './workerPool';
import { jobImageViews, transferablesOf } from './workerProtocol';

export interface WorkerFillOptions extends Omit<PatchMatchOptions, 'shouldStop'> {
  readonly signal?: AbortSignal;
  /** Worker threads to use; default min(2, cores, jobs). One job never spans two workers. */
  readonly workerCount?: number;
}

export async function runPatchMatchInWorker(image: PixelImage, mask: Uint8Array, options: WorkerFillOptions = {}): Promise<FillResult> {
  if (options.signal?.aborted) throw cancelledFill();
  const settings = validateInputs(image, mask, options);
  const plan = planFillJobs(mask, image.width, image.height, settings.patchSize, options.exclusion);
  const result = emptyResult(image, plan.maskBox, options.values16);
  await runWorkerPool({
    tasks: plan.jobs,
    workerCount: options.workerCount ?? defaultWorkerCount(),
    weightOf: (job) => job.holeArea,
    start: (job, taskIndex, post) => {
      const images = cropJobImages(image, mask, options, job.context);
      post({ type: 'fill', taskIndex, images, settings: jobSettings(job, settings) }, transferablesOf(jobImageViews(images)));
    },
    onReply: (reply, job) => {
      if (reply.type !== 'done') throw new Error(`unexpected PatchMatch worker reply ${reply.type}`);
      pasteJobResult(result, job, reply.result, mask, image);
      return true;
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return result;
}
