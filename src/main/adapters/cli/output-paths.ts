/** Checks, before any work, that the CLI can write an output where it was asked to. */
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { sameFileId } from '../../batch/scan';
import { makeDir } from '../../make-dir';

/** True when two paths name the same file (device and inode: symlinks, hard links, case-insensitive names). */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([fs.stat(a).catch(() => null), fs.stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sameFileId(sa, sb);
}

/**
 * Refuses an output that is the source itself (through any link), a folder,
 * one that exists (unless `overwrite`), or one whose folder cannot be made or
 * written; makes the folder. Run before the fill, so a bad path costs nothing.
 */
export async function checkOutputPath(out: string, sources: readonly string[], overwrite: boolean, what = 'the output'): Promise<void> {
  for (const source of sources) {
    if (path.resolve(out) === path.resolve(source) || await sameFile(out, source)) {
      throw new StudioError('FORBIDDEN_PATH', `${what} ${out} is the original itself; Inpaint Studio never writes to originals`);
    }
  }
  const st = await fs.stat(out).catch(() => null);
  if (st?.isDirectory()) throw new StudioError('BAD_REQUEST', `${what} ${out} is a folder; give a file name`);
  if (st && !overwrite) throw new StudioError('OUTPUT_EXISTS', `${out} already exists (use --overwrite to replace it)`);
  const dir = path.dirname(out);
  try {
    await makeDir(dir);
    await fs.access(dir, fsConstants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way of that folder'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'it is not writable' : (err as Error).message;
    throw new StudioError('FORBIDDEN_PATH', `cannot write ${what} in ${dir}: ${why}`);
  }
}
