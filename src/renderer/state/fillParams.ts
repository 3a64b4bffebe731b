/** The fill parameters the user edits, kept valid against what the service offers (`app.info`). */
import { SAMPLERS, type AppInfo, type FillMethod, type InpaintParams, type SamplerName } from '../../shared/api';

export const DEFAULT_SAMPLES = 4;
export const MAX_FEATHER = 256;
export const MAX_SEED = 0xffffffff;
export const MAX_STEPS = 1000;
export const STORAGE_KEY = 'inpaint-studio.fillParams';

export interface FillParams {
  readonly method: FillMethod;
  /** Diffusion model id; null lets the service use its default. */
  readonly model: string | null;
  /** Null: the service's default (DDIM). */
  readonly sampler: SamplerName | null;
  /** Null: the service's default step count. */
  readonly steps: number | null;
  readonly samples: number;
  readonly seed: number;
  /** Null: start from pure noise; else start from the photo noised to strength·T inside the mask. */
  readonly strength: number | null;
  readonly feather: number;
}

export type FillParamsInput =
  | { readonly type: 'method' | 'model' | 'sampler'; readonly value: string }
  | { readonly type: 'samples' | 'seed' | 'feather'; readonly value: number }
  | { readonly type: 'steps' | 'strength'; readonly value: number | null };

export function maxSamples(info: AppInfo | null): number {
  return Math.max(1, info?.maxSamples ?? 16);
}

export function availableMethods(info: AppInfo | null): readonly FillMethod[] {
  return info && info.methods.length > 0 ? info.methods : ['patchmatch'];
}

/** Samplers the chosen model can run: RePaint needs an unconditional model, the others any. */
export function availableSamplers(info: AppInfo | null, model: string | null): readonly SamplerName[] {
  const m = info?.models.find((x) => x.id === (model ?? info.defaultModel));
  return SAMPLERS.filter((s) => s !== 'repaint' || m?.kind === 'unconditional');
}

export function defaultFillParams(info: AppInfo | null): FillParams {
  const methods = availableMethods(info);
  const method = info && methods.includes(info.defaultMethod) ? info.defaultMethod : methods[0]!;
  return {
    method, model: info?.defaultModel ?? null, sampler: null, steps: null,
    samples: Math.min(DEFAULT_SAMPLES, maxSamples(info)), seed: 0, strength: null, feather: 4,
  };
}

function clampInt(value: number, lo: number, hi: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(hi, Math.max(lo, Math.round(value)));
}

export function updateFillParams(params: FillParams, input: FillParamsInput, info: AppInfo | null): FillParams {
  switch (input.type) {
    case 'method': {
      const method = availableMethods(info).find((m) => m === input.value);
      return method ? { ...params, method } : params;
    }
    case 'model': {
      const model = info?.models.find((m) => m.id === input.value);
      if (!model) return params;
      const sampler = params.sampler && availableSamplers(info, model.id).includes(params.sampler) ? params.sampler : null;
      return { ...params, model: model.id, sampler };
    }
    case 'sampler': {
      if (input.value === '') return { ...params, sampler: null };
      const sampler = availableSamplers(info, params.model).find((s) => s === input.value);
      return sampler ? { ...params, sampler } : params;
    }
    case 'samples':
      return { ...params, samples: clampInt(input.value, 1, maxSamples(info), params.samples) };
    case 'seed':
      return { ...params, seed: clampInt(input.value, 0, MAX_SEED, params.seed) };
    case 'feather':
      return { ...params, feather: clampInt(input.value, 0, MAX_FEATHER, params.feather) };
    case 'steps':
      return { ...params, steps: input.value === null || !Number.isFinite(input.value) ? null : clampInt(input.value, 1, MAX_STEPS, 1) };
    case 'strength':
      return { ...params, strength: input.value === null || !Number.isFinite(input.value) ? null : Math.min(1, Math.max(0, input.value)) };
  }
}

/**
 * The last-used parameters, re-validated against what this service offers
 * now (a model may have been removed): each stored field goes through the
 * same update as a user edit, so nothing invalid survives.
 */
export function restoreFillParams(stored: string | null, info: AppInfo | null): FillParams {
  let params = defaultFillParams(info);
  if (!stored) return params;
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return params;
  }
  if (raw === null || typeof raw !== 'object') return params;
  const r = raw as Record<string, unknown>;
  const str = (k: string): string | null => (typeof r[k] === 'string' ? (r[k] as string) : null);
  const num = (k: string): number | null => (typeof r[k] === 'number' ? (r[k] as number) : null);
  const steps: FillParamsInput[] = [];
  if (str('method')) steps.push({ type: 'method', value: str('method')! });
  if (str('model')) steps.push({ type: 'model', value: str('model')! });
  if (str('sampler')) steps.push({ type: 'sampler', value: str('sampler')! });
  for (const k of ['samples', 'seed', 'feather'] as const) if (num(k) !== null) steps.push({ type: k, value: num(k)! });
  for (const k of ['steps', 'strength'] as const) if (k in r && (r[k] === null || num(k) !== null)) steps.push({ type: k, value: num(k) });
  for (const s of steps) params = updateFillParams(params, s, info);
  return params;
}

/** The `params` of a `jobs.inpaint` request; the service fills in method-specific defaults. */
export function toInpaintParams(params: FillParams): Partial<InpaintParams> & Pick<InpaintParams, 'method' | 'samples' | 'seed' | 'grow' | 'feather'> {
  const base = { method: params.method, samples: params.samples, seed: params.seed, grow: 0, feather: params.feather };
  if (params.method !== 'diffusion') return base;
  return {
    ...base,
    ...(params.model !== null ? { model: params.model } : {}),
    ...(params.sampler !== null ? { sampler: params.sampler } : {}),
    ...(params.steps !== null ? { steps: params.steps } : {}),
    ...(params.strength !== null ? { strength: params.strength } : {}),
  };
}
