import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDir, makeDirSync } from './make-dir';

describe('makeDir', () => {
  const roots: string[] = [];
  const tmp = (): string => { const d = mkdtempSync(path.join(os.tmpdir(), 'mkdir-')); roots.push(d); return d; };
  afterEach(() => { for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('creates every missing level and accepts a folder that exists', async () => {
    const root = tmp();
    const deep = path.join(root, 'a', 'b', 'c');
    await makeDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeDir(deep);
    makeDirSync(path.join(root, 'a'));
    expect(statSync(path.join(root, 'a', 'b')).isDirectory()).toBe(true);
  });

  it('refuses a file in the way, at the end or in the middle of the path', async () => {
    const root = tmp();
    writeFileSync(path.join(root, 'f'), 'x');
    await expect(makeDir(path.join(root, 'f'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makeDir(path.join(root, 'f', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.runIf(process.platform === 'linux')('ends with ENOENT under /proc, where Node\'s recursive mkdir never returns', async () => {
    await expect(makeDir('/proc/inpaint-studio-no-such-folder/sub')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => makeDirSync('/proc/inpaint-studio-no-such-folder')).toThrow(/ENOENT/);
  });
});
