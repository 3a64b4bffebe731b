/**
 * Worker thread: fills the jobs it is sent, one at a time, reporting progress.
 * A guided task fills one job for several samples, building the job's source
 * pyramid once. Cancellation is the main side terminating this thread.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../shared/errors';
import { fillJob, fillPreparedJob, prepareJob } from './fillJob';
import type { WorkerMessage, WorkerReply } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('patchmatch.worker must run in a worker thread');

/** Progress messages are sent at this granularity, not per step. */
const PROGRESS_STEP = 0.01;

port.on('message', (message: WorkerMessage) => {
  const { jobIndex } = message;
  const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(r, transfer);
  let lastSent = 0;
  const progress = (fraction: number): void => {
    if (fraction - lastSent < PROGRESS_STEP) return;
    lastSent = fraction;
    reply({ type: 'progress', jobIndex, fraction });
  };
  const checkpoint = (): void => {};
  try {
    if (message.type === 'fill') {
      const result = fillJob(message.images, message.settings, { checkpoint, onProgress: progress });
      const transfer = [result.image.buffer as ArrayBuffer];
      if (result.values16) transfer.push(result.values16.buffer as ArrayBuffer);
      reply({ type: 'done', jobIndex, image: result.image, values16: result.values16 }, transfer);
      return;
    }
    const samples = message.samples;
    const job = prepareJob(message.images, message.shared, samples.length > 1);
    samples.forEach((s, k) => {
      const result = fillPreparedJob(job, { holeValues: s.holeValues }, s.seed, message.guideWeight, {
        checkpoint,
        onProgress: (f) => progress((k + f) / samples.length),
      });
      const transfer = [result.image.buffer as ArrayBuffer];
      if (result.values16) transfer.push(result.values16.buffer as ArrayBuffer);
      reply({ type: 'sample', jobIndex, sampleIndex: s.sampleIndex, image: result.image, values16: result.values16 }, transfer);
    });
  } catch (e) {
    reply({ type: 'error', jobIndex, error: toWireError(e) });
  }
});
