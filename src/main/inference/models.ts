/**
 * Installed diffusion models: one folder per model with manifest.json, the
 * .onnx file and a model card. A model is used only after its manifest, its
 * file hash and its ONNX inputs/outputs agree; every disagreement is named.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { diffusionManifestSchema, describeManifestIssues, resolveWorkingEdge, type DiffusionManifest, type ModelSummary } from '../../shared/manifest';
import { StudioError } from '../../shared/errors';
import { GaussianDiffusion } from '../diffusion/gaussian';
import type { Denoise, Shape } from '../diffusion/sampler';
import { OnnxSession, type SessionInfo } from './session';
import type { ExecutionProvider, ValueInfo } from './protocol';

const DIFFUSION_KINDS = new Set(['conditional-inpaint', 'unconditional']);

export interface InstalledModel {
  readonly dir: string;
  readonly manifest: DiffusionManifest;
}

export async function readManifest(dir: string): Promise<DiffusionManifest> {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new StudioError('MODEL_MISSING', `${file} does not exist`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StudioError('MODEL_INVALID', `${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = diffusionManifestSchema.safeParse(json);
  if (!parsed.success) throw new StudioError('MODEL_INVALID', `${file}: ${describeManifestIssues(parsed.error)}`);
  return parsed.data;
}

/** Every valid model under `root`; invalid ones are reported, not thrown. */
export async function listModels(root: string): Promise<{ models: InstalledModel[]; problems: string[] }> {
  const models: InstalledModel[] = [];
  const problems: string[] = [];
  let names: string[] = [];
  try {
    names = (await fs.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return { models, problems };
  }
  for (const name of names) {
    try {
      // Segmentation models live beside the diffusion models; their own engine lists them.
      const kind = await fs.readFile(path.join(root, name, 'manifest.json'), 'utf8').then((t) => {
        try { return (JSON.parse(t) as { kind?: unknown }).kind; } catch { return undefined; } // readManifest reports it
      }, () => undefined);
      if (typeof kind === 'string' && !DIFFUSION_KINDS.has(kind)) continue;
      const manifest = await readManifest(path.join(root, name));
      if (manifest.id !== name) throw new StudioError('MODEL_INVALID', `${name}/manifest.json says its id is "${manifest.id}"; the folder must be named after the id`);
      models.push({ dir: path.join(root, name), manifest });
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { models, problems };
}

export function summarise(m: InstalledModel): ModelSummary {
  return { id: m.manifest.id, name: m.manifest.name, kind: m.manifest.kind, resolution: m.manifest.resolution, workingEdge: resolveWorkingEdge(undefined, m.manifest), hasFp16: !!m.manifest.fp16File, licence: m.manifest.licence };
}

/** Proves a model file is the one its manifest names (sha256). */
export async function checkModelFileHash(file: string, expected: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw new StudioError('MODEL_MISSING', `model file ${file} is missing`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    throw new StudioError('MODEL_INVALID', `model file ${path.basename(file)} does not match its manifest (sha256 ${actual.slice(0, 12)}…, manifest says ${expected.slice(0, 12)}…): it is damaged or was replaced`);
  }
}

function channelDim(v: ValueInfo | undefined): number | string | null {
  return v?.shape?.[1] ?? null;
}

/** Compares the ONNX graph's declared inputs/outputs with the manifest. */
export function checkGraphAgainstManifest(info: SessionInfo, m: DiffusionManifest): void {
  const problems: string[] = [];
  const x = info.inputs.find((i) => i.name === m.inputs.x.name);
  const t = info.inputs.find((i) => i.name === m.inputs.t.name);
  const out = info.outputs.find((o) => o.name === m.output.name);
  if (!x) problems.push(`input "${m.inputs.x.name}" is not in the graph (it has ${info.inputs.map((i) => i.name).join(', ')})`);
  if (!t) problems.push(`input "${m.inputs.t.name}" is not in the graph`);
  if (!out) problems.push(`output "${m.output.name}" is not in the graph (it has ${info.outputs.map((o) => o.name).join(', ')})`);
  if (x && x.shape && x.shape.length !== 4) problems.push(`input "${x.name}" has rank ${x.shape.length}, NCHW needs 4`);
  const xc = channelDim(x);
  if (typeof xc === 'number' && xc !== m.inputs.x.channels) problems.push(`input "${m.inputs.x.name}" has ${xc} channels, manifest says ${m.inputs.x.channels}`);
  const oc = channelDim(out);
  if (typeof oc === 'number' && oc !== m.output.channels) problems.push(`output "${m.output.name}" has ${oc} channels, manifest says ${m.output.channels}`);
  if (t?.type && t.type !== m.inputs.t.dtype) problems.push(`input "${m.inputs.t.name}" is ${t.type}, manifest says ${m.inputs.t.dtype}`);
  if (problems.length) throw new StudioError('MODEL_INVALID', `model ${m.id}: ${problems.join('; ')}`);
}

export interface LoadedModel {
  readonly manifest: DiffusionManifest;
  readonly session: OnnxSession;
  /** The full (unrespaced) diffusion the model was trained with. */
  readonly diffusion: GaussianDiffusion;
  readonly denoise: Denoise;
  close(): Promise<void>;
}

/** Loads a model after checking its hash and graph; `fp16` picks the half-precision file when there is one. */
export async function loadModel(model: InstalledModel, options: { providers?: readonly ExecutionProvider[]; fp16?: boolean; threads?: number; spinning?: boolean } = {}): Promise<LoadedModel> {
  const m = model.manifest;
  const useFp16 = options.fp16 === true && !!m.fp16File && !!m.fp16Sha256;
  const file = path.join(model.dir, useFp16 ? m.fp16File! : m.file);
  await checkModelFileHash(file, useFp16 ? m.fp16Sha256! : m.sha256);
  const session = await OnnxSession.open(file, options.providers, options.threads, options.spinning !== undefined ? { spinning: options.spinning } : {});
  try {
    checkGraphAgainstManifest(session.info, m);
  } catch (err) {
    await session.close();
    throw err;
  }
  const diffusion = GaussianDiffusion.fromSchedule(m.schedule.type, m.schedule.timesteps, m.varianceType);
  return { manifest: m, session, diffusion, denoise: onnxDenoiser(session, m), close: () => session.close() };
}

/** Adapts a session to the sampler's denoise signature; one call runs the whole batch. */
export function onnxDenoiser(session: OnnxSession, m: DiffusionManifest): Denoise {
  return async (x: Float32Array, t: Float32Array, shape: Shape) => {
    const [n, c, h, w] = shape;
    if (c !== m.inputs.x.channels) throw new Error(`denoiser input has ${c} channels; model ${m.id} takes ${m.inputs.x.channels} ([${shape.join(', ')}])`);
    const tData = m.inputs.t.dtype === 'int64' ? BigInt64Array.from(t, (v) => BigInt(Math.round(v))) : t.slice();
    const outputs = await session.run({
      [m.inputs.x.name]: { type: 'float32', data: x.slice(), dims: [n, c, h, w] },
      [m.inputs.t.name]: { type: m.inputs.t.dtype, data: tData, dims: [n] },
    }, [m.output.name]);
    const out = outputs[m.output.name]!;
    const expected = [n, m.output.channels, h, w];
    if (out.dims.length !== 4 || out.dims.some((d, i) => d !== expected[i])) {
      throw new StudioError('MODEL_INVALID', `model ${m.id} returned [${out.dims.join(', ')}], expected [${expected.join(', ')}]`);
    }
    return out.data as Float32Array;
  };
}
