import { describe, expect, it } from 'vitest';
import { mulberry32 } from './masks';
import { compareSpectra, fft, fft2d, radialPowerSpectrum } from './spectrum';
import { blurInside, rectMask, texturedImage } from './testImages';

function naiveDft(re: number[], im: number[]): [number[], number[]] {
  const n = re.length;
  const outRe: number[] = [], outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe.push(sr); outIm.push(si);
  }
  return [outRe, outIm];
}

describe('FFT and radial spectrum', () => {
  it('the FFT equals the DFT definition', () => {
    const rand = mulberry32(3);
    const re = Array.from({ length: 16 }, () => rand() - 0.5), im = Array.from({ length: 16 }, () => rand() - 0.5);
    const [er, ei] = naiveDft(re, im);
    const fr = Float64Array.from(re), fi = Float64Array.from(im);
    fft(fr, fi);
    for (let k = 0; k < 16; k++) { expect(fr[k]).toBeCloseTo(er[k]!, 12); expect(fi[k]).toBeCloseTo(ei[k]!, 12); }
  });

  it('the 2-D FFT of a separable product is the product of 1-D DFTs', () => {
    const a = [1, 2, -1, 0.5], b = [0.3, -2, 1, 4, 0, 1, -1, 2];
    const re = new Float64Array(32), im = new Float64Array(32);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 8; c++) re[r * 8 + c] = a[r]! * b[c]!;
    fft2d(re, im, 4, 8);
    const [ar, ai] = naiveDft(a, [0, 0, 0, 0]), [br, bi] = naiveDft(b, new Array(8).fill(0));
    for (let r = 0; r < 4; r++) for (let c = 0; c < 8; c++) {
      expect(re[r * 8 + c]).toBeCloseTo(ar[r]! * br[c]! - ai[r]! * bi[c]!, 10);
      expect(im[r * 8 + c]).toBeCloseTo(ar[r]! * bi[c]! + ai[r]! * br[c]!, 10);
    }
  });

  it('a cosine of 0.2 cycles/px puts its power in the bin holding 0.2', () => {
    const w = 64, h = 64, bins = 16;
    const v = new Float64Array(w * h), win = new Float64Array(w * h).fill(1);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) v[y * w + x] = Math.cos(2 * Math.PI * 0.2 * x);
    const p = radialPowerSpectrum(v, win, w, h, bins);
    const peak = p.indexOf(Math.max(...p));
    expect(peak).toBe(Math.floor((0.2 / 0.5) * bins));
  });

  it('an exact fill compares at 0 dB; a blurry one loses high frequencies', () => {
    const w = 96, h = 80;
    const photo = texturedImage(w, h);
    const mask = rectMask(w, h, 20, 16, 48, 40);
    const same = compareSpectra(photo, photo, mask);
    expect(Math.abs(same.highDb)).toBeLessThan(1e-9);
    const blurry = compareSpectra(photo, blurInside(photo, mask, 3), mask);
    expect(blurry.highDb).toBeLessThan(-10);
    expect(blurry.highDb).toBeLessThan(blurry.lowDb - 5);
  });
});
