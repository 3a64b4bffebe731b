import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { fromWireJson, toWireJson } from '../../shared/wire';
import { createBrowserApi } from './browserApi';
import { takeToken, TOKEN_KEY } from './token';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) } as Storage;
}

describe('token', () => {
  it('takes the token from the URL once, stores it and cleans the address', () => {
    const storage = memoryStorage();
    expect(takeToken('http://127.0.0.1:5000/?token=abc_-1&x=2#h', storage)).toEqual({ token: 'abc_-1', cleanUrl: '/?x=2#h' });
    expect(storage.getItem(TOKEN_KEY)).toBe('abc_-1');
    expect(takeToken('http://127.0.0.1:5000/', storage)).toEqual({ token: 'abc_-1', cleanUrl: null });
    expect(takeToken('http://127.0.0.1:5000/', memoryStorage())).toEqual({ token: null, cleanUrl: null });
  });
});

describe('browser transport', () => {
  it('posts wire JSON with the token header and unwraps results and errors', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      const request = fromWireJson(String(init.body)) as { fileName?: string; bytes?: Uint8Array };
      if (url === '/api/images.import') {
        return new Response(toWireJson({ ok: false, error: { code: 'CORRUPT_IMAGE', message: `cannot read ${request.fileName} (${request.bytes?.length} bytes)` } }), { status: 422 });
      }
      if (url === '/api/jobs.cancel') return new Response('<html>oops</html>', { status: 502, statusText: 'Bad Gateway' });
      return new Response(toWireJson({ ok: true, result: [] }), { status: 200 });
    }) as typeof fetch;
    const api = createBrowserApi({ token: 'T', fetch: fakeFetch, createEventSource: () => { throw new Error('unused'); } });
    await expect(api.call('projects.list', {})).resolves.toEqual([]);
    expect(seen[0]!.url).toBe('/api/projects.list');
    expect(new Headers(seen[0]!.init.headers).get('x-studio-token')).toBe('T');
    const err = await api.call('images.import', { fileName: 'a.jpg', bytes: new Uint8Array([1, 2, 3]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('CORRUPT_IMAGE');
    expect((err as StudioError).message).toBe('cannot read a.jpg (3 bytes)');
    const bad = await api.call('jobs.cancel', { jobId: 'x' }).catch((e: unknown) => e);
    expect((bad as StudioError).message).toContain('HTTP 502');
    expect(api.fileUrl({ kind: 'version-proxy', id: 3 })).toBe('/files/version-proxy/3?token=T');
  });

  it('delivers server-sent events to subscribers and closes the stream after the last one leaves', () => {
    type Handler = (e: MessageEvent) => void;
    const handlers: Record<string, Handler[]> = {};
    let closed = false;
    let openedUrl = '';
    const fakeSource = (url: string) => {
      openedUrl = url;
      return {
        addEventListener: (name: string, h: Handler) => { (handlers[name] ??= []).push(h); },
        close: () => { closed = true; },
      } as unknown as EventSource;
    };
    const api = createBrowserApi({ token: 'a b', fetch: (() => { throw new Error('unused'); }) as typeof fetch, createEventSource: fakeSource });
    const got: StudioEvent[] = [];
    const off = api.subscribe((e) => got.push(e));
    expect(openedUrl).toBe('/api/events?token=a%20b');
    const event: StudioEvent = { type: 'job.progress', payload: { jobId: 'j', runId: 1, stage: 'filling', fraction: 0.25, message: 'm' } };
    handlers['message']![0]!({ data: JSON.stringify(event) } as MessageEvent);
    handlers['message']![0]!({ data: '{"type":"unknown","payload":{}}' } as MessageEvent);
    expect(got).toEqual([event]);
    off();
    expect(closed).toBe(true);
  });
});
