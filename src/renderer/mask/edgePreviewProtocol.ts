/**
 * The grow/feather preview off the UI thread: the messages between the
 * editor and its Web Worker, and the worker's handler as a pure-ish object
 * (no `self`), so the protocol is tested in Node and the worker entry is a
 * two-line shim. The worker samples the mask onto the overlay grid and
 * computes exactly `edgePreviewRgba`, the functions the main thread would
 * run; the editor only copies the mask's non-empty tiles into the message.
 */
import { crc32 } from '../../shared/crc32';
import { edgePreviewRgba, sampleMaskToGrid, type EdgePreviewInput } from './edgePreview';
import type { OverlayGrid } from './overlay';
import type { MaskRaster } from './tiledMask';

/** A new mask (its tiles, empty ones null); later previews refer to it by `maskId`. */
export interface MaskMessage {
  readonly type: 'mask';
  readonly maskId: number;
  readonly grid: OverlayGrid;
  readonly width: number;
  readonly height: number;
  readonly tilesX: number;
  readonly tilesY: number;
  readonly tiles: readonly (Uint8Array | null)[];
}

/** The message for a mask raster (structured clone copies the tiles; the editor keeps its own). */
export function maskMessage(maskId: number, mask: MaskRaster, grid: OverlayGrid): MaskMessage {
  return {
    type: 'mask', maskId, grid: { width: grid.width, height: grid.height, sx: grid.sx, sy: grid.sy },
    width: mask.width, height: mask.height, tilesX: mask.tilesX, tilesY: mask.tilesY, tiles: mask.tiles.map((t) => t?.data ?? null),
  };
}

function rasterOf(m: MaskMessage): MaskRaster {
  // Only the geometry and tile bytes matter for sampling; `filled` is not needed there.
  return { width: m.width, height: m.height, tilesX: m.tilesX, tilesY: m.tilesY, filled: 0, tiles: m.tiles.map((data) => (data ? { data, filled: 0 } : null)) };
}
export interface PreviewMessage {
  readonly type: 'preview';
  readonly seq: number;
  readonly maskId: number;
  readonly input: EdgePreviewInput;
  readonly rgb: readonly [number, number, number];
}
export type ToWorker = MaskMessage | PreviewMessage;

export type FromWorker =
  | { readonly seq: number; readonly rgba: Uint8ClampedArray<ArrayBuffer>; readonly width: number; readonly height: number; readonly crc: number }
  | { readonly seq: number; readonly error: string };

export interface PreviewWorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  /** Runs `task` after the messages already queued (coalescing bursts of slider changes). */
  defer(task: () => void): void;
}

/**
 * The worker's message handler. Only the newest preview request waiting when
 * the worker becomes free is computed; older ones are dropped unanswered
 * (the client ignores answers to anything but its latest request anyway).
 */
export function createPreviewHandler(scope: PreviewWorkerScope): (message: ToWorker) => void {
  let mask: { readonly maskId: number; readonly grid: OverlayGrid; readonly sampled: Uint8Array } | null = null;
  let pending: PreviewMessage | null = null;
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    const job = pending;
    pending = null;
    if (!job) return;
    if (!mask || mask.maskId !== job.maskId) {
      scope.postMessage({ seq: job.seq, error: `preview ${job.seq} refers to mask ${job.maskId}, the worker holds ${mask?.maskId ?? 'none'}` }, []);
      return;
    }
    const rgba = edgePreviewRgba(mask.sampled, mask.grid, job.input, job.rgb);
    const crc = crc32(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength));
    scope.postMessage({ seq: job.seq, rgba, width: mask.grid.width, height: mask.grid.height, crc }, [rgba.buffer]);
  };
  return (message) => {
    if (message.type === 'mask') {
      mask = { maskId: message.maskId, grid: message.grid, sampled: sampleMaskToGrid(rasterOf(message), message.grid) };
      return;
    }
    pending = message;
    if (!scheduled) {
      scheduled = true;
      scope.defer(run);
    }
  };
}
