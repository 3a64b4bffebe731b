/**
 * The worker pool behind runPatchMatchInWorker and runGuidedPatchMatchBatch.
 * It starts up to `workerCount` PatchMatch workers and hands out the tasks in
 * order (a worker takes the next one when it completes one), folds the
 * workers' per-task progress into one monotonic fraction, and settles once:
 * resolved when every task is complete; rejected on the first failure (an
 * error reply, a crashed worker, a throwing callback) or with CANCELLED when
 * the signal aborts. Every worker is terminated when it settles.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StudioError, fromWireError } from '../../../shared/errors';
import { workerScriptPath } from '../../workers/paths';
import type { WorkerMessage, WorkerReply } from './workerProtocol';

/** A reply that carries a task's results (progress and errors are the pool's business). */
export type TaskReply = Exclude<WorkerReply, { readonly type: 'progress' } | { readonly type: 'error' }>;

export type PostToWorker = (message: WorkerMessage, transfer?: readonly ArrayBuffer[]) => void;

export interface WorkerPoolOptions<T> {
  readonly tasks: readonly T[];
  /** Threads wanted; the pool never starts more than there are tasks. */
  readonly workerCount: number;
  /** A task's share of the whole, for progress (hole pixels × fills). */
  readonly weightOf: (task: T) => number;
  /**
   * Sends the message(s) that start task `taskIndex` on a worker. May wait
   * first (guides, another worker's preparation); posting after the pool has
   * settled is a no-op, and `settled()` tells a start that awaits whether to
   * stop making what it would post (a cancelled or failed pool).
   */
  readonly start: (task: T, taskIndex: number, post: PostToWorker, settled: () => boolean) => void | Promise<void>;
  /** A result reply of `task`; returns true when it was the task's last. Throwing fails the pool. */
  readonly onReply: (reply: TaskReply, task: T, taskIndex: number) => boolean;
  readonly signal?: AbortSignal;
  /** Fraction of all tasks' weight done; monotonic. */
  readonly onProgress?: (fraction: number) => void;
}

/** min(2, cores): the detail pass and PatchMatch fills use at most two threads. */
export function defaultWorkerCount(): number {
  return Math.min(2, availableParallelism());
}

export function cancelledFill(): StudioError {
  return new StudioError('CANCELLED', 'the PatchMatch fill was cancelled');
}

export function runWorkerPool<T>(options: WorkerPoolOptions<T>): Promise<void> {
  const { tasks, signal } = options;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledFill());
    if (tasks.length === 0) return resolve();
    let scriptPath: string;
    try {
      scriptPath = workerScriptPath('patchmatch');
    } catch (e) {
      return reject(e);
    }
    const weights = tasks.map((t) => Math.max(0, options.weightOf(t)));
    const totalWeight = weights.reduce((s, w) => s + w, 0);
    const fractions = new Float64Array(tasks.length);
    let reported = 0;
    const reportProgress = (): void => {
      if (!options.onProgress || totalWeight <= 0) return;
      let done = 0;
      for (let t = 0; t < tasks.length; t++) done += fractions[t]! * weights[t]!;
      const fraction = Math.min(1, done / totalWeight);
      if (fraction > reported) {
        reported = fraction;
        options.onProgress(fraction);
      }
    };

    const workers: Worker[] = [];
    let nextTask = 0;
    let completed = 0;
    let settled = false;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish(cancelledFill());
    signal?.addEventListener('abort', onAbort, { once: true });

    const dispatch = (worker: Worker): void => {
      if (nextTask >= tasks.length) return;
      const taskIndex = nextTask++;
      const post: PostToWorker = (message, transfer = []) => {
        if (!settled) worker.postMessage(message, transfer as ArrayBuffer[]);
      };
      try {
        Promise.resolve(options.start(tasks[taskIndex]!, taskIndex, post, () => settled)).catch((e: unknown) => finish(e));
      } catch (e) {
        finish(e);
      }
    };

    const poolSize = Math.max(1, Math.min(options.workerCount, tasks.length));
    for (let k = 0; k < poolSize && !settled; k++) {
      let worker: Worker;
      try {
        worker = new Worker(scriptPath);
      } catch (e) {
        return finish(e); // terminates the workers already started and drops the abort listener
      }
      workers.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'progress') {
          fractions[reply.taskIndex] = Math.max(fractions[reply.taskIndex]!, reply.fraction);
          reportProgress();
          return;
        }
        if (reply.type === 'error') return finish(fromWireError(reply.error));
        let taskDone: boolean;
        try {
          taskDone = options.onReply(reply, tasks[reply.taskIndex]!, reply.taskIndex);
        } catch (e) {
          return finish(e);
        }
        if (settled || !taskDone) return;
        fractions[reply.taskIndex] = 1;
        reportProgress();
        if (++completed === tasks.length) return finish(null);
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
