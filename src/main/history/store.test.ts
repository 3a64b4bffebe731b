import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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

  // Another process sharing the data folder has its own per-hash queue: a second store on the same folder stands in for it.
  const hourAgo = (): Date => new Date(Date.now() - 3_600_000);

  it("keeps a blob another process put between the removal's check and its rename", async () => {
    const folder = mkdtempSync(path.join(root, 'race-'));
    const other = new BlobStore(folder);
    const bytes = new TextEncoder().encode('shared photo');
    const store = new BlobStore(folder, { beforeRename: async () => { await other.put(bytes); } });
    const hash = await store.put(bytes);
    utimesSync(store.pathOf(hash), hourAgo(), hourAgo());
    expect(await store.removeIfIdle(hash, 600_000)).toBe('recent');
    expect(await store.get(hash)).toEqual(bytes);
    expect(readdirSync(path.dirname(store.pathOf(hash)))).toEqual([path.basename(store.pathOf(hash))]); // nothing left aside
  });

  it('keeps the copy another process wrote after the blob was renamed aside', async () => {
    const folder = mkdtempSync(path.join(root, 'race-'));
    const other = new BlobStore(folder);
    const bytes = new TextEncoder().encode('shared mask');
    const store = new BlobStore(folder, { afterRename: async () => { await other.put(bytes); } });
    const hash = await store.put(bytes);
    utimesSync(store.pathOf(hash), hourAgo(), hourAgo());
    expect(await store.removeIfIdle(hash, 600_000)).toBe('removed'); // the old file went
    expect(await store.get(hash)).toEqual(bytes); // the other process's new one is there
    expect(readdirSync(path.dirname(store.pathOf(hash)))).toEqual([path.basename(store.pathOf(hash))]);
  });

  it('tidy puts back a blob a crash left renamed aside, drops stale temporary files and lists what is stored', async () => {
    const folder = mkdtempSync(path.join(root, 'tidy-'));
    const store = new BlobStore(folder);
    const enc = new TextEncoder();
    const kept = await store.put(enc.encode('kept'));
    const crashed = await store.put(enc.encode('renamed aside by a removal that never finished'));
    const file = store.pathOf(crashed);
    const aside = path.join(path.dirname(file), `.${path.basename(file)}.0123456789ab.trash`);
    renameSync(file, aside);
    const tmpOf = (hash: string, tag: string): string => path.join(path.dirname(store.pathOf(hash)), `.${path.basename(store.pathOf(hash))}.${tag}.tmp`);
    const stale = tmpOf(kept, 'aaaaaaaaaaaa');
    const fresh = tmpOf(kept, 'bbbbbbbbbbbb');
    writeFileSync(stale, 'half a write');
    utimesSync(stale, hourAgo(), hourAgo());
    writeFileSync(fresh, 'a write in progress');
    writeFileSync(path.join(folder, 'README'), 'not ours'); // other files in the folder are left alone

    expect((await store.tidy(600_000)).sort()).toEqual([kept, crashed].sort());
    expect(await store.get(crashed)).toEqual(enc.encode('renamed aside by a removal that never finished'));
    expect(existsSync(aside)).toBe(false);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(path.join(folder, 'README'))).toBe(true);
    expect(await new BlobStore(path.join(folder, 'never-made')).tidy(0)).toEqual([]);
  });
});

