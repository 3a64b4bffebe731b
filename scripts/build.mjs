// Builds every bundle with esbuild: the main-process entry points (browser
// mode server, Electron main and preload, CLI), one file per worker, the
// benchmarks, and the renderer. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const native = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node'];

function walk(dir, test, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, test, out);
    else if (test(full)) out.push(full);
  }
  return out;
}

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  external: native,
  logLevel: 'warning',
  loader: { '.sql': 'text' },
};

// No wipe of dist/: bundles are overwritten in place, so a build never pulls files from under a running test.
mkdirSync(dist, { recursive: true });

const mainEntries = {
  'main/server': 'src/main/adapters/http/entry.ts',
  'main/electron': 'src/main/adapters/electron/main.ts',
  'main/preload': 'src/main/adapters/electron/preload.ts',
  'main/cli': 'src/main/adapters/cli/main.ts',
};
for (const f of walk(path.join(root, 'src/main'), (f) => f.endsWith('.worker.ts'))) {
  mainEntries[`main/workers/${path.basename(f, '.worker.ts')}`] = path.relative(root, f);
}
for (const f of walk(path.join(root, 'bench'), (f) => f.endsWith('.bench.ts'))) {
  mainEntries[`bench/${path.basename(f, '.ts')}`] = path.relative(root, f);
}
const present = Object.fromEntries(Object.entries(mainEntries).filter(([, src]) => existsSync(path.join(root, src))));

await build({
  ...nodeCommon,
  absWorkingDir: root,
  entryPoints: present,
  outdir: dist,
  outExtension: { '.js': '.cjs' },
});

if (existsSync(path.join(root, 'src/renderer/main.tsx'))) {
  await build({
    absWorkingDir: root,
    entryPoints: {
      app: 'src/renderer/main.tsx',
      // Web Workers of the renderer (one file each, loaded by name beside app.js).
      'edge-preview-worker': 'src/renderer/mask/edgePreview.worker.ts',
    },
    outdir: path.join(dist, 'renderer'),
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'esm',
    jsx: 'automatic',
    sourcemap: 'linked',
    // Production React unless explicitly developing (vitest sets NODE_ENV=test; tests run what ships).
    minify: process.env.NODE_ENV !== 'development',
    define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV === 'development' ? 'development' : 'production') },
    logLevel: 'warning',
  });
  for (const name of ['index.html', 'styles.css']) {
    const src = path.join(root, 'src/renderer', name);
    if (existsSync(src)) cpSync(src, path.join(dist, 'renderer', name));
  }
}
console.log(`built ${Object.keys(present).length} node bundles${existsSync(path.join(dist, 'renderer')) ? ' and the renderer' : ''} into dist/`);
