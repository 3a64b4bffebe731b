/**
 * The fill methods the eval compares, each producing N full-frame results for
 * one (photo, mask) case:
 *
 * - `diffusion:<model>`: the shipped pipeline (runInpaint, method diffusion):
 *   diffusion at working resolution, then guided PatchMatch at full size.
 * - `diffusion-raw:<model>`: ablation — the same diffusion samples (same
 *   seed) upsampled and pasted into the hole, without the detail stage.
 * - `patchmatch`: the shipped PatchMatch fill (runInpaint, method patchmatch).
 * - `pm-telea`: ablation — PatchMatch guided by OpenCV's Telea fill instead
 *   of a diffusion sample, so the table shows what the diffusion guide adds.
 * - `telea`, `ns`, `biharmonic`: classical baselines (tools/eval, Python).
 * - `original`: the photo itself, scored like a fill: the value real content
 *   gets on each no-reference proxy.
 */
import { inpaintParamsSchema } from '../../shared/api';
import { maskBounds } from '../../shared/mask-ops';
import { StudioError } from '../../shared/errors';
import { resolveWorkingEdge } from '../../shared/manifest';
import { pasteImage } from '../imaging/composite';
import type { RawImage } from '../imaging/io';
import { runPatchMatchInWorker } from '../imaging/patchmatch/worker-client';
import type { LoadedModel } from '../inference/models';
import { runDiffusionStage } from '../pipeline/diffusion-stage';
import { runInpaint } from '../pipeline/inpaint';
import { DEFAULT_DIFFUSION_STEPS, sampleSeed } from '../pipeline/methods';
import { CLASSICAL_METHODS, type ClassicalMethod } from './classical';
import type { Rgb8 } from './fidelity';

export const BASE_METHODS = ['diffusion', 'diffusion-raw', 'patchmatch', 'pm-telea', 'telea', 'ns', 'biharmonic'] as const;
export const DEFAULT_METHODS: readonly string[] = BASE_METHODS;

export type MethodSpec =
  | { readonly kind: 'original'; readonly id: 'original' }
  | { readonly kind: 'diffusion' | 'diffusion-raw'; readonly id: string; readonly model: string }
  | { readonly kind: 'patchmatch' | 'pm-telea'; readonly id: string }
  | { readonly kind: 'classical'; readonly id: ClassicalMethod; readonly method: ClassicalMethod };

/**
 * Expands a method list: `diffusion` and `diffusion-raw` stand for one entry
 * per installed RGB model, `diffusion:<id>` picks one. Unknown names and
 * unknown models are usage errors that name the valid choices and, for a
 * model, the model folders that could not be read (`problems`).
 */
export function expandMethods(names: readonly string[], installedModels: readonly string[], problems: readonly string[] = []): MethodSpec[] {
  const out: MethodSpec[] = [{ kind: 'original', id: 'original' }];
  const add = (m: MethodSpec): void => { if (!out.some((o) => o.id === m.id)) out.push(m); };
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    const [base, model] = name.split(':', 2) as [string, string | undefined];
    if (base === 'diffusion' || base === 'diffusion-raw') {
      if (model !== undefined && !installedModels.includes(model)) {
        const unread = problems.length ? `; model folders that could not be read: ${problems.join('; ')}` : '';
        throw new StudioError('BAD_REQUEST', `--methods ${name}: no RGB model "${model}" is installed (installed: ${installedModels.join(', ') || 'none'}${unread})`);
      }
      for (const m of model !== undefined ? [model] : installedModels) add({ kind: base, id: `${base}:${m}`, model: m });
    } else if (base === 'patchmatch' || base === 'pm-telea') {
      add({ kind: base, id: base });
    } else if ((CLASSICAL_METHODS as readonly string[]).includes(base)) {
      add({ kind: 'classical', id: base as ClassicalMethod, method: base as ClassicalMethod });
    } else if (base !== 'original') {
      throw new StudioError('BAD_REQUEST', `unknown method "${name}" (choose from ${BASE_METHODS.join(', ')}; diffusion:<model id> picks one model)`);
    }
  }
  return out;
}

export interface FillContext {
  readonly photo: Rgb8;
  readonly mask: Uint8Array;
  readonly samples: number;
  readonly seed: number;
  readonly steps: number | null;
  /** null: the model's own working edge. */
  readonly maxWorkingEdge: number | null;
  readonly signal?: AbortSignal;
}

function asRaw(img: Rgb8): RawImage {
  return { width: img.width, height: img.height, channels: 3, depth: 8, data: img.data };
}

function copy(img: Rgb8): Rgb8 {
  return { width: img.width, height: img.height, data: img.data.slice() };
}

/** The shipped pipeline, each sample's blended crop pasted into a copy of the photo. */
export async function pipelineFill(ctx: FillContext, method: 'diffusion' | 'patchmatch', model?: LoadedModel): Promise<Rgb8[]> {
  const params = inpaintParamsSchema.parse({
    method, samples: ctx.samples, seed: ctx.seed, model: model?.manifest.id ?? null, steps: ctx.steps,
  });
  const samples = await runInpaint({
    image: asRaw(ctx.photo), mask: ctx.mask, params,
    ...(model ? { model } : {}), ...(ctx.maxWorkingEdge !== null ? { maxWorkingEdge: ctx.maxWorkingEdge } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return samples.map((s) => {
    const out = copy(ctx.photo);
    pasteImage(asRaw(out), s.crop, s.region.x, s.region.y);
    return out;
  });
}

/** Ablation: the diffusion stage's samples (as the pipeline computes them) pasted into the hole, no detail stage. */
export async function diffusionRawFill(ctx: FillContext, model: LoadedModel): Promise<Rgb8[]> {
  const { photo, mask } = ctx;
  const region = maskBounds(mask, photo.width, photo.height);
  if (!region) throw new Error('the mask is empty');
  const stage = await runDiffusionStage(photo.data, photo.width, photo.height, 3, mask, region, {
    model: model, sampler: 'ddim', steps: ctx.steps ?? DEFAULT_DIFFUSION_STEPS, strength: null, seed: ctx.seed,
    count: ctx.samples, maxWorkingEdge: resolveWorkingEdge(ctx.maxWorkingEdge ?? undefined, model.manifest), ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const { crop } = stage;
  return stage.samples.map((rgb) => {
    const out = copy(photo);
    for (let y = 0; y < crop.height; y++) for (let x = 0; x < crop.width; x++) {
      const p = (crop.y + y) * photo.width + crop.x + x;
      if (mask[p]! <= 127) continue;
      const s = (y * crop.width + x) * 3;
      out.data[p * 3] = rgb[s]!; out.data[p * 3 + 1] = rgb[s + 1]!; out.data[p * 3 + 2] = rgb[s + 2]!;
    }
    return out;
  });
}

/** Ablation: PatchMatch at full size guided by another fill (e.g. Telea) in place of a diffusion sample. */
export async function guidedPatchMatchFill(ctx: FillContext, guide: Rgb8): Promise<Rgb8[]> {
  const { photo, mask } = ctx;
  const out: Rgb8[] = [];
  for (let i = 0; i < ctx.samples; i++) {
    const result = await runPatchMatchInWorker({ data: photo.data, width: photo.width, height: photo.height, channels: 3 }, mask, {
      seed: sampleSeed(ctx.seed, i),
      guide: { data: guide.data, width: guide.width, height: guide.height, channels: 3 },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const full = copy(photo);
    const r = result.region;
    pasteImage(asRaw(full), { width: r.width, height: r.height, channels: 3, depth: 8, data: result.data }, r.x, r.y);
    out.push(full);
  }
  return out;
}

