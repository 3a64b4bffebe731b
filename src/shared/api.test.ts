import { describe, expect, it } from 'vitest';
import { METHODS, inpaintParamsSchema, isMethod, requestSchemas } from './api';

describe('contract validation', () => {
  it('fills inpaint defaults and enforces limits', () => {
    expect(inpaintParamsSchema.parse({})).toEqual({
      method: 'patchmatch', samples: 1, seed: 0, grow: 0, feather: 0, model: null, sampler: null, steps: null, strength: null,
    });
    expect(inpaintParamsSchema.safeParse({ samples: 17 }).success).toBe(false);
    expect(inpaintParamsSchema.safeParse({ samples: 0 }).success).toBe(false);
    expect(inpaintParamsSchema.safeParse({ seed: 2 ** 32 }).success).toBe(false);
    expect(inpaintParamsSchema.safeParse({ seed: 1.5 }).success).toBe(false);
    expect(inpaintParamsSchema.safeParse({ strength: 1.2 }).success).toBe(false);
    expect(inpaintParamsSchema.safeParse({ method: 'magic' }).success).toBe(false);
    expect(inpaintParamsSchema.safeParse({ sampler: 'repaint', steps: 250 }).success).toBe(true);
  });

  it('rejects unknown fields, paths in file names and non-byte payloads', () => {
    const imp = requestSchemas['images.import'];
    expect(imp.safeParse({ fileName: 'a.jpg', bytes: new Uint8Array([1]) }).success).toBe(true);
    expect(imp.safeParse({ fileName: 'dir/a.jpg', bytes: new Uint8Array([1]) }).success).toBe(false);
    expect(imp.safeParse({ fileName: '..\\a.jpg', bytes: new Uint8Array([1]) }).success).toBe(false);
    expect(imp.safeParse({ fileName: 'a.jpg', bytes: [1, 2, 3] }).success).toBe(false);
    expect(imp.safeParse({ fileName: 'a.jpg', bytes: new Uint8Array([1]), path: '/etc/passwd' }).success).toBe(false);
    expect(requestSchemas['projects.get'].safeParse({ projectId: 0 }).success).toBe(false);
    expect(requestSchemas['projects.get'].safeParse({ projectId: '1' }).success).toBe(false);
  });

  it('knows exactly its methods', () => {
    expect(METHODS).toContain('jobs.inpaint');
    expect(isMethod('jobs.inpaint')).toBe(true);
    expect(isMethod('constructor')).toBe(false);
    expect(isMethod('__proto__')).toBe(false);
  });
});
