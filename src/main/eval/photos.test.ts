import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectPhotos, photoDisplayName } from './photos';

describe('eval inputs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eval-photos-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names wallpaper-style files after their folder', () => {
    expect(photoDisplayName('/w/EveningGlow/contents/images/2560x1600.jpg')).toBe('EveningGlow');
    expect(photoDisplayName('/w/nature/Wood.jpg')).toBe('Wood');
  });

  it('expands folders and .txt lists (entries beside the list or an ancestor), without duplicates', async () => {
    await fs.mkdir(path.join(dir, 'data', 'a'), { recursive: true });
    for (const f of ['data/a/one.jpg', 'data/a/two.png', 'data/a/notes.md']) await fs.writeFile(path.join(dir, f), 'x');
    await fs.mkdir(path.join(dir, 'lists'));
    const list = path.join(dir, 'lists', 'held-out.txt');
    await fs.writeFile(list, '# held out\ndata/a/two.png\n\n');
    const photos = await collectPhotos([path.join(dir, 'data', 'a'), list]);
    expect(photos.map((p) => path.relative(dir, p))).toEqual(['data/a/one.jpg', 'data/a/two.png']);
    await fs.writeFile(list, 'data/a/missing.jpg\n');
    await expect(collectPhotos([list])).rejects.toThrow(/missing\.jpg/);
  });
});
