import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore, sha256 } from './store';

const root = mkdtempSync(path.join(os.tmpdir(), 'blob-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('BlobStore sweeping', () => {
  it('removes an idle blob, keeps one put again recently, and a put racing a removal still leaves the blob stored', async () => {
    const store = new BlobStore(root);
    const bytes = new TextEncoder().encode('pixels');
    const hash = await store.put(bytes);
    expect(hash).toBe(sha256(bytes));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(store.pathOf(hash), hourAgo, hourAgo);
    await store.put(bytes); // already stored: the put only touches it
    expect(statSync(store.pathOf(hash)).mtimeMs).toBeGreaterThan(hourAgo.getTime() + 1000);
    expect(await store.removeIfIdle(hash, 600_000)).toBe('recent');

    utimesSync(store.pathOf(hash), hourAgo, hourAgo);
    const [removed, again] = await Promise.all([store.removeIfIdle(hash, 600_000), store.put(bytes)]);
    expect(removed).toBe('removed');
    expect(again).toBe(hash);
    expect(await store.get(hash)).toEqual(bytes); // the put after the removal wrote it back
    expect(await store.removeIfIdle('0'.repeat(64), 0)).toBe('missing');
  });
});
