import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { StudioBridge } from './bridge';
import { createElectronApi } from './electronApi';

describe('electron transport', () => {
  it('unwraps bridge envelopes, throws StudioErrors, forwards events and builds studio:// URLs', async () => {
    let listener: ((e: StudioEvent) => void) | null = null;
    const bridge: StudioBridge = {
      platform: 'electron',
      invoke: async (method) => method === 'jobs.cancel'
        ? { ok: false, error: { code: 'NOT_FOUND', message: 'no such job' } }
        : { ok: true, result: { cancelled: true } },
      onEvent: (l) => {
        listener = l;
        return () => { listener = null; };
      },
    };
    const api = createElectronApi(bridge);
    await expect(api.call('projects.list', {})).resolves.toEqual({ cancelled: true });
    const err = await api.call('jobs.cancel', { jobId: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('NOT_FOUND');
    const got: StudioEvent[] = [];
    const off = api.subscribe((e) => got.push(e));
    const event: StudioEvent = { type: 'job.finished', payload: { jobId: 'j', runId: 1, status: 'done', error: null } };
    listener!(event);
    expect(got).toEqual([event]);
    off();
    expect(listener).toBeNull();
    expect(api.fileUrl({ kind: 'sample-proxy', id: 9 })).toBe('studio://app/files/sample-proxy/9');
  });
});
