/**
 * Messages between the main-side pool (workerPool.ts, used by worker-client.ts
 * and guided-batch.ts) and patchmatch.worker.ts. Every message and reply
 * names the task it belongs to. Hole pixels travel as their values only, in
 * raster order (see jobCrops.ts), in both directions.
 */
import type { WireError } from '../../../shared/errors';
import type { JobImages, JobResult, JobSettings, PreparedJobData, SharedJobSettings } from './fillJob';
import { isShared } from './planes';

/** One unguided fill of one job. */
export interface FillJobMessage {
  readonly type: 'fill';
  readonly taskIndex: number;
  readonly images: JobImages;
  readonly settings: JobSettings;
}

/**
 * Builds a job's pyramid and level maps, once for every sample of the
 * fill-guided message that follows. With `share` the crop is in shared
 * memory, the job is built there too and the worker replies 'prepared' with
 * it, so the job's other tasks (on other workers) read it instead of
 * building their own: one copy of the crop and its maps for the whole pool.
 */
export interface PrepareGuidedMessage {
  readonly type: 'prepare-guided';
  readonly taskIndex: number;
  readonly images: Omit<JobImages, 'guide'>;
  readonly shared: SharedJobSettings;
  readonly share: boolean;
  /** Build every level's maps once and keep them (more than one fill of this job here or elsewhere). */
  readonly keepMaps: boolean;
}

/**
 * One guided fill (a sample of a diffusion run) of a task's job, with its
 * seed and the guide values of the hole pixels only: sample `position` of the
 * task's `count`. `job` is a job another worker prepared (the task's first
 * message), or null for the one this worker holds for the task.
 */
export interface GuidedTaskMessage {
  readonly type: 'fill-guided';
  readonly taskIndex: number;
  readonly job: PreparedJobData | null;
  readonly guideWeight: number;
  readonly sample: { readonly sampleIndex: number; readonly seed: number; readonly holeValues: Uint8Array };
  readonly position: number;
  readonly count: number;
}

export type WorkerMessage = FillJobMessage | PrepareGuidedMessage | GuidedTaskMessage;

export type WorkerReply =
  | { readonly type: 'progress'; readonly taskIndex: number; readonly fraction: number }
  | { readonly type: 'done'; readonly taskIndex: number; readonly result: JobResult }
  | { readonly type: 'prepared'; readonly taskIndex: number; readonly job: PreparedJobData }
  | { readonly type: 'sample'; readonly taskIndex: number; readonly sampleIndex: number; readonly result: JobResult }
  | { readonly type: 'error'; readonly taskIndex: number; readonly error: WireError };

/** Buffers to move (not copy) with a message; views on shared memory are shared by posting them and never listed. */
export function transferablesOf(views: readonly (ArrayBufferView | null | undefined)[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of views) {
    if (!v || isShared(v) || out.includes(v.buffer as ArrayBuffer)) continue;
    out.push(v.buffer as ArrayBuffer);
  }
  return out;
}

export function jobImageViews(images: Omit<JobImages, 'guide'> & { readonly guide?: Uint8Array | null }): (ArrayBufferView | null)[] {
  return [images.image, images.hole, images.exclusion, images.guide ?? null, images.values16];
}
