import { describe, expect, it } from 'vitest';
import type { EventMap, EventName, ProjectDetail, SampleSummary, StudioEvent } from '../../shared/api';
import { INITIAL_STUDIO_STATE, resultSamples, updateStudio, versionsNewestFirst, type StudioInput, type StudioState } from './studioState';

const version = (id: number, createdAt: string) => ({ id, projectId: 1, parentId: id > 1 ? id - 1 : null, runId: null, sampleId: null, label: `v${id}`, createdAt });
const sample = (index: number): SampleSummary => ({ id: 100 + index, runId: 7, index, seed: index, x: 10, y: 20, width: 30, height: 40, millis: 5 });

function detail(head: number, runs: ProjectDetail['runs'] = []): ProjectDetail {
  const versions = Array.from({ length: head }, (_, i) => version(i + 1, `2026-01-0${i + 1}T00:00:00Z`));
  return {
    project: { id: 1, name: 'beach', createdAt: '', updatedAt: '', versionCount: head, headVersionId: head },
    image: { id: 1, fileName: 'beach.jpg', sourcePath: null, contentHash: 'x', format: 'jpeg', width: 600, height: 400, bitDepth: 8, channels: 3, orientation: 1, hasIcc: false, bytes: 1 },
    versions,
    runs,
  };
}

const ev = <E extends EventName>(type: E, payload: EventMap[E]): StudioInput => ({ type: 'event', event: { type, payload } as StudioEvent });
const run = (inputs: readonly StudioInput[], from: StudioState = INITIAL_STUDIO_STATE): StudioState => inputs.reduce(updateStudio, from);

describe('studio state', () => {
  it('follows a fill from request to result and apply', () => {
    const opened = run([{ type: 'projectOpened', detail: detail(1) }]);
    expect(opened.baseVersionId).toBe(1);
    const s = run([
      { type: 'jobRequested' },
      { type: 'jobStarted', jobId: 'j1', runId: 7 },
      ev('job.progress', { jobId: 'j1', runId: 7, stage: 'filling', fraction: 0.5, message: 'Filling' }),
      ev('job.progress', { jobId: 'other', runId: 8, stage: 'filling', fraction: 0.9, message: 'not ours' }),
      ev('job.sample', { jobId: 'j1', runId: 7, sample: sample(0) }),
    ], opened);
    expect(s.job?.fraction).toBe(0.5);
    expect(s.job?.message).toBe('Filling');
    expect(resultSamples(s)).toEqual([sample(0)]);
    const done = run([ev('job.finished', { jobId: 'j1', runId: 7, status: 'done', error: null })], s);
    expect(done.job).toBeNull();
    expect(done.result).toEqual({ runId: 7, samples: [sample(0)], finished: true });
    const applied = run([{ type: 'sampleApplied', detail: detail(2) }], done);
    expect(applied.baseVersionId).toBe(2);
    expect(applied.result).toBeNull();
  });

  it('replays events that arrive before jobs.inpaint answers', () => {
    const s = run([
      { type: 'projectOpened', detail: detail(1) },
      { type: 'jobRequested' },
      ev('job.sample', { jobId: 'fast', runId: 9, sample: { ...sample(0), runId: 9 } }),
      ev('job.finished', { jobId: 'fast', runId: 9, status: 'done', error: null }),
      { type: 'jobStarted', jobId: 'fast', runId: 9 },
    ]);
    expect(s.job).toBeNull();
    expect(s.result?.runId).toBe(9);
    expect(s.result?.finished).toBe(true);
  });

  it('a failed job shows its message in a banner; cancelled shows a notice', () => {
    const base = run([{ type: 'projectOpened', detail: detail(1) }, { type: 'jobRequested' }, { type: 'jobStarted', jobId: 'j', runId: 3 }]);
    const failed = run([ev('job.finished', { jobId: 'j', runId: 3, status: 'failed', error: { code: 'MASK_EMPTY', message: 'the mask is empty' } })], base);
    expect(failed.banners).toEqual([{ id: 1, code: 'MASK_EMPTY', message: 'the mask is empty' }]);
    expect(failed.job).toBeNull();
    const cancelled = run([{ type: 'cancelRequested' }, ev('job.finished', { jobId: 'j', runId: 3, status: 'cancelled', error: null })], base);
    expect(cancelled.notice).toBe('Fill cancelled.');
    expect(cancelled.banners).toEqual([]);
  });

  it('banners stack without duplicates and can be dismissed', () => {
    const s = run([
      { type: 'failed', code: 'NOT_FOUND', message: 'a' },
      { type: 'failed', code: 'NOT_FOUND', message: 'b' },
      { type: 'failed', code: 'NOT_FOUND', message: 'a' },
    ]);
    expect(s.banners.map((b) => b.message)).toEqual(['b', 'a']);
    expect(run([{ type: 'dismissBanner', id: s.banners[0]!.id }], s).banners.map((b) => b.message)).toEqual(['a']);
  });

  it('the stored run replaces event samples; versions list newest first', () => {
    const runs = [{ id: 7, projectId: 1, baseVersionId: 1, maskId: 1, purpose: 'fill', params: { method: 'patchmatch', samples: 2, seed: 0, grow: 0, feather: 0, model: null, sampler: null, steps: null, strength: null }, status: 'done', error: null, device: 'cpu', deviceNote: null, startedAt: '', finishedAt: '', samples: [sample(1), sample(0)] }] as const;
    const s = run([
      { type: 'projectOpened', detail: detail(1) },
      { type: 'jobRequested' },
      { type: 'jobStarted', jobId: 'j1', runId: 7 },
      ev('job.finished', { jobId: 'j1', runId: 7, status: 'done', error: null }),
      { type: 'projectRefreshed', detail: detail(1, runs) },
    ]);
    expect(resultSamples(s).map((x) => x.index)).toEqual([0, 1]);
    expect(versionsNewestFirst(detail(3)).map((v) => v.id)).toEqual([3, 2, 1]);
    expect(run([{ type: 'selectVersion', versionId: 99 }], s)).toBe(s);
  });
});

describe('lost events', () => {
  it('a refreshed project whose run is done finishes the job without a job.finished event', () => {
    const runs = [{ id: 7, projectId: 1, baseVersionId: 1, maskId: 1, purpose: 'fill', params: { method: 'patchmatch', samples: 1, seed: 0, grow: 0, feather: 0, model: null, sampler: null, steps: null, strength: null }, status: 'done', error: null, device: 'cpu', deviceNote: null, startedAt: '', finishedAt: '', samples: [sample(0)] }] as const;
    const running = run([{ type: 'projectOpened', detail: detail(1) }, { type: 'jobRequested' }, { type: 'jobStarted', jobId: 'j1', runId: 7 }]);
    const stillRunning = run([{ type: 'projectRefreshed', detail: detail(1, [{ ...runs[0], status: 'running' }]) }], running);
    expect(stillRunning.job?.jobId).toBe('j1');
    const done = run([{ type: 'projectRefreshed', detail: detail(1, runs) }], running);
    expect(done.job).toBeNull();
    expect(done.result).toEqual({ runId: 7, samples: [], finished: true });
    expect(resultSamples(done)).toEqual([sample(0)]);
    const failed = run([{ type: 'projectRefreshed', detail: detail(1, [{ ...runs[0], status: 'failed', error: 'out of memory' }]) }], running);
    expect(failed.banners.map((b) => b.message)).toEqual(['out of memory']);
  });
});

describe('gallery state', () => {
  const storedRun = { id: 7, projectId: 1, baseVersionId: 1, maskId: 1, purpose: 'fill', params: { method: 'diffusion', samples: 2, seed: 0, grow: 0, feather: 0, model: 'tiny-inpaint', sampler: 'ddim', steps: 5, strength: null }, status: 'done', error: null, device: 'cpu', deviceNote: null, startedAt: '', finishedAt: '', samples: [sample(0), sample(1)] } as const;

  it('keeps the newest x₀ previews of the running job and drops them when it ends', () => {
    const started = run([{ type: 'projectOpened', detail: detail(1) }, { type: 'jobRequested' }, { type: 'jobStarted', jobId: 'j', runId: 7 }]);
    const img = [new Uint8Array([1]), new Uint8Array([2])];
    const p = run([
      ev('job.preview', { jobId: 'j', runId: 7, step: 4, total: 10, images: img }),
      ev('job.preview', { jobId: 'j', runId: 7, step: 2, total: 10, images: [] }),
      ev('job.preview', { jobId: 'other', runId: 8, step: 9, total: 10, images: [] }),
    ], started);
    expect(p.preview).toEqual({ runId: 7, step: 4, total: 10, images: img });
    expect(p.result).toEqual({ runId: 7, samples: [], finished: false });
    expect(run([ev('job.finished', { jobId: 'j', runId: 7, status: 'done', error: null })], p).preview).toBeNull();
  });

  it('reopens a stored run\'s gallery; a revert moves editing to the new head', () => {
    const opened = run([{ type: 'projectOpened', detail: detail(2, [storedRun]) }]);
    const g = run([{ type: 'openRun', runId: 7 }], opened);
    expect(g.result).toEqual({ runId: 7, samples: storedRun.samples, finished: true });
    expect(resultSamples(g).map((s) => s.index)).toEqual([0, 1]);
    expect(run([{ type: 'openRun', runId: 99 }], opened)).toBe(opened);
    const reverted = run([{ type: 'reverted', detail: detail(3, [storedRun]) }], g);
    expect(reverted.baseVersionId).toBe(3);
    expect(reverted.result).toBeNull();
  });
});
