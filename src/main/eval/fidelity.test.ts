import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diversity, l1OfMean, maskedL1, maskedPsnr, maskedSsim, outsideChange, ssimGlobal, uniformFilter, type Rgb8 } from './fidelity';

interface Case { width: number; height: number; a: number[]; b: number[]; mask: number[]; l1: number; psnr: number; ssimGlobal: number; ssimMasked: number }
const reference = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'metrics-reference.json'), 'utf8')) as { cases: Case[] };

function img(width: number, height: number, values: ArrayLike<number>): Rgb8 {
  return { width, height, data: Uint8Array.from(values) };
}

describe('fidelity metrics against scikit-image (fixtures written by tools/eval/make_metric_fixtures.py)', () => {
  for (const [k, c] of reference.cases.entries()) {
    const a = img(c.width, c.height, c.a), b = img(c.width, c.height, c.b), mask = Uint8Array.from(c.mask);
    it(`case ${k}: masked L1 and PSNR`, () => {
      expect(maskedL1(a, b, mask)).toBeCloseTo(c.l1, 12);
      expect(maskedPsnr(a, b, mask)).toBeCloseTo(c.psnr, 10);
    });
    it(`case ${k}: SSIM, whole image and mean of the map over the mask`, () => {
      expect(ssimGlobal(a, b)).toBeCloseTo(c.ssimGlobal, 10);
      expect(maskedSsim(a, b, mask)).toBeCloseTo(c.ssimMasked, 10);
    });
  }
});

describe('fidelity metrics, closed forms', () => {
  const w = 10, h = 8;
  const mask = new Uint8Array(w * h);
  for (let y = 2; y < 6; y++) for (let x = 3; x < 8; x++) mask[y * w + x] = 255;
  // Values 20..219, so ±10 never wraps in a Uint8Array.
  const base = img(w, h, Array.from({ length: w * h * 3 }, (_, i) => 20 + ((i * 37) % 200)));
  const shifted = img(w, h, base.data.map((v, i) => (mask[Math.floor(i / 3)]! ? v + 10 : v)));

  it('a constant offset d inside the mask gives L1 = d/255 and PSNR = 20·log10(255/d)', () => {
    expect(maskedL1(base, shifted, mask)).toBeCloseTo(10 / 255, 14);
    expect(maskedPsnr(base, shifted, mask)).toBeCloseTo(20 * Math.log10(255 / 10), 12);
    expect(maskedPsnr(base, base, mask)).toBe(Infinity);
    expect(maskedSsim(base, base, mask)).toBeCloseTo(1, 12);
  });

  it('outside change is 0 when only masked pixels differ, and finds a single changed pixel', () => {
    expect(outsideChange(base, shifted, mask)).toEqual({ maxAbs: 0, changedPixels: 0, mse: 0 });
    const leaked = img(w, h, shifted.data);
    leaked.data[(0 * w + 0) * 3 + 1] = leaked.data[1]! + 7;
    const o = outsideChange(base, leaked, mask);
    expect(o.maxAbs).toBe(7);
    expect(o.changedPixels).toBe(1);
    expect(o.mse).toBeCloseTo(49 / ((w * h - 20) * 3), 14);
  });

  it('diversity is the mean pairwise L1 and the mean of samples can beat each sample', () => {
    const minus = img(w, h, base.data.map((v, i) => (mask[Math.floor(i / 3)]! ? v - 10 : v)));
    // Pairs: (base, shifted) 10, (base, minus) 10, (shifted, minus) 20 → mean 40/3.
    expect(diversity([base, shifted, minus], mask)).toBeCloseTo(40 / 3 / 255, 14);
    expect(diversity([base], mask)).toBe(0);
    // +10 and −10 average to the original exactly: L1 of the mean is 0, each sample's L1 is 10/255.
    expect(l1OfMean([shifted, minus], base, mask)).toBe(0);
  });

  it('the uniform filter reflects at borders like scipy (d c b a | a b c d)', () => {
    const row = Float64Array.from([1, 2, 3, 4]);
    // size 3 on [1 2 3 4] with reflect: [ (1+1+2)/3, 2, 3, (3+4+4)/3 ]
    const out = uniformFilter(row, 4, 1, 3);
    expect(Array.from(out).map((v) => +v.toFixed(12))).toEqual([4 / 3, 2, 3, 11 / 3].map((v) => +v.toFixed(12)));
  });

  it('rejects mismatched sizes with both sizes in the message', () => {
    expect(() => maskedL1(base, img(4, 4, new Uint8Array(48)), mask)).toThrow(/10x8.*4x4/);
  });
});
