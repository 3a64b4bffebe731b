/** Web Worker entry (bundled by scripts/build.mjs as dist/renderer/edge-preview-worker.js). */
import { createPreviewHandler, type FromWorker, type ToWorker } from './edgePreviewProtocol';

const scope = self as unknown as { postMessage(m: FromWorker, t: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const handle = createPreviewHandler({ postMessage: (m, t) => scope.postMessage(m, t), defer: (task) => setTimeout(task, 0) });
scope.onmessage = (e) => handle(e.data);
