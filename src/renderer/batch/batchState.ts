/** Batch panel state: the jobs as the service reports them, kept current by events. */
import type { BatchJobView, StudioEvent } from '../../shared/api';

export interface BatchState {
  readonly jobs: readonly BatchJobView[];
  /** The latest item outcome per job, for the status line. */
  readonly last: Readonly<Record<number, string>>;
}

export const initialBatchState: BatchState = { jobs: [], last: {} };

export type BatchAction =
  | { readonly type: 'loaded'; readonly jobs: readonly BatchJobView[] }
  | { readonly type: 'job'; readonly job: BatchJobView }
  | { readonly type: 'event'; readonly event: StudioEvent };

function upsert(jobs: readonly BatchJobView[], job: BatchJobView): BatchJobView[] {
  const rest = jobs.filter((j) => j.id !== job.id);
  return [job, ...rest].sort((a, b) => b.id - a.id);
}

export function updateBatch(state: BatchState, action: BatchAction): BatchState {
  switch (action.type) {
    case 'loaded': return { ...state, jobs: [...action.jobs].sort((a, b) => b.id - a.id) };
    case 'job': return { ...state, jobs: upsert(state.jobs, action.job) };
    case 'event': {
      if (action.event.type !== 'batch.progress') return state;
      const { job, last } = action.event.payload;
      const known = state.jobs.find((j) => j.id === job.id);
      // Events can arrive out of order with replies; never move a job's counts backwards.
      const handled = (j: BatchJobView) => j.counts.done + j.counts.failed + j.counts.skipped;
      if (known && handled(known) > handled(job) && job.active) return state;
      const text = last ? `${last.relPath}: ${last.status}${last.reason ? ` — ${last.reason}` : ''}` : state.last[job.id];
      return { jobs: upsert(state.jobs, job), last: text === undefined ? state.last : { ...state.last, [job.id]: text } };
    }
  }
}

export function progressOf(job: BatchJobView): number {
  const c = job.counts;
  return c.total === 0 ? 0 : (c.done + c.failed + c.skipped) / c.total;
}

export function describeJob(job: BatchJobView): string {
  const c = job.counts;
  const parts = [`${c.done} done`];
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  return `${parts.join(', ')} of ${c.total} · ${job.active ? 'running' : job.status}`;
}
