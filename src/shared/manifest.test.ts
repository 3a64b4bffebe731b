import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKING_EDGE, diffusionManifestSchema, resolveWorkingEdge } from './manifest';

const base = {
  schemaVersion: 1, id: 'm', name: 'M', kind: 'conditional-inpaint', resolution: 32, channels: 3,
  valueRange: [-1, 1], prediction: 'epsilon', varianceType: 'learned-range', schedule: { type: 'cosine', timesteps: 1000 },
  timestepInput: 'original-index', conditioning: { maskedSource: 'zero-fill', maskChannel: 'one-is-hole' },
  inputs: { x: { name: 'x', layout: 'NCHW', channels: 7 }, t: { name: 't', dtype: 'float32' } },
  output: { name: 'out', layout: 'NCHW', channels: 6 }, file: 'model.onnx', sha256: 'a'.repeat(64), licence: 'x',
};

describe('a model\'s working edge', () => {
  it('is optional in the manifest and, when given, a whole number of pixels between 16 and 4096', () => {
    expect(diffusionManifestSchema.safeParse(base).success).toBe(true);
    expect(diffusionManifestSchema.parse({ ...base, workingEdge: 64 }).workingEdge).toBe(64);
    for (const bad of [8, 4097, 64.5, '64']) {
      const r = diffusionManifestSchema.safeParse({ ...base, workingEdge: bad });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['workingEdge']);
    }
  });

  it('resolves as: the caller\'s, else the model\'s, else the default', () => {
    expect(resolveWorkingEdge(96, { workingEdge: 64 })).toBe(96);
    expect(resolveWorkingEdge(undefined, { workingEdge: 64 })).toBe(64);
    expect(resolveWorkingEdge(undefined, {})).toBe(DEFAULT_WORKING_EDGE);
    expect(resolveWorkingEdge(undefined, undefined)).toBe(DEFAULT_WORKING_EDGE);
    expect(DEFAULT_WORKING_EDGE).toBe(128);
  });
});
