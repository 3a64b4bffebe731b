/**
 * Worker thread: fills the jobs it is sent, one at a time, reporting progress.
 * Cancellation is the main side terminating this thread.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../shared/errors';
import { fillJob } from './fillJob';
import type { FillJobMessage, WorkerReply } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('patchmatch.worker must run in a worker thread');

/** Progress messages are sent at this granularity, not per step. */
const PROGRESS_STEP = 0.01;

port.on('message', (message: FillJobMessage) => {
  const { jobIndex } = message;
  const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(r, transfer);
  try {
    let lastSent = 0;
    const result = fillJob(message.images, message.settings, {
      checkpoint: () => {},
      onProgress: (fraction) => {
        if (fraction - lastSent < PROGRESS_STEP) return;
        lastSent = fraction;
        reply({ type: 'progress', jobIndex, fraction });
      },
    });
    const transfer = [result.image.buffer as ArrayBuffer];
    if (result.values16) transfer.push(result.values16.buffer as ArrayBuffer);
    reply({ type: 'done', jobIndex, image: result.image, values16: result.values16 }, transfer);
  } catch (e) {
    reply({ type: 'error', jobIndex, error: toWireError(e) });
  }
});
