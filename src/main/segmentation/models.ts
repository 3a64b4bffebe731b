/**
 * The two selection models: the NanoDet object detector and the MediaPipe
 * selfie person segmenter, converted to ONNX by tools/convert/. Each folder
 * holds manifest.json (schema below), model.onnx and MODEL_CARD.md. A model
 * is used only after its manifest, its file hash and its ONNX inputs and
 * outputs agree; every disagreement is named.
 */
import { checkModelFileHash } from '../inference/models';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../shared/errors';
import { OnnxSession } from '../inference/session';
import type { ExecutionProvider } from '../inference/protocol';
import type { DetectorSpec } from './nanodet';

export const DETECTOR_ID = 'nanodet';
export const PERSON_SEGMENTER_ID = 'selfie-seg';

/** Manifest kinds of the selection models: the diffusion model list (inference/models.ts listModels) should skip these folders. */
export const SEGMENTATION_KINDS: readonly string[] = ['object-detector', 'person-segmentation'];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const fileName = z.string().min(1).max(200).regex(/^[\w.-]+$/, 'a bare file name inside the model folder');
const common = {
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1),
  licence: z.string().min(1),
  file: fileName,
  sha256,
  card: fileName,
};

export const detectorManifestSchema = z.object({
  ...common,
  kind: z.literal('object-detector'),
  input: z.object({
    name: z.string(),
    layout: z.literal('NCHW'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    channelOrder: z.enum(['RGB', 'BGR']),
    mean: z.array(z.number()).length(3),
    std: z.array(z.number().positive()).length(3),
  }),
  head: z.object({
    type: z.literal('gfl'),
    strides: z.array(z.number().int().positive()).min(1),
    regMax: z.number().int().positive(),
    centerOffset: z.number(),
    scores: z.literal('sigmoid'),
  }),
  classes: z.array(z.string().min(1)).min(1),
});

export const personSegmenterManifestSchema = z.object({
  ...common,
  kind: z.literal('person-segmentation'),
  input: z.object({
    name: z.string(),
    layout: z.literal('NHWC'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    channelOrder: z.literal('RGB'),
    valueRange: z.tuple([z.literal(0), z.literal(1)]),
  }),
  output: z.object({ name: z.string(), layout: z.literal('NHWC'), channels: z.literal(1), activation: z.literal('sigmoid') }),
});

export type DetectorManifest = z.infer<typeof detectorManifestSchema>;
export type PersonSegmenterManifest = z.infer<typeof personSegmenterManifestSchema>;

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new StudioError('MODEL_MISSING', `${file} does not exist`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StudioError('MODEL_INVALID', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function parse<T>(schema: z.ZodType<T>, json: unknown, file: string): T {
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new StudioError('MODEL_INVALID', `${file}: ${issues}`);
  }
  return r.data;
}

function checkIo(session: OnnxSession, inputs: readonly { name: string; shape: readonly number[] }[], outputs: readonly { name: string; shape: readonly number[] }[], what: string): void {
  const problems: string[] = [];
  const compare = (kind: string, list: readonly { name: string; shape: readonly (number | string | null)[] | null }[], want: { name: string; shape: readonly number[] }) => {
    const got = list.find((v) => v.name === want.name);
    if (!got) { problems.push(`${kind} "${want.name}" is missing (the model has ${list.map((v) => v.name).join(', ')})`); return; }
    if (got.shape && (got.shape.length !== want.shape.length || got.shape.some((d, i) => typeof d === 'number' && d !== want.shape[i]))) {
      problems.push(`${kind} "${want.name}" has shape [${got.shape.join(', ')}]; the manifest implies [${want.shape.join(', ')}]`);
    }
  };
  for (const i of inputs) compare('input', session.info.inputs, i);
  for (const o of outputs) compare('output', session.info.outputs, o);
  if (problems.length) throw new StudioError('MODEL_INVALID', `${what}: ${problems.join('; ')}`);
}

export interface LoadedDetector {
  readonly manifest: DetectorManifest;
  readonly spec: DetectorSpec;
  readonly session: OnnxSession;
}

export interface LoadedPersonSegmenter {
  readonly manifest: PersonSegmenterManifest;
  readonly session: OnnxSession;
}

export async function readDetectorManifest(dir: string): Promise<DetectorManifest> {
  const file = path.join(dir, 'manifest.json');
  return parse(detectorManifestSchema, await readJson(file), file);
}

export async function readPersonSegmenterManifest(dir: string): Promise<PersonSegmenterManifest> {
  const file = path.join(dir, 'manifest.json');
  return parse(personSegmenterManifestSchema, await readJson(file), file);
}

export function detectorSpec(m: DetectorManifest): DetectorSpec {
  return {
    inputWidth: m.input.width,
    inputHeight: m.input.height,
    mean: m.input.mean,
    std: m.input.std,
    channelOrder: m.input.channelOrder,
    strides: m.head.strides,
    regMax: m.head.regMax,
    centerOffset: m.head.centerOffset,
    classes: m.classes,
  };
}

export async function loadDetector(dir: string, providers?: readonly ExecutionProvider[]): Promise<LoadedDetector> {
  const manifest = await readDetectorManifest(dir);
  const file = path.join(dir, manifest.file);
  await checkModelFileHash(file, manifest.sha256);
  const session = await OnnxSession.open(file, providers);
  try {
    const spec = detectorSpec(manifest);
    const outs = spec.strides.flatMap((s) => {
      const cells = Math.ceil(spec.inputWidth / s) * Math.ceil(spec.inputHeight / s);
      return [{ name: `cls_s${s}`, shape: [1, cells, spec.classes.length] }, { name: `reg_s${s}`, shape: [1, cells, 4 * (spec.regMax + 1)] }];
    });
    checkIo(session, [{ name: manifest.input.name, shape: [1, 3, spec.inputHeight, spec.inputWidth] }], outs, `${manifest.id} (${file})`);
    return { manifest, spec, session };
  } catch (err) {
    await session.close();
    throw err;
  }
}

export async function loadPersonSegmenter(dir: string, providers?: readonly ExecutionProvider[]): Promise<LoadedPersonSegmenter> {
  const manifest = await readPersonSegmenterManifest(dir);
  const file = path.join(dir, manifest.file);
  await checkModelFileHash(file, manifest.sha256);
  const session = await OnnxSession.open(file, providers);
  try {
    const { width, height } = manifest.input;
    checkIo(session, [{ name: manifest.input.name, shape: [1, height, width, 3] }], [{ name: manifest.output.name, shape: [1, height, width, 1] }], `${manifest.id} (${file})`);
    return { manifest, session };
  } catch (err) {
    await session.close();
    throw err;
  }
}
