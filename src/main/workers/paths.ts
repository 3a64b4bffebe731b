/**
 * Where the bundled worker scripts live. Workers are built by scripts/build.mjs
 * into dist/main/workers/<name>.cjs; sources (vitest) and bundles (app, CLI)
 * both find them from the package root. Inside a packaged Electron app the
 * workers are unpacked from the asar archive (electron-builder.yml).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';

let cachedRoot: string | null = null;

export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
        if (pkg.name === 'inpaint-studio') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // A package.json we cannot parse is not ours; keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the inpaint-studio package root above ${__dirname}`);
    dir = parent;
  }
}

export function workerScriptPath(name: string): string {
  const file = path.join(packageRoot(), 'dist', 'main', 'workers', `${name}.cjs`).replace(
    `app.asar${path.sep}`,
    `app.asar.unpacked${path.sep}`,
  );
  if (!existsSync(file)) {
    throw new StudioError('NOT_AVAILABLE', `worker ${name} is not built (${file}); run npm run build`);
  }
  return file;
}
