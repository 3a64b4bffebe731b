/**
 * The folders a batch request may name. Nothing is read or written on a
 * request's say-so outside the roots the user chose: folders picked in the
 * desktop dialog, or given with --allow-dir when browser mode was started.
 * Paths are resolved through symlinks before the check.
 */
import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';

const IMAGE = /\.(jpe?g|png|tiff?|webp)$/i;

export class AllowedFolders {
  private readonly roots = new Set<string>();

  constructor(roots: readonly string[] = []) {
    for (const r of roots) this.add(r);
  }

  add(root: string): string {
    const real = realpathSync(path.resolve(root));
    this.roots.add(real);
    return real;
  }

  list(): string[] {
    return [...this.roots].sort();
  }

  /** Resolves `p` and proves it lies inside an allowed root; `mustExist` false allows a new output folder. */
  async check(p: string, what: string, mustExist = true): Promise<string> {
    if (!path.isAbsolute(p)) throw new StudioError('FORBIDDEN_PATH', `${what} must be an absolute path`);
    let real: string;
    try {
      real = await fs.realpath(p);
    } catch {
      if (mustExist) throw new StudioError('NOT_FOUND', `${what} ${p} does not exist`);
      // A folder still to be created: check its nearest existing ancestor.
      const parent = await this.check(path.dirname(p), what, true);
      real = path.join(parent, path.basename(p));
    }
    for (const root of this.roots) {
      if (real === root || real.startsWith(root + path.sep)) return real;
    }
    throw new StudioError('FORBIDDEN_PATH', `${what} ${p} is outside the folders you allowed${this.roots.size ? ` (${this.list().join(', ')})` : ' (none yet: pick a folder, or start browser mode with --allow-dir <folder>)'}`);
  }

  /** Subfolders and the number of images in `p` (or the roots when `p` is absent). */
  async browse(p?: string): Promise<{ path: string | null; parent: string | null; folders: string[]; imageCount: number }> {
    if (!p) return { path: null, parent: null, folders: this.list(), imageCount: 0 };
    const dir = await this.check(p, 'the folder');
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => path.join(dir, e.name)).sort();
    const imageCount = entries.filter((e) => e.isFile() && IMAGE.test(e.name)).length;
    const parent = this.roots.has(dir) ? null : path.dirname(dir);
    return { path: dir, parent, folders, imageCount };
  }
}
