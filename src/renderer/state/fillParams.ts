/** The fill parameters the user edits, kept valid against what the service offers (`app.info`). */
import type { AppInfo, FillMethod, InpaintParams } from '../../shared/api';

export const UI_MAX_SAMPLES = 4;
export const MAX_FEATHER = 256;
export const MAX_SEED = 0xffffffff;

export interface FillParams {
  readonly method: FillMethod;
  /** Diffusion model id; null lets the service use its default. */
  readonly model: string | null;
  readonly samples: number;
  readonly seed: number;
  readonly feather: number;
}

export type FillParamsInput =
  | { readonly type: 'method' | 'model'; readonly value: string }
  | { readonly type: 'samples' | 'seed' | 'feather'; readonly value: number };

export function maxSamples(info: AppInfo | null): number {
  return Math.max(1, Math.min(UI_MAX_SAMPLES, info?.maxSamples ?? UI_MAX_SAMPLES));
}

export function availableMethods(info: AppInfo | null): readonly FillMethod[] {
  return info && info.methods.length > 0 ? info.methods : ['patchmatch'];
}

export function defaultFillParams(info: AppInfo | null): FillParams {
  const methods = availableMethods(info);
  const method = info && methods.includes(info.defaultMethod) ? info.defaultMethod : methods[0]!;
  return { method, model: info?.defaultModel ?? null, samples: 1, seed: 0, feather: 4 };
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
      return model ? { ...params, model: model.id } : params;
    }
    case 'samples':
      return { ...params, samples: clampInt(input.value, 1, maxSamples(info), params.samples) };
    case 'seed':
      return { ...params, seed: clampInt(input.value, 0, MAX_SEED, params.seed) };
    case 'feather':
      return { ...params, feather: clampInt(input.value, 0, MAX_FEATHER, params.feather) };
  }
}

/** The `params` of a `jobs.inpaint` request; the service fills in method-specific defaults. */
export function toInpaintParams(params: FillParams): Partial<InpaintParams> & Pick<InpaintParams, 'method' | 'samples' | 'seed' | 'grow' | 'feather'> {
  const base = { method: params.method, samples: params.samples, seed: params.seed, grow: 0, feather: params.feather };
  return params.method === 'diffusion' && params.model !== null ? { ...base, model: params.model } : base;
}
