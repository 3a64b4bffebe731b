// Task 1 sampling driver: bundles scripts/sample-fmnist.entry.ts (the
// TypeScript sampler + ONNX Runtime worker, as the app ships them) and runs
// it with the given arguments. Needs `node scripts/build.mjs` once (for the
// inference worker). Resumable: finished shards are skipped on restart.
//
//   nice -n 10 node scripts/sample-fmnist.mjs --model-dir models/fmnist-ddpm \
//     --method ddim --steps ddim50 --n 10000 --out training/runs/task1/samples/x
//
// Options: --method ddim|ddpm|repaint, --steps (respacing: "ddim50", "1000"),
// --eta, --n, --shard-size (250), --seed (0), --threads (2), --max-shards,
// --task-source/--task-mask (.npy, inpaint rows with the known region replaced),
// --jump-length, --jump-n-sample.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'dist', 'main', 'workers', 'onnx.cjs'))) {
  console.error('dist/main/workers/onnx.cjs is missing: run `node scripts/build.mjs` first');
  process.exit(1);
}
const outfile = path.join(root, 'dist', 'scripts', 'sample-fmnist.cjs');
await build({
  absWorkingDir: root,
  entryPoints: ['scripts/sample-fmnist.entry.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['onnxruntime-node', 'electron', 'better-sqlite3', 'sharp'],
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
