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

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
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
    await fs.rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new StudioError('DISK_FULL', `the disk is full; could not write ${path.basename(file)}`);
    throw err;
  }
}

export class BlobStore {
  constructor(readonly root: string) {}

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
   */
  async removeIfIdle(hash: string, idleMs: number): Promise<'removed' | 'recent' | 'missing'> {
    const file = this.pathOf(hash);
    return this.exclusive(hash, async () => {
      try {
        const st = await fs.stat(file);
        if (Date.now() - st.mtimeMs < idleMs) return 'recent';
        await fs.rm(file);
        return 'removed';
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
        throw err;
      }
    });
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
