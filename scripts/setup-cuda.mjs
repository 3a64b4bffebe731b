// Opt-in: fetch ONNX Runtime's CUDA execution provider files for NVIDIA GPUs
// (needs network access and an installed CUDA 12 runtime + cuDNN 9). The
// default install never does this, so `npm ci` works offline.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const script = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
const r = spawnSync(process.execPath, [script, '--onnxruntime-node-install=cuda12'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('setup:cuda failed: the CUDA files could not be downloaded. Inpaint Studio keeps working on the CPU.');
  process.exit(1);
}
console.log('CUDA execution provider installed. `inpaint-studio doctor` shows whether it loads.');
