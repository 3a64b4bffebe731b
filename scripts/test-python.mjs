// The Python half of `npm test`: training/'s tests (schedules, respacing,
// posterior, RNG, samplers against closed forms, U-Net, export) with Debian's
// PyTorch. .ci/run installs it; on a machine without it this says so plainly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const python = '/usr/bin/python3';
const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch, pytest, numpy, scipy'], { encoding: 'utf8' }) : null;
if (!probe || probe.status !== 0) {
  console.log('Python tests NOT run: /usr/bin/python3 with Debian\'s python3-torch, python3-pytest, python3-numpy and python3-scipy is not installed here (.ci/run installs them).');
  process.exit(0);
}
const r = spawnSync(python, ['-m', 'pytest', 'training/tests', '-q'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
