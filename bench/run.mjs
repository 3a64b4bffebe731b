// `npm run bench`: runs every built benchmark (dist/bench/*.bench.cjs) in turn.
// Each prints its table with ratios against a reference measured in the same
// run and writes bench/results/<name>.json. Pass names to run a subset:
//   npm run bench -- patchmatch
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'dist', 'bench');
const wanted = process.argv.slice(2);
const benches = readdirSync(dir).filter((f) => f.endsWith('.bench.cjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file.replace('.bench.cjs', '')}`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(dir, file)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
if (benches.length === 0) console.log('no benchmarks matched');
process.exit(failed === 0 ? 0 : 1);
