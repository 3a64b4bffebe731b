import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/errors';
import { patchMatchFill } from './patchMatchFill';
import {
  applyFill,
  discMask,
  errorInsideMask,
  linearGradient,
  randomNoise,
  rectMask,
  tiledRandomTexture,
} from './testImages';
import type { PixelImage } from './types';

function expectStudioError(fn: () => unknown, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(StudioError);
  expect((caught as StudioError).code).toBe(code);
  if (message) expect((caught as StudioError).message).toMatch(message);
}

/** Value depends on 0.6x + 0.4y only: every iso-line crosses the hole, so exact source patches exist. */
function diagonalGradient(width: number, height: number): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 0.6 * x + 0.4 * y;
      const o = (y * width + x) * 3;
      data[o] = Math.round(30 + v);
      data[o + 1] = Math.round(200 - 0.5 * v);
      data[o + 2] = Math.round(80 + 0.3 * v);
    }
  }
  return { data, width, height, channels: 3 };
}

describe('patchMatchFill against known ground truth', () => {
  it('fills a hole in a periodic random texture exactly (RGB, several seeds)', () => {
    // A 12 px random tile repeated: the true content of every hole patch exists
    // outside the hole, so a converged fill equals the ground truth. Bound: mean
    // absolute error < 0.5 levels and >= 99 % of hole values exact.
    for (const seed of [0, 1, 2]) {
      const image = tiledRandomTexture(160, 128, 12, 3, seed + 1);
      const mask = discMask(160, 128, 80, 64, 22);
      const result = patchMatchFill(image, mask, { seed });
      const filled = applyFill(image, result.region, result.data);
      const err = errorInsideMask(filled, image, mask);
      expect(err.mean).toBeLessThan(0.5);
      let exact = 0, total = 0;
      for (let i = 0; i < mask.length; i++) {
        if (mask[i]! <= 127) continue;
        for (let c = 0; c < 3; c++, total++) if (filled.data[i * 3 + c] === image.data[i * 3 + c]) exact++;
      }
      expect(exact / total).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('fills a rectangular hole in an RGBA periodic texture and a hole on the frame edge', () => {
    const rgba = tiledRandomTexture(160, 128, 10, 4, 3);
    const inner = rectMask(160, 128, 60, 50, 30, 25);
    const a = patchMatchFill(rgba, inner, { seed: 4 });
    expect(errorInsideMask(applyFill(rgba, a.region, a.data), rgba, inner).mean).toBeLessThan(0.5);
    const rgb = tiledRandomTexture(160, 128, 12, 3, 5);
    const edge = rectMask(160, 128, 60, 0, 30, 25); // touches the top border
    const b = patchMatchFill(rgb, edge, { seed: 4 });
    expect(b.region).toEqual({ x: 60, y: 0, width: 30, height: 25 });
    expect(errorInsideMask(applyFill(rgb, b.region, b.data), rgb, edge).mean).toBeLessThan(0.5);
  });

  it('fills a hole in a linear gradient close to the gradient', () => {
    // Bound: mean absolute error <= 0.5 and max <= 3 levels (the gradient is 0.72 levels/px).
    const image = diagonalGradient(200, 160);
    const mask = discMask(200, 160, 100, 80, 30);
    const result = patchMatchFill(image, mask, { seed: 9 });
    const err = errorInsideMask(applyFill(image, result.region, result.data), image, mask);
    expect(err.mean).toBeLessThanOrEqual(0.5);
    expect(err.max).toBeLessThanOrEqual(3);
  });

  it('fills a dust spot in a 2-D colour gradient close to the gradient (boundary offset matching)', () => {
    // R follows x, G follows y, B follows x + y: no source patch has exactly the
    // right colours, so this relies on the boundary offset correction.
    // Bound: mean absolute error <= 1 level, max <= 4 (measured 0.72 / 3).
    const image = linearGradient(300, 240);
    const mask = discMask(300, 240, 150, 120, 6);
    const result = patchMatchFill(image, mask, { seed: 1 });
    const err = errorInsideMask(applyFill(image, result.region, result.data), image, mask);
    expect(err.mean).toBeLessThanOrEqual(1);
    expect(err.max).toBeLessThanOrEqual(4);
  });

  it('fills a hole inside one of two textures with that texture, not the other', () => {
    // Left half: reddish noise, right half: bluish noise; a hole well inside the left half.
    const w = 200, h = 120;
    const noise = randomNoise(w, h, 3, 11);
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const left = i % w < w / 2;
      const n = noise.data[i * 3]! >> 3; // 0..31
      data[i * 3] = left ? 180 + n : 20 + n;
      data[i * 3 + 1] = 60 + n;
      data[i * 3 + 2] = left ? 20 + n : 180 + n;
    }
    const image = { data, width: w, height: h, channels: 3 };
    const mask = discMask(w, h, 45, 60, 18);
    const result = patchMatchFill(image, mask, { seed: 1 });
    const filled = applyFill(image, result.region, result.data);
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]! > 127) expect(filled.data[i * 3]!).toBeGreaterThan(filled.data[i * 3 + 2]!);
    }
  });
});

describe('patchMatchFill guarantees', () => {
  it('returns the mask bounding box and leaves every pixel outside the mask byte-identical', () => {
    const image = randomNoise(150, 100, 3, 2);
    const mask = new Uint8Array(150 * 100);
    // Two far-apart holes plus soft mask values on both sides of the 127 threshold.
    mask.set(discMask(150, 100, 30, 30, 8));
    const second = discMask(150, 100, 120, 70, 10);
    for (let i = 0; i < mask.length; i++) if (second[i]) mask[i] = 200;
    mask[50 * 150 + 75] = 127; // not a hole
    mask[51 * 150 + 75] = 128; // a hole
    const result = patchMatchFill(image, mask, { seed: 3 });
    // Discs span x 22..38 and 110..130, y 22..38 and 60..80.
    expect(result.region).toEqual({ x: 22, y: 22, width: 109, height: 59 });
    const { x, y, width, height } = result.region;
    let changedInside = 0;
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) {
        const p = (y + j) * 150 + (x + i);
        for (let c = 0; c < 3; c++) {
          const got = result.data[(j * width + i) * 3 + c];
          if (mask[p]! <= 127) expect(got).toBe(image.data[p * 3 + c]);
          else if (got !== image.data[p * 3 + c]) changedInside++;
        }
      }
    }
    expect(changedInside).toBeGreaterThan(0);
  });

  it('never takes patches from the exclusion mask', () => {
    // The hole sits in a magenta square that is excluded; magenta exists nowhere else.
    const w = 180, h = 140;
    const noise = randomNoise(w, h, 3, 7);
    const data = new Uint8Array(w * h * 3);
    const exclusion = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const inSquare = x >= 40 && x < 110 && y >= 30 && y < 100;
        const n = noise.data[i * 3]! >> 2; // 0..63
        data[i * 3] = inSquare ? 255 - (n >> 2) : 40 + n;
        data[i * 3 + 1] = inSquare ? n >> 2 : 120 + n;
        data[i * 3 + 2] = inSquare ? 255 - (n >> 2) : 40 + n;
        if (inSquare) exclusion[i] = 255;
      }
    }
    const image = { data, width: w, height: h, channels: 3 };
    const mask = discMask(w, h, 75, 65, 15);
    const isMagenta = (r: number, g: number, b: number): boolean => r > 200 && g < 60 && b > 200;
    // Control: without the exclusion the fill is magenta (so the check below has teeth).
    const control = patchMatchFill(image, mask, { seed: 2 });
    let controlMagenta = 0;
    for (let i = 0; i < control.data.length; i += 3) {
      if (isMagenta(control.data[i]!, control.data[i + 1]!, control.data[i + 2]!)) controlMagenta++;
    }
    expect(controlMagenta).toBeGreaterThan(0);
    const result = patchMatchFill(image, mask, { seed: 2, exclusion });
    const filled = applyFill(image, result.region, result.data);
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]! <= 127) continue;
      expect(isMagenta(filled.data[i * 3]!, filled.data[i * 3 + 1]!, filled.data[i * 3 + 2]!)).toBe(false);
    }
  });

  it('gives bit-identical output for the same seed and a different fill for another seed', () => {
    const image = randomNoise(120, 90, 3, 8);
    const mask = discMask(120, 90, 60, 45, 12);
    const a = patchMatchFill(image, mask, { seed: 1234 });
    const b = patchMatchFill(image, mask, { seed: 1234 });
    const c = patchMatchFill(image, mask, { seed: 99 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
  });

  it('writes 16-bit values through the final vote, keeping low bits the 8-bit data lacks', () => {
    // 16-bit texture: high byte is the 8-bit tile, low byte an independent tile
    // with the same period, so only a true 16-bit vote can reproduce it.
    const w = 160, h = 128;
    const high = tiledRandomTexture(w, h, 12, 3, 21);
    const low = tiledRandomTexture(w, h, 12, 3, 22);
    const values16 = new Uint16Array(w * h * 3);
    for (let i = 0; i < values16.length; i++) values16[i] = high.data[i]! * 256 + low.data[i]!;
    const mask = discMask(w, h, 80, 64, 20);
    const result = patchMatchFill(high, mask, { seed: 5, values16 });
    expect(result.data16).toBeInstanceOf(Uint16Array);
    const { x, y, width, height } = result.region;
    let sumErr = 0, n = 0, lowBitsMatch = 0;
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) {
        const p = (y + j) * w + (x + i);
        for (let c = 0; c < 3; c++) {
          const got = result.data16![(j * width + i) * 3 + c]!;
          const want = values16[p * 3 + c]!;
          if (mask[p]! <= 127) {
            expect(got).toBe(want);
            continue;
          }
          sumErr += Math.abs(got - want);
          n++;
          if ((got & 255) === (want & 255)) lowBitsMatch++;
          // 8-bit and 16-bit outputs come from the same field.
          expect(Math.abs((got >> 8) - result.data[(j * width + i) * 3 + c]!)).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(sumErr / n).toBeLessThan(0.5 * 256);
    expect(lowBitsMatch / n).toBeGreaterThan(0.98);
  });

  it('lets a guide image steer the fill', () => {
    // Grey-green texture with a red area inside the hole's context crop (but
    // not touching the hole); the guide says "red" inside the hole.
    const w = 180, h = 120;
    const noise = randomNoise(w, h, 3, 12);
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const x = i % w, y = (i - x) / w;
      const red = x >= 100 && y >= 20 && y < 100;
      const n = noise.data[i * 3]! >> 3;
      data[i * 3] = red ? 200 + n : 60 + n;
      data[i * 3 + 1] = red ? 30 + n : 110 + n;
      data[i * 3 + 2] = 50 + n;
    }
    const image = { data, width: w, height: h, channels: 3 };
    const mask = discMask(w, h, 55, 60, 16);
    const guideData = data.slice();
    for (let i = 0; i < w * h; i++) {
      if (mask[i]) {
        guideData[i * 3] = 210;
        guideData[i * 3 + 1] = 40;
        guideData[i * 3 + 2] = 55;
      }
    }
    const guide = { data: guideData, width: w, height: h, channels: 3 };
    const redFraction = (result: ReturnType<typeof patchMatchFill>): number => {
      const filled = applyFill(image, result.region, result.data);
      let red = 0, n = 0;
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        n++;
        if (filled.data[i * 3]! > filled.data[i * 3 + 1]! + 80) red++;
      }
      return red / n;
    };
    expect(redFraction(patchMatchFill(image, mask, { seed: 1 }))).toBeLessThan(0.05);
    expect(redFraction(patchMatchFill(image, mask, { seed: 1, guide, guideWeight: 4 }))).toBeGreaterThan(0.9);
  });

  it('reports monotonic progress up to 1 and stops with CANCELLED when asked', () => {
    const image = randomNoise(160, 120, 3, 4);
    const mask = discMask(160, 120, 80, 60, 25);
    const seen: number[] = [];
    patchMatchFill(image, mask, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(1);

    let polls = 0;
    let lastProgress = 0;
    expectStudioError(
      () =>
        patchMatchFill(image, mask, {
          shouldStop: () => ++polls > 3,
          onProgress: (f) => (lastProgress = f),
        }),
      'CANCELLED',
    );
    expect(lastProgress).toBeLessThan(1);
    expectStudioError(() => patchMatchFill(image, mask, { shouldStop: () => true }), 'CANCELLED');
  });
});

describe('patchMatchFill rejects bad inputs with clear errors', () => {
  const image = randomNoise(40, 30, 3, 1);
  const mask = discMask(40, 30, 20, 15, 4);

  it('mask size mismatch', () => {
    expectStudioError(() => patchMatchFill(image, new Uint8Array(40 * 29).fill(255)), 'MASK_SIZE_MISMATCH', /1160 pixels.*40x30/);
    expectStudioError(() => patchMatchFill(image, mask, { exclusion: new Uint8Array(10) }), 'MASK_SIZE_MISMATCH', /exclusion/);
  });

  it('empty and full masks', () => {
    expectStudioError(() => patchMatchFill(image, new Uint8Array(40 * 30)), 'MASK_EMPTY');
    expectStudioError(() => patchMatchFill(image, new Uint8Array(40 * 30).fill(127)), 'MASK_EMPTY');
    expectStudioError(() => patchMatchFill(image, new Uint8Array(40 * 30).fill(255)), 'MASK_FULL');
    expectStudioError(
      () => patchMatchFill(image, mask, { exclusion: new Uint8Array(40 * 30).fill(255) }),
      'BAD_MASK',
      /exclusion/,
    );
  });

  it('channel counts other than 3 or 4, and inconsistent sizes', () => {
    for (const channels of [1, 2, 5]) {
      const bad = { data: new Uint8Array(40 * 30 * channels), width: 40, height: 30, channels };
      expectStudioError(() => patchMatchFill(bad, mask), 'UNSUPPORTED_FORMAT', new RegExp(`${channels} channels`));
    }
    expectStudioError(() => patchMatchFill({ ...image, data: image.data.subarray(1) }, mask), 'BAD_REQUEST', /3599 bytes/);
    expectStudioError(() => patchMatchFill({ ...image, width: 0 }, mask), 'BAD_REQUEST');
    expectStudioError(() => patchMatchFill(image, mask, { patchSize: 6 }), 'BAD_REQUEST', /odd/);
    expectStudioError(() => patchMatchFill(image, mask, { seed: -1 }), 'BAD_REQUEST', /seed/);
    expectStudioError(() => patchMatchFill(image, mask, { values16: new Uint16Array(5) }), 'BAD_REQUEST', /values16/);
    expectStudioError(() => patchMatchFill(image, mask, { guide: randomNoise(41, 30) }), 'BAD_REQUEST', /guide/);
    expectStudioError(() => patchMatchFill(image, mask, { guideWeight: 2 }), 'BAD_REQUEST', /guide/);
  });
});
