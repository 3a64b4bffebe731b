import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/errors';
import { cropJobImages, pasteJobResult } from './jobCrops';
import { emptyResult, jobSettings, patchMatchFill } from './patchMatchFill';
import { planFillJobs, type FillJob } from './planFillJobs';
import { discMask, randomNoise } from './testImages';
import type { PixelImage } from './types';
import { validateInputs } from './validateInputs';
import { runWorkerPool, type PostToWorker } from './workerPool';
import { jobImageViews, transferablesOf } from './workerProtocol';

// These drive the real worker bundle, dist/main/workers/patchmatch.cjs (built by the vitest global setup).

const W = 240, H = 160;

/** Four separate holes: four independent jobs. */
function fourHoles(): { image: PixelImage; mask: Uint8Array; jobs: readonly FillJob[] } {
  const image = randomNoise(W, H, 3, 21);
  const mask = new Uint8Array(W * H);
  for (const [cx, cy, r] of [[40, 40, 9], [190, 40, 7], [50, 120, 6], [190, 120, 8]] as const) {
    const disc = discMask(W, H, cx, cy, r);
    for (let i = 0; i < mask.length; i++) if (disc[i]) mask[i] = 255;
  }
  const jobs = planFillJobs(mask, W, H, 7).jobs;
  expect(jobs.length).toBe(4);
  return { image, mask, jobs };
}

function startFill(image: PixelImage, mask: Uint8Array, seed: number) {
  const settings = validateInputs(image, mask, { seed });
  return (job: FillJob, taskIndex: number, post: PostToWorker): void => {
    const images = cropJobImages(image, mask, {}, job.context);
    post({ type: 'fill', taskIndex, images, settings: jobSettings(job, settings) }, transferablesOf(jobImageViews(images)));
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected the pool to reject');
}

describe('runWorkerPool', () => {
  it('hands tasks out in order to at most workerCount workers, reports one monotonic progress and resolves when all are done', async () => {
    const { image, mask, jobs } = fourHoles();
    const events: string[] = [];
    const progress: number[] = [];
    const start = startFill(image, mask, 3);
    const result = emptyResult(image, planFillJobs(mask, W, H, 7).maskBox, undefined);
    await runWorkerPool({
      tasks: jobs,
      workerCount: 2,
      weightOf: (job) => job.holeArea,
      start: (job, taskIndex, post) => {
        events.push(`start ${taskIndex}`);
        start(job, taskIndex, post);
      },
      onReply: (reply, job, taskIndex) => {
        expect(reply.type).toBe('done');
        if (reply.type === 'done') pasteJobResult(result, job, reply.result, mask, image);
        events.push(`done ${taskIndex}`);
        return true;
      },
      onProgress: (f) => progress.push(f),
    });
    // In order, never more than two outstanding, each task done once.
    expect(events.filter((e) => e.startsWith('start'))).toEqual(['start 0', 'start 1', 'start 2', 'start 3']);
    let outstanding = 0;
    for (const e of events) {
      outstanding += e.startsWith('start') ? 1 : -1;
      expect(outstanding).toBeLessThanOrEqual(2);
    }
    expect(events.slice(0, 2)).toEqual(['start 0', 'start 1']);
    expect(events.filter((e) => e.startsWith('done')).sort()).toEqual(['done 0', 'done 1', 'done 2', 'done 3']);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    expect(progress[progress.length - 1]).toBe(1);
    // The pasted results are the in-process fill's.
    expect(Buffer.from(result.data).equals(Buffer.from(patchMatchFill(image, mask, { seed: 3 }).data))).toBe(true);
  });

  it('resolves at once with no tasks and never starts a worker for an already-aborted signal', async () => {
    let started = 0;
    const options = { workerCount: 2, weightOf: () => 1, start: () => { started++; }, onReply: () => true };
    await expect(runWorkerPool({ ...options, tasks: [] })).resolves.toBeUndefined();
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(runWorkerPool({ ...options, tasks: [1, 2], signal: controller.signal }));
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(started).toBe(0);
  });

  it('rejects with the error a worker reports, as a StudioError with its code and message', async () => {
    // A guided fill without a prepared job is a protocol error the worker reports rather than dies of.
    const error = await rejection(runWorkerPool({
      tasks: ['only'],
      workerCount: 1,
      weightOf: () => 1,
      start: (_task, taskIndex, post) => post({
        type: 'fill-guided', taskIndex, job: null, guideWeight: 1, sample: { sampleIndex: 0, seed: 1, holeValues: new Uint8Array(3) }, position: 0, count: 1,
      }),
      onReply: () => true,
    }));
    expect(error).toBeInstanceOf(StudioError);
    expect(error).toMatchObject({ code: 'INTERNAL', message: 'fill-guided without a prepared job' });
  });

  it('rejects with what a callback throws and hands out no further task', async () => {
    const { image, mask, jobs } = fourHoles();
    const start = startFill(image, mask, 1);
    const startedTasks: number[] = [];
    const failing = new StudioError('BAD_REQUEST', 'the paste failed');
    const replyError = await rejection(runWorkerPool({
      tasks: jobs,
      workerCount: 2,
      weightOf: (job) => job.holeArea,
      start: (job, i, post) => { startedTasks.push(i); start(job, i, post); },
      onReply: () => { throw failing; },
    }));
    expect(replyError).toBe(failing);
    expect(startedTasks).toEqual([0, 1]);

    // start may fail synchronously or asynchronously (a guide that cannot be made).
    const syncError = await rejection(runWorkerPool({ tasks: jobs, workerCount: 2, weightOf: () => 1, start: () => { throw new Error('no crop'); }, onReply: () => true }));
    expect(syncError.message).toBe('no crop');
    const asyncError = await rejection(runWorkerPool({
      tasks: jobs, workerCount: 2, weightOf: () => 1, onReply: () => true,
      start: async () => { await new Promise((r) => setTimeout(r, 5)); throw new StudioError('MODEL_INVALID', 'no guide'); },
    }));
    expect(asyncError).toMatchObject({ code: 'MODEL_INVALID', message: 'no guide' });
  });

  it('rejects with CANCELLED when aborted mid-task, and reports nothing afterwards', async () => {
    const w = 700, h = 500;
    const image = randomNoise(w, h, 3, 9);
    const mask = discMask(w, h, 350, 250, 150);
    const settings = validateInputs(image, mask, {});
    const jobs = planFillJobs(mask, w, h, 7).jobs;
    const controller = new AbortController();
    const afterAbort: string[] = [];
    let postedLate = false;
    const promise = runWorkerPool({
      tasks: [...jobs, ...jobs],
      workerCount: 2,
      weightOf: (job) => job.holeArea,
      start: async (job, taskIndex, post) => {
        const images = cropJobImages(image, mask, {}, job.context);
        if (taskIndex === 1) {
          // Posting after the pool settled is a no-op, not an error.
          await new Promise((r) => setTimeout(r, 300));
          postedLate = true;
        }
        post({ type: 'fill', taskIndex, images, settings: jobSettings(job, settings) }, transferablesOf(jobImageViews(images)));
      },
      onReply: () => {
        if (controller.signal.aborted) afterAbort.push('reply');
        return true;
      },
      signal: controller.signal,
      onProgress: (f) => {
        if (controller.signal.aborted) afterAbort.push(`progress ${f}`);
        else if (f > 0) controller.abort();
      },
    });
    const error = await rejection(promise);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 400));
    expect(postedLate).toBe(true);
    expect(afterAbort).toEqual([]);
  });
});
