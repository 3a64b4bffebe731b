/**
 * The editor's side of the preview worker: sends each new mask once (its
 * tiles, copied by postMessage), then small preview requests; resolves with
 * the answer to the latest request only, so a stale result never reaches
 * the screen.
 */
import type { EdgePreviewInput } from './edgePreview';
import { maskMessage, type FromWorker, type ToWorker } from './edgePreviewProtocol';
import type { OverlayGrid } from './overlay';
import type { MaskRaster } from './tiledMask';

export interface EdgePreviewResult { readonly rgba: Uint8ClampedArray<ArrayBuffer>; readonly width: number; readonly height: number; readonly crc: number }

export interface WorkerLike {
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null;
  terminate(): void;
}

export const EDGE_PREVIEW_WORKER_FILE = 'edge-preview-worker.js';

export class EdgePreviewClient {
  private worker: WorkerLike | null = null;
  private readonly maskIds = new WeakMap<MaskRaster, number>();
  private nextMaskId = 1;
  private sentMask: number | null = null;
  private sentGrid = '';
  private seq = 0;
  private waiting: { seq: number; resolve: (r: EdgePreviewResult | null) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly spawn: () => WorkerLike = () => new Worker(new URL(`./${EDGE_PREVIEW_WORKER_FILE}`, import.meta.url), { type: 'module' }) as unknown as WorkerLike) {}

  /** Resolves with the preview, or null if a newer request superseded this one. */
  render(mask: MaskRaster, grid: OverlayGrid, input: EdgePreviewInput, rgb: readonly [number, number, number]): Promise<EdgePreviewResult | null> {
    const worker = this.ensureWorker();
    let maskId = this.maskIds.get(mask);
    const gridKey = `${grid.width}x${grid.height}`;
    if (maskId === undefined || this.sentGrid !== gridKey) {
      maskId = this.nextMaskId++;
      this.maskIds.set(mask, maskId);
    }
    if (this.sentMask !== maskId) {
      worker.postMessage(maskMessage(maskId, mask, grid), []);
      this.sentMask = maskId;
      this.sentGrid = gridKey;
    }
    const seq = ++this.seq;
    this.waiting?.resolve(null);
    const answer = new Promise<EdgePreviewResult | null>((resolve, reject) => { this.waiting = { seq, resolve, reject }; });
    worker.postMessage({ type: 'preview', seq, maskId, input: { grow: input.grow, feather: input.feather }, rgb: [rgb[0], rgb[1], rgb[2]] }, []);
    return answer;
  }

  dispose(): void {
    this.waiting?.resolve(null);
    this.waiting = null;
    this.worker?.terminate();
    this.worker = null;
    this.sentMask = null;
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.onmessage = (e) => {
      const m = e.data;
      const w = this.waiting;
      if (!w || m.seq !== w.seq) return; // an answer to a superseded request
      this.waiting = null;
      if ('error' in m) w.reject(new Error(`grow/feather preview failed: ${m.error}`));
      else w.resolve(m);
    };
    this.worker = worker;
    return worker;
  }
}
