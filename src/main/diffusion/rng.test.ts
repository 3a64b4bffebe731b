import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GaussianRng, ln, sampleSeed, sinCosTurns } from './rng';

// Written by training/write_rng_fixture.py from the Python implementation.
interface RngFixture {
  cases: { seed: number; uint32: number[]; doubles: number[]; normals: number[] }[];
  hash: { seed: number; count: number; sha256: string; first: number[]; last: number[] };
  ln: [number, number][];
  sinCosTurns: [number, number, number][];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/rng.json', import.meta.url), 'utf8'),
) as RngFixture;

/** Bit-exact comparison that also distinguishes −0 from +0. */
function expectSameDouble(actual: number, expected: number, what: string): void {
  expect(Object.is(actual, expected), `${what}: got ${actual}, Python wrote ${expected}`).toBe(true);
}

describe('GaussianRng matches the Python reference bit for bit', () => {
  for (const c of fixture.cases) {
    it(`seed ${c.seed}: uint32, doubles and normals`, () => {
      let g = new GaussianRng(c.seed);
      expect(c.uint32.map(() => g.nextUint32())).toEqual(c.uint32);
      g = new GaussianRng(c.seed);
      c.doubles.forEach((d, i) => expectSameDouble(g.nextDouble(), d, `double ${i}`));
      g = new GaussianRng(c.seed);
      c.normals.forEach((n, i) => expectSameDouble(g.nextNormal(), n, `normal ${i}`));
    });
  }

  it('one million float32 normals hash to the Python sha256', () => {
    const { seed, count, sha256, first, last } = fixture.hash;
    const out = new GaussianRng(seed).fillNormal(new Float32Array(count));
    first.forEach((v, i) => expectSameDouble(out[i]!, v, `first[${i}]`));
    last.forEach((v, i) => expectSameDouble(out[count - last.length + i]!, v, `last[${i}]`));
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // little endian on every supported platform
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
  });

  it('hand-written ln and sin/cos agree with Python exactly', () => {
    for (const [x, y] of fixture.ln) expectSameDouble(ln(x), y, `ln(${x})`);
    for (const [u, s, c] of fixture.sinCosTurns) {
      const [s2, c2] = sinCosTurns(u);
      expectSameDouble(s2, s, `sin(2π·${u})`);
      expectSameDouble(c2, c, `cos(2π·${u})`);
    }
  });
});

describe('GaussianRng behaviour', () => {
  it('fillNormal continues the nextNormal stream, including a cached half pair', () => {
    const a = new GaussianRng(7);
    const expected = Float32Array.from({ length: 9 }, () => a.nextNormal());
    const b = new GaussianRng(7);
    const head = b.fillNormal(new Float32Array(3));
    const tail = b.fillNormal(new Float32Array(6));
    expect([...head, ...tail]).toEqual([...expected]);
  });

  it('doubles lie in [0, 1)', () => {
    const g = new GaussianRng(99);
    for (let i = 0; i < 10000; i++) {
      const u = g.nextDouble();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('rejects seeds that are not unsigned 32-bit integers', () => {
    for (const bad of [-1, 4294967296, 1.5, Number.NaN, Infinity]) {
      expect(() => new GaussianRng(bad)).toThrow(/unsigned 32-bit/);
    }
    expect(() => new GaussianRng(0)).not.toThrow();
    expect(() => new GaussianRng(4294967295)).not.toThrow();
  });

  it('per-sample seeds wrap modulo 2^32', () => {
    expect(sampleSeed(4294967295, 1)).toBe(0);
    expect(sampleSeed(10, 3)).toBe(13);
  });

  it('ln rejects non-positive arguments', () => {
    expect(() => ln(0)).toThrow(RangeError);
    expect(() => ln(-1)).toThrow(RangeError);
  });
});

describe('fillNormal, however the buffer is cut', () => {
  it('gives the nextNormal stream for every split into pieces of 0 to 11 values', () => {
    const lengths = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3, 1, 4, 0, 7, 2];
    const total = lengths.reduce((a, b) => a + b, 0);
    const ref = new GaussianRng(2026);
    const expected = Float32Array.from({ length: total }, () => ref.nextNormal());
    const g = new GaussianRng(2026);
    const got: number[] = [];
    for (const n of lengths) got.push(...g.fillNormal(new Float32Array(n)));
    expect(got).toEqual(Array.from(expected));
    // and the generator goes on where nextNormal would
    expect(g.nextNormal()).toBe(ref.nextNormal());
  });
});
