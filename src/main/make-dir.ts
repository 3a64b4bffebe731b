/**
 * `mkdir -p` that always ends. Node's own `mkdir(dir, { recursive: true })`
 * loops forever when the kernel answers ENOENT for a folder whose parent
 * exists (a path under /proc, some network and FUSE file systems), which
 * would hang the studio on a mistyped data or output folder. This walks up to
 * the first folder that exists and creates the rest one level at a time, so
 * every refusal comes back as the file system's own error.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export function makeDirSync(dir: string): void {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    try {
      if (statSync(cur).isDirectory()) break;
      throw Object.assign(new Error(`EEXIST: a file is in the way, mkdir '${cur}'`), { code: 'EEXIST', path: cur });
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') throw err;
    }
    missing.push(cur);
    if (path.dirname(cur) === cur) break; // a root that does not exist: mkdir below reports it
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      // Another process made it in the meantime: fine when it is a folder.
      if (codeOf(err) !== 'EEXIST' || !statSync(d).isDirectory()) throw err;
    }
  }
}

/** The same for async callers (the work is a few system calls; it does not wait on anything else). */
export async function makeDir(dir: string): Promise<void> {
  makeDirSync(dir);
}
