/**
 * Main-side PatchMatch: plans the jobs here (cheap), then hands each job's
 * crop to a small pool of worker threads, largest job first, and pastes the
 * results as they come back. Jobs are independent and seeded by position, so
 * the result is bit-identical to patchMatchFill whatever the pool size.
 * Aborting terminates the workers at once and rejects with CANCELLED.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StudioError, fromWireError } from '../../../shared/errors';
import { workerScriptPath } from '../../workers/paths';
import { cropJobImages, pasteFilledHole } from './jobCrops';
import { emptyResult, jobSettings } from './patchMatchFill';
import { planFillJobs } from './planFillJobs';
import type { FillResult, PatchMatchOptions, PixelImage } from './types';
import { validateInputs } from './validateInputs';
import { transferablesOf, type FillJobMessage, type WorkerReply } from './workerProtocol';

export interface WorkerFillOptions extends Omit<PatchMatchOptions, 'shouldStop'> {
  readonly signal?: AbortSignal;
  /** Worker threads to use; default min(2, cores, jobs). One job never spans two workers. */
  readonly workerCount?: number;
}

export function runPatchMatchInWorker(
  image: PixelImage,
  mask: Uint8Array,
  options: WorkerFillOptions = {},
): Promise<FillResult> {
  const { signal } = options;
  return new Promise<FillResult>((resolve, reject) => {
    const cancelled = (): StudioError => new StudioError('CANCELLED', 'the PatchMatch fill was cancelled');
    if (signal?.aborted) return reject(cancelled());
    const settings = validateInputs(image, mask, options);
    const plan = planFillJobs(mask, image.width, image.height, settings.patchSize, options.exclusion);
    const result = emptyResult(image, plan.maskBox, options.values16);
    const jobs = plan.jobs;
    const totalArea = jobs.reduce((s, j) => s + j.holeArea, 0);
    const jobFraction = new Float64Array(jobs.length);
    let reported = 0;
    const reportProgress = (): void => {
      let done = 0;
      for (let j = 0; j < jobs.length; j++) done += jobFraction[j]! * jobs[j]!.holeArea;
      const fraction = done / totalArea;
      if (fraction > reported) {
        reported = fraction;
        options.onProgress?.(fraction);
      }
    };

    const requested = options.workerCount ?? Math.min(2, availableParallelism());
    const poolSize = Math.max(1, Math.min(requested, jobs.length));
    let scriptPath: string;
    try {
      scriptPath = workerScriptPath('patchmatch');
    } catch (e) {
      return reject(e);
    }
    const workers: Worker[] = [];
    let nextJob = 0;
    let finishedJobs = 0;
    let settled = false;
    const finish = (error: unknown, value?: FillResult): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve(value!);
    };
    const onAbort = (): void => finish(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });

    const dispatch = (worker: Worker): void => {
      if (nextJob >= jobs.length) return;
      const jobIndex = nextJob++;
      const job = jobs[jobIndex]!;
      const images = cropJobImages(image, mask, options, job.context);
      const message: FillJobMessage = { type: 'fill', jobIndex, images, settings: jobSettings(job, settings) };
      worker.postMessage(message, transferablesOf(images));
    };

    for (let k = 0; k < poolSize; k++) {
      const worker = new Worker(scriptPath);
      workers.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'progress') {
          jobFraction[reply.jobIndex] = reply.fraction;
          reportProgress();
          return;
        }
        if (reply.type === 'error') return finish(fromWireError(reply.error));
        const job = jobs[reply.jobIndex]!;
        pasteFilledHole(reply.image, job, mask, image.width, image.channels, result.region, result.data);
        if (result.data16 && reply.values16) {
          pasteFilledHole(reply.values16, job, mask, image.width, image.channels, result.region, result.data16);
        }
        jobFraction[reply.jobIndex] = 1;
        reportProgress();
        if (++finishedJobs === jobs.length) return finish(null, result);
        dispatch(worker);
      });
      worker.on('error', (e) => finish(e));
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`PatchMatch worker exited with code ${code} before finishing`));
      });
      dispatch(worker);
    }
  });
}
