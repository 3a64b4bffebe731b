/** Messages between worker-client.ts (main side) and patchmatch.worker.ts. */
import type { WireError } from '../../../shared/errors';
import type { JobImages, JobSettings, SharedJobSettings } from './fillJob';

export interface FillJobMessage {
  readonly type: 'fill';
  readonly jobIndex: number;
  readonly images: JobImages;
  readonly settings: JobSettings;
}

/**
 * Several guided fills of one job (samples of a diffusion run): the crop is
 * sent and its pyramid built once; each sample brings its seed and the guide
 * values of the hole pixels only (raster order), not a crop-sized guide.
 */
export interface GuidedTaskMessage {
  readonly type: 'fill-guided';
  /** Task number; progress replies use it as their jobIndex. */
  readonly jobIndex: number;
  readonly images: Omit<JobImages, 'guide'>;
  readonly shared: SharedJobSettings;
  readonly guideWeight: number;
  readonly samples: readonly { readonly sampleIndex: number; readonly seed: number; readonly holeValues: Uint8Array }[];
}

export type WorkerMessage = FillJobMessage | GuidedTaskMessage;

export type WorkerReply =
  | { readonly type: 'progress'; readonly jobIndex: number; readonly fraction: number }
  | { readonly type: 'done'; readonly jobIndex: number; readonly image: Uint8Array; readonly values16: Uint16Array | null }
  | {
      readonly type: 'sample';
      readonly jobIndex: number;
      readonly sampleIndex: number;
      readonly image: Uint8Array;
      readonly values16: Uint16Array | null;
    }
  | { readonly type: 'error'; readonly jobIndex: number; readonly error: WireError };

/** Buffers to move (not copy) with a job. */
export function transferablesOf(images: Omit<JobImages, 'guide'> & { readonly guide?: Uint8Array | null }): ArrayBuffer[] {
  const list = [images.image, images.hole, images.exclusion, images.guide ?? null, images.values16];
  return list.filter((a): a is NonNullable<typeof a> => a !== null).map((a) => a.buffer as ArrayBuffer);
}
