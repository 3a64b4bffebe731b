// Proves an export: runs model.onnx in onnxruntime-node on the inputs that
// export_onnx.py saved and compares with PyTorch's outputs. With --fp16 it
// checks the manifest's fp16File instead (against the same float32 outputs).
//   node training/check_onnx.mjs models/tiny-inpaint training/runs/tiny-inpaint/export_check [tolerance] [--fp16]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const args = process.argv.slice(2);
const fp16 = args.includes('--fp16');
const [modelDir, checkDir, tolArg] = args.filter((a) => a !== '--fp16');
if (!modelDir || !checkDir) {
  console.error('usage: node training/check_onnx.mjs <model-dir> <check-dir> [tolerance] [--fp16]');
  process.exit(2);
}
const tolerance = Number(tolArg ?? '1e-4');
const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
const [file, sha256] = fp16 ? [manifest.fp16File, manifest.fp16Sha256] : [manifest.file, manifest.sha256];
if (!file) throw new Error(`${modelDir}/manifest.json names no fp16File`);
const onnxBytes = readFileSync(join(modelDir, file));
const digest = createHash('sha256').update(onnxBytes).digest('hex');
if (digest !== sha256) throw new Error(`sha256 mismatch for ${file}: manifest ${sha256}, file ${digest}`);

const session = await ort.InferenceSession.create(join(modelDir, file));
const names = { inputs: session.inputNames, outputs: session.outputNames };
if (names.inputs.join() !== 'x,t' || names.outputs.join() !== 'out') {
  throw new Error(`unexpected tensor names ${JSON.stringify(names)}`);
}
const readF32 = (p) => {
  const b = readFileSync(p);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const cases = JSON.parse(readFileSync(join(checkDir, 'cases.json'), 'utf8'));
let worst = 0;
for (let k = 0; k < cases.length; k++) {
  const c = cases[k];
  const x = new ort.Tensor('float32', readF32(join(checkDir, `case${k}_x.bin`)), c.x);
  const t = new ort.Tensor('float32', readF32(join(checkDir, `case${k}_t.bin`)), c.t);
  const expected = readF32(join(checkDir, `case${k}_out.bin`));
  const res = await session.run({ x, t });
  const out = res.out;
  if (out.dims.join() !== c.out.join()) throw new Error(`case ${k}: shape ${out.dims} != ${c.out}`);
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(out.data[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  console.log(`case ${k}: x ${c.x.join('x')} max |ORT - PyTorch| = ${maxAbs.toExponential(3)} (max |out| ${maxRef.toFixed(3)})`);
  worst = Math.max(worst, maxAbs);
}
if (worst > tolerance) {
  console.error(`FAIL: ${worst} > ${tolerance}`);
  process.exit(1);
}
console.log(`OK: ${manifest.id} ${file} matches PyTorch within ${tolerance}`);
