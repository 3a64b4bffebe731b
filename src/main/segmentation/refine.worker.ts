/**
 * Runs the CPU-heavy cut-outs (GrabCut, guided-filter refinement) off the
 * main thread: the Electron main process and the browser-mode server stay
 * responsive while an object is cut out. One request at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import { grabCutObject, refinePersonMask } from './cutout';
import type { RefineReply, RefineRequest } from './refine-protocol';

const port = parentPort!;

port.on('message', (req: RefineRequest) => {
  try {
    if (req.kind === 'grabcut') {
      const r = grabCutObject(req.image, req.box);
      port.postMessage({ id: req.id, ok: true, mask: r.mask, bounds: r.bounds } satisfies RefineReply, [r.mask.buffer as ArrayBuffer]);
    } else {
      const mask = refinePersonMask(req.crop, req.coarse, req.work, req.inner);
      port.postMessage({ id: req.id, ok: true, mask, bounds: null } satisfies RefineReply, [mask.buffer as ArrayBuffer]);
    }
  } catch (err) {
    port.postMessage({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies RefineReply);
  }
});
