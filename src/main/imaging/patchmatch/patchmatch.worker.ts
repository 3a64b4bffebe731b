/**
 * Worker thread: fills the tasks it is sent, one at a time, reporting
 * progress. A guided task first prepares its job (pyramid and level maps,
 * built once for all its samples; in shared memory when other workers fill
 * samples of the same job) or takes the job another worker prepared.
 * Cancellation is the main side terminating this thread.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../shared/errors';
import { fillJob, fillPreparedJob, prepareJob, preparedJobData, preparedJobFromData, type JobResult, type PreparedJob } from './fillJob';
import { HEAP_PLANES, SHARED_PLANES } from './planes';
import { transferablesOf, type WorkerMessage, type WorkerReply } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('patchmatch.worker must run in a worker thread');

/** Progress messages are sent at this granularity, not per step. */
const PROGRESS_STEP = 0.01;

/** The job of the guided task in hand (prepared here or received), until its last sample is filled. */
let current: { readonly taskIndex: number; readonly job: PreparedJob } | null = null;

const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(r, transfer);
const resultTransfer = (result: JobResult): ArrayBuffer[] => transferablesOf([result.holeValues, result.holeValues16]);

port.on('message', (message: WorkerMessage) => {
  const { taskIndex } = message;
  let lastSent = 0;
  const progress = (fraction: number): void => {
    if (fraction - lastSent < PROGRESS_STEP) return;
    lastSent = fraction;
    reply({ type: 'progress', taskIndex, fraction });
  };
  const checkpoint = (): void => {};
  try {
    if (message.type === 'fill') {
      const result = fillJob(message.images, message.settings, { checkpoint, onProgress: progress });
      reply({ type: 'done', taskIndex, result }, resultTransfer(result));
      return;
    }
    if (message.type === 'prepare-guided') {
      const job = prepareJob(message.images, message.shared, message.keepMaps, message.share ? SHARED_PLANES : HEAP_PLANES);
      current = { taskIndex, job };
      if (message.share) reply({ type: 'prepared', taskIndex, job: preparedJobData(job) });
      return;
    }
    if (message.job) current = { taskIndex, job: preparedJobFromData(message.job) };
    if (!current || current.taskIndex !== taskIndex) throw new Error('fill-guided without a prepared job');
    const { job } = current;
    const { sample, position, count } = message;
    if (position === count - 1) current = null;
    const result = fillPreparedJob(job, { holeValues: sample.holeValues }, sample.seed, message.guideWeight, {
      checkpoint,
      onProgress: (f) => progress((position + f) / count),
    });
    reply({ type: 'sample', taskIndex, sampleIndex: sample.sampleIndex, result }, resultTransfer(result));
  } catch (e) {
    current = null;
    reply({ type: 'error', taskIndex, error: toWireError(e) });
  }
});
