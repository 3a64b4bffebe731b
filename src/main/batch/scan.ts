/** Lists the images of a batch's input folder, in a stable order. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const DEFAULT_TYPES = ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp'] as const;

export async function scanFolder(root: string, options: { recursive: boolean; types: readonly string[]; exclude: readonly string[] }): Promise<string[]> {
  const types = new Set(options.types.map((t) => t.toLowerCase().replace(/^\./, '')));
  const exclude = options.exclude.map((e) => path.resolve(e));
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (exclude.some((x) => full === x || full.startsWith(x + path.sep))) continue;
      if (e.isDirectory()) {
        if (options.recursive) await walk(full);
      } else if (e.isFile() && types.has(path.extname(e.name).slice(1).toLowerCase())) {
        out.push(path.relative(root, full));
      }
    }
  }
  await walk(root);
  return out;
}
