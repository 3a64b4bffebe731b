/**
 * Main-thread side of the refine worker. Only the object's crop crosses the
 * thread boundary (transferred, not copied twice). When the worker bundle is
 * not built (a plain `vitest` run of pure code without scripts/build.mjs) or
 * in-process mode is asked for, the same functions run on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { Box, FloatMap, RgbImage } from './image';
import { cropRgb, expandBox } from './image';
import { grabCutObject, refinePersonMask } from './cutout';
import type { RefineReply, RefineRequest } from './refine-protocol';
import { workerScriptPath } from '../workers/paths';

type Pending = { resolve: (r: RefineReply & { ok: true }) => void; reject: (e: Error) => void };

export class RefineRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly inProcess: boolean) {}

  private getWorker(): Worker | null {
    if (this.inProcess) return null;
    if (this.worker) return this.worker;
    let file: string;
    try {
      file = workerScriptPath('refine');
    } catch {
      return null;
    }
    const w = new Worker(file);
    w.on('message', (m: RefineReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve(m);
      else p.reject(new Error(`refinement failed: ${m.message}`));
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the refine worker exited (code ${code})`)));
    w.unref();
    this.worker = w;
    return w;
  }

  private send(req: RefineRequest, transfer: ArrayBuffer[]): Promise<RefineReply & { ok: true }> {
    const w = this.getWorker()!;
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      // Keep the process alive while a cut-out is in flight (a CLI run has nothing else pending); idle, the worker does not.
      w.ref();
      w.postMessage(req, transfer);
    });
  }

  /** GrabCut seeded by `box`; the mask covers the returned bounds (image pixels). */
  async grabCutInBox(image: RgbImage, box: Box): Promise<{ mask: Uint8Array; bounds: Box }> {
    const region = expandBox(box, 0.1, image.width, image.height, 8);
    const crop = cropRgb(image, region);
    const rel = { x: box.x - region.x, y: box.y - region.y, width: box.width, height: box.height };
    const w = this.getWorker();
    const r = w
      ? await this.send({ kind: 'grabcut', id: this.nextId++, image: crop, box: rel }, [crop.data.buffer as ArrayBuffer])
      : { ...grabCutObject(crop, rel) };
    const b = r.bounds!;
    return { mask: r.mask, bounds: { x: b.x + region.x, y: b.y + region.y, width: b.width, height: b.height } };
  }

  /** Person probability snapped to the crop's edges; a mask of the crop's size. */
  async refinePerson(crop: RgbImage, coarse: FloatMap, work: { width: number; height: number }, inner: Box): Promise<Uint8Array> {
    const w = this.getWorker();
    if (!w) return refinePersonMask(crop, coarse, work, inner);
    const r = await this.send({ kind: 'person', id: this.nextId++, crop, coarse, work, inner }, [crop.data.buffer as ArrayBuffer, coarse.data.buffer as ArrayBuffer]);
    return r.mask;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
