import { describe, expect, it } from 'vitest';
import { MASK_FAMILIES, generateMask } from './masks';

function coverage(m: Uint8Array): number {
  let n = 0;
  for (const v of m) if (v) n++;
  return n / m.length;
}

/** Mask pixels with a 4-neighbour outside the mask, ÷ mask pixels: high for thin shapes. */
function edgeFraction(m: Uint8Array, w: number, h: number): number {
  let edge = 0, inside = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!m[y * w + x]) continue;
    inside++;
    const out = (xx: number, yy: number) => xx >= 0 && yy >= 0 && xx < w && yy < h && !m[yy * w + xx];
    if (out(x - 1, y) || out(x + 1, y) || out(x, y - 1) || out(x, y + 1)) edge++;
  }
  return edge / inside;
}

describe('mask families', () => {
  const w = 300, h = 200;

  it('are deterministic from the seed, differ between seeds, and are binary', () => {
    for (const family of MASK_FAMILIES) {
      const a = generateMask(family, w, h, 7);
      expect(generateMask(family, w, h, 7)).toEqual(a);
      expect(a.every((v) => v === 0 || v === 255)).toBe(true);
      if (family !== 'centre') {
        const differs = [8, 9, 10].some((s) => !generateMask(family, w, h, s).every((v, i) => v === a[i]));
        expect(differs).toBe(true);
      }
    }
  });

  it('centre is exactly the middle quarter and half is exactly half', () => {
    const c = generateMask('centre', w, h, 0);
    expect(coverage(c)).toBeCloseTo(0.25, 12);
    expect(c[100 * w + 150]).toBe(255);
    expect(c[0]).toBe(0);
    for (let s = 0; s < 8; s++) expect(coverage(generateMask('half', w, h, s))).toBeCloseTo(0.5, 12);
  });

  it('keeps each family in its size range over many seeds; thin strokes are thin', () => {
    for (let s = 0; s < 10; s++) {
      const thick = generateMask('thick', w, h, s), thin = generateMask('thin', w, h, s), box = generateMask('box', w, h, s);
      expect(coverage(thick)).toBeGreaterThan(0.03);
      expect(coverage(thick)).toBeLessThan(0.6);
      expect(coverage(thin)).toBeGreaterThan(0.003);
      expect(coverage(thin)).toBeLessThan(0.12);
      expect(coverage(box)).toBeGreaterThan(0.01);
      expect(coverage(box)).toBeLessThan(0.3);
      expect(edgeFraction(thin, w, h)).toBeGreaterThan(2 * edgeFraction(thick, w, h));
    }
  });

  it('rejects sizes too small to mean anything', () => {
    expect(() => generateMask('box', 4, 100, 0)).toThrow(/at least 8/);
  });
});
