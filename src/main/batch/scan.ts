/** Lists the images of a batch's input folder, in a stable order. */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';

export const DEFAULT_TYPES = ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp'] as const;

/** `exclude`: folders left out, compared as folders (device and inode), so any spelling of their names or a link to them works. */
export async function scanFolder(root: string, options: { recursive: boolean; types: readonly string[]; exclude: readonly string[] }): Promise<string[]> {
  const types = new Set(options.types.map((t) => t.toLowerCase().replace(/^\./, '')));
  const exclude: FileId[] = [];
  for (const e of options.exclude) {
    const st = await fs.stat(e).catch(() => null);
    if (st) exclude.push(st);
  }
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!options.recursive) continue;
        const st = await fs.stat(full);
        if (!exclude.some((x) => sameFileId(st, x))) await walk(full);
      } else if (e.isFile() && types.has(path.extname(e.name).slice(1).toLowerCase())) {
        out.push(path.relative(root, full));
      }
    }
  }
  await walk(root);
  return out;
}

/** Per-photo mask names for a photo at `relPath`, relative to the masks folder, in the order they are tried. */
export function maskCandidates(relPath: string): string[] {
  const stem = path.join(path.dirname(relPath), path.parse(relPath).name);
  return [`${stem}.png`, `${stem}.mask.png`, `${stem}-mask.png`, `${stem}_mask.png`];
}

export type FileId = Pick<Stats, 'dev' | 'ino'>;

/** Two names for one file (links, case-insensitive file systems): compared by device and inode, never by path strings. */
export function sameFileId(a: FileId, b: FileId): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * The path of `p` (which exists) inside the folder `dir` ('' for the folder
 * itself), or null when it is not inside: links are followed and folders are
 * compared by device and inode, so another spelling of a name (a link, case on
 * a case-insensitive file system) is still seen to be the same folder.
 */
export async function pathInside(p: string, dir: FileId): Promise<string | null> {
  let cur = await fs.realpath(p);
  const parts: string[] = [];
  for (;;) {
    const st = await fs.stat(cur);
    if (sameFileId(st, dir)) return parts.reverse().join(path.sep);
    const parent = path.dirname(cur);
    if (parent === cur) return null;
    parts.push(path.basename(cur));
    cur = parent;
  }
}

export async function isInside(p: string, dir: FileId): Promise<boolean> {
  return (await pathInside(p, dir)) !== null;
}

/**
 * The file per-photo masks are read from for the photo at `source`: the first
 * candidate that exists and is not the photo itself (a PNG photo is never its
 * own mask when the masks folder is the input folder).
 */
export async function findMaskFile(masksDir: string, relPath: string, source: FileId): Promise<string | null> {
  for (const name of maskCandidates(relPath)) {
    const file = path.join(masksDir, name);
    const st = await fs.stat(file).catch(() => null);
    if (st?.isFile() && !sameFileId(st, source)) return file;
  }
  return null;
}

/**
 * Photos minus the files that serve as another scanned photo's mask, for a
 * masks folder that is the input folder or inside it (`masksRel`: its path
 * relative to the input folder, '' for the folder itself). A mask is not a photo
 * to fill.
 */
export async function withoutMasks(root: string, files: readonly string[], masksDir: string, masksRel: string): Promise<string[]> {
  const scanned = new Set(files);
  const masks = new Set<string>();
  for (const rel of files) {
    const source = await fs.stat(path.join(root, rel));
    const file = await findMaskFile(masksDir, rel, source);
    if (!file) continue;
    const asScanned = path.join(masksRel, path.relative(masksDir, file));
    if (asScanned !== rel && scanned.has(asScanned)) masks.add(asScanned);
  }
  return files.filter((f) => !masks.has(f));
}
