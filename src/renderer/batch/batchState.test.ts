import { describe, expect, it } from 'vitest';
import type { BatchJobView } from '../../shared/api';
import { describeJob, initialBatchState, progressOf, updateBatch } from './batchState';

const job = (id: number, done: number, active = true, status: BatchJobView['status'] = 'running'): BatchJobView => ({
  id, inputDir: '/in', outputDir: '/out', status, active, createdAt: '', updatedAt: '',
  counts: { total: 10, pending: 10 - done, running: 0, done, failed: 0, skipped: 0 },
});

describe('batch panel state', () => {
  it('keeps jobs newest first and applies progress events', () => {
    let s = updateBatch(initialBatchState, { type: 'loaded', jobs: [job(1, 10, false, 'done'), job(2, 0)] });
    expect(s.jobs.map((j) => j.id)).toEqual([2, 1]);
    s = updateBatch(s, { type: 'event', event: { type: 'batch.progress', payload: { job: job(2, 3), last: { relPath: 'a.jpg', status: 'done', reason: null } } } });
    expect(s.jobs[0]!.counts.done).toBe(3);
    expect(s.last[2]).toBe('a.jpg: done');
  });
  it('ignores a stale event that would move progress backwards', () => {
    let s = updateBatch(initialBatchState, { type: 'job', job: job(5, 6) });
    s = updateBatch(s, { type: 'event', event: { type: 'batch.progress', payload: { job: job(5, 4), last: null } } });
    expect(s.jobs[0]!.counts.done).toBe(6);
  });
  it('describes progress', () => {
    expect(progressOf(job(1, 5))).toBe(0.5);
    expect(describeJob(job(1, 10, false, 'done'))).toBe('10 done of 10 · done');
  });
});
