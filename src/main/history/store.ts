/**
 * Content-addressed file store beside the database: blobs are named by their
 * sha256 and written atomically (temporary file in the same folder, fsync,
 * rename), so a killed process never leaves a half-written blob under a
 * valid name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { makeDir } from '../make-dir';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file-system refusal as a StudioError a user can act on (full disk, a folder in the way, no permission). */
function writeError(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new StudioError('DISK_FULL', `the disk is full; could not write ${path.basename(file)}`);
  if (code === 'EISDIR') return new StudioError('BAD_REQUEST', `cannot write ${file}: a folder has that name`);
  if (code === 'EEXIST' || code === 'ENOTDIR') return new StudioError('BAD_REQUEST', `cannot write ${file}: a file is in the way of its folder`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new StudioError('FORBIDDEN_PATH', `cannot write ${file}: the folder is not writable`);
  if (code === 'ENOENT') return new StudioError('NOT_FOUND', `cannot write ${file}: its folder cannot be made`);
  return err;
}

export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await makeDir(dir).catch((err: unknown) => { throw writeError(err, file); });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(tmp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o644);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(tmp, file);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, file);
  }
}

/** Suffix of a blob renamed aside for removal. */
const TRASH = '.trash';

/** Test seams around a removal's rename, where another process's put may land. */
export interface BlobStoreHooks {
  beforeRename?: (file: string) => Promise<void>;
  afterRename?: (file: string) => Promise<void>;
}

export class BlobStore {
  constructor(readonly root: string, private readonly hooks: BlobStoreHooks = {}) {}

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a sha256 hash: ${hash}`);
    return path.join(this.root, hash.slice(0, 2), hash.slice(2));
  }

  /** Per-hash queue: a put and a sweep of the same blob never interleave. */
  private readonly busy = new Map<string, Promise<unknown>>();

  private async exclusive<T>(hash: string, work: () => Promise<T>): Promise<T> {
    const run = (this.busy.get(hash) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    this.busy.set(hash, tail);
    try {
      return await run;
    } finally {
      if (this.busy.get(hash) === tail) this.busy.delete(hash);
    }
  }

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    const file = this.pathOf(hash);
    return this.exclusive(hash, async () => {
      try {
        // Already stored: content addressing makes this a no-op, but the touch tells a sweep the blob is in use again.
        const t = new Date();
        await fs.utimes(file, t, t);
        return hash;
      } catch {
        await writeFileAtomic(file, bytes);
        return hash;
      }
    });
  }

  /**
   * Removes a blob unless it was written or put again within `idleMs` (a
   * caller may be about to insert a row that refers to it). 'missing' when
   * there was nothing to remove.
   *
   * Another process (the CLI and the app share a data folder) may put the same
   * content at any moment, and the per-hash queue does not reach it. So the
   * blob is first renamed aside, atomically, and its time read again: a put
   * that touched it before the rename shows there (the blob is put back), and
   * a put after the rename finds no file and writes a new one. A crash between
   * the rename and the removal leaves the renamed file, which `tidy` restores.
   */
  async removeIfIdle(hash: string, idleMs: number): Promise<'removed' | 'recent' | 'missing'> {
    const file = this.pathOf(hash);
    return this.exclusive(hash, async () => {
      const recent = (mtimeMs: number): boolean => Date.now() - mtimeMs < idleMs;
      try {
        if (recent((await fs.stat(file)).mtimeMs)) return 'recent';
        await this.hooks.beforeRename?.(file);
        const aside = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}${TRASH}`);
        await fs.rename(file, aside);
        await this.hooks.afterRename?.(file);
        if (recent((await fs.stat(aside)).mtimeMs)) {
          await fs.rename(aside, file); // same content if a put wrote the name again meanwhile
          return 'recent';
        }
        await fs.rm(aside);
        return 'removed';
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
        throw err;
      }
    });
  }

  /**
   * Start-up housekeeping of the folder: blobs a crash left renamed aside are
   * put back, temporary files of writes that never finished (older than
   * `idleMs`) are removed. Returns the hashes of every stored blob. A file
   * renamed aside may belong to another process's removal in progress: putting
   * it back only keeps a blob that a later sweep can still remove.
   */
  async tidy(idleMs: number): Promise<string[]> {
    const hashes: string[] = [];
    let dirs: string[];
    try {
      dirs = await fs.readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return hashes;
      throw err;
    }
    for (const d of dirs) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      const dir = path.join(this.root, d);
      for (const name of await fs.readdir(dir)) {
        if (/^[0-9a-f]{62}$/.test(name)) {
          hashes.push(d + name);
          continue;
        }
        const aside = /^\.([0-9a-f]{62})\.[0-9a-f]{12}\.trash$/.exec(name);
        const full = path.join(dir, name);
        if (aside) {
          const hash = d + aside[1]!;
          await this.exclusive(hash, async () => {
            try {
              await fs.rename(full, this.pathOf(hash));
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            }
          });
          hashes.push(hash);
        } else if (/^\.[0-9a-f]{62}\.[0-9a-f]{12}\.tmp$/.test(name)) {
          const st = await fs.stat(full).catch(() => null);
          if (st && Date.now() - st.mtimeMs >= idleMs) await fs.rm(full, { force: true });
        }
      }
    }
    return [...new Set(hashes)];
  }

  async get(hash: string): Promise<Uint8Array<ArrayBuffer>> {
    try {
      const bytes = await fs.readFile(this.pathOf(hash));
      if (sha256(bytes) !== hash) {
        throw new StudioError('CORRUPT_IMAGE', `stored file ${hash.slice(0, 12)}… is damaged (checksum mismatch)`);
      }
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StudioError('NOT_FOUND', `stored file ${hash.slice(0, 12)}… is missing from the data folder`);
      }
      throw err;
    }
  }
}
