/**
 * The models the studio can use: the ones shipped in the app's models/
 * folder and the ones a user added to their data folder. Loads one model at
 * a time and keeps it for the next run.
 */
import path from 'node:path';
import type { ModelSummary } from '../../shared/manifest';
import { StudioError } from '../../shared/errors';
import { listModels, loadModel, summarise, type InstalledModel, type LoadedModel } from './models';
import { defaultProviders } from './session';

/** The shipped photographic model; diffusion becomes the default fill once it is installed. */
export const PHOTO_MODEL_ID = 'photo-inpaint';

export class ModelCatalog {
  private installed: InstalledModel[] | null = null;
  private problems: string[] = [];
  private loaded: { id: string; model: Promise<LoadedModel> } | null = null;

  constructor(private readonly roots: readonly string[]) {}

  async refresh(): Promise<void> {
    const all: InstalledModel[] = [];
    const problems: string[] = [];
    for (const root of this.roots) {
      const r = await listModels(root);
      for (const m of r.models) if (!all.some((a) => a.manifest.id === m.manifest.id)) all.push(m);
      problems.push(...r.problems);
    }
    this.installed = all;
    this.problems = problems;
  }

  async list(): Promise<{ models: ModelSummary[]; problems: string[] }> {
    if (!this.installed) await this.refresh();
    return { models: this.installed!.map(summarise), problems: this.problems };
  }

  /** Models a photo fill can use: RGB, conditional or unconditional. */
  async photoModels(): Promise<InstalledModel[]> {
    if (!this.installed) await this.refresh();
    return this.installed!.filter((m) => m.manifest.channels === 3);
  }

  async defaultPhotoModelId(): Promise<string | null> {
    const models = await this.photoModels();
    return (models.find((m) => m.manifest.id === PHOTO_MODEL_ID) ?? models.find((m) => m.manifest.kind === 'conditional-inpaint') ?? models[0])?.manifest.id ?? null;
  }

  async load(id: string): Promise<LoadedModel> {
    if (this.loaded?.id === id) return this.loaded.model;
    const model = (await this.photoModels()).find((m) => m.manifest.id === id);
    if (!model) throw new StudioError('MODEL_MISSING', `no RGB model "${id}" is installed (see inpaint-studio models)`);
    const previous = this.loaded;
    this.loaded = null;
    if (previous) await (await previous.model.catch(() => null))?.close();
    const promise = loadPreferringGpu(model);
    this.loaded = { id, model: promise };
    promise.catch(() => { if (this.loaded?.model === promise) this.loaded = null; });
    return promise;
  }

  async close(): Promise<void> {
    const l = this.loaded;
    this.loaded = null;
    if (l) await (await l.model.catch(() => null))?.close();
  }
}

/**
 * fp16 weights only pay off on a GPU (ONNX Runtime's CPU kernels are fp32):
 * try the fp16 file on the GPU providers first, then fp32 on the usual
 * order, which ends with the CPU.
 */
async function loadPreferringGpu(model: InstalledModel): Promise<LoadedModel> {
  const gpu = defaultProviders().filter((p) => p !== 'cpu');
  if (model.manifest.fp16File && gpu.length > 0) {
    try {
      return await loadModel(model, { fp16: true, providers: gpu });
    } catch {
      // No usable GPU (or it cannot run fp16): the fp32 path below reports its own reasons.
    }
  }
  return loadModel(model, { fp16: false, providers: defaultProviders() });
}

export function modelRoots(appRoot: string, dataDir: string): string[] {
  return [path.join(appRoot, 'models'), path.join(dataDir, 'models')];
}
