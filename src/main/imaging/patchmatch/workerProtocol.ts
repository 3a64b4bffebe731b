/** Messages between worker-client.ts (main side) and patchmatch.worker.ts. */
import type { WireError } from '../../../shared/errors';
import type { JobImages, JobSettings } from './fillJob';

export interface FillJobMessage {
  readonly type: 'fill';
  readonly jobIndex: number;
  readonly images: JobImages;
  readonly settings: JobSettings;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly jobIndex: number; readonly fraction: number }
  | { readonly type: 'done'; readonly jobIndex: number; readonly image: Uint8Array; readonly values16: Uint16Array | null }
  | { readonly type: 'error'; readonly jobIndex: number; readonly error: WireError };

/** Buffers to move (not copy) with a job. */
export function transferablesOf(images: JobImages): ArrayBuffer[] {
  const list = [images.image, images.hole, images.exclusion, images.guide, images.values16];
  return list.filter((a): a is NonNullable<typeof a> => a !== null).map((a) => a.buffer as ArrayBuffer);
}
