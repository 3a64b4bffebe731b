/**
 * The shared noise generator. docs/rng.md is the specification; the Python twin
 * is training/inpaint_training/rng.py and both produce bit-identical values
 * (src/main/diffusion/fixtures/rng.json, written by Python, proves it).
 *
 * xoshiro128** seeded by splitmix32; doubles from 53 bits of two draws;
 * Box–Muller normals. ln/sin/cos are computed here with only + − × ÷ and sqrt
 * (IEEE-exact everywhere) in a fixed order, because Math.log/sin/cos may differ
 * from glibc by an ulp.
 *
 * Pure: no Node, Electron or DOM imports.
 */

const SQRT_HALF = 0.7071067811865476;
// fdlibm's split of ln 2: LN2_HI has trailing zero bits, so e * LN2_HI is exact.
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const PI_OVER_4 = 0.7853981633974483;
const TWO_POW_54 = 18014398509481984;

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f = f * i; // exact in float64 up to 22!
  return f;
}

/** 1/(2k+1), k = 0..12: atanh series coefficients. */
const ATANH_COEFFS: readonly number[] = Array.from({ length: 13 }, (_, k) => 1 / (2 * k + 1));
/** (−1)^k/(2k+1)!, k = 1..9: c3..c19. */
const SIN_COEFFS: readonly number[] = Array.from({ length: 9 }, (_, i) => {
  const k = i + 1;
  return (k % 2 === 0 ? 1 : -1) / factorial(2 * k + 1);
});
/** (−1)^k/(2k)!, k = 1..10: c2..c20. */
const COS_COEFFS: readonly number[] = Array.from({ length: 10 }, (_, i) => {
  const k = i + 1;
  return (k % 2 === 0 ? 1 : -1) / factorial(2 * k);
});

const bitView = new DataView(new ArrayBuffer(8));

/** x = m·2^e with m in [0.5, 1), exactly (like C frexp) for positive finite x. */
function frexp(x: number): [number, number] {
  let extra = 0;
  bitView.setFloat64(0, x, true);
  let hi = bitView.getUint32(4, true);
  if ((hi >>> 20) === 0) {
    // subnormal: scale into the normal range first (exact)
    x = x * TWO_POW_54;
    extra = -54;
    bitView.setFloat64(0, x, true);
    hi = bitView.getUint32(4, true);
  }
  const biased = (hi >>> 20) & 0x7ff;
  bitView.setUint32(4, (hi & 0x800fffff) | (1022 << 20), true);
  return [bitView.getFloat64(0, true), biased - 1022 + extra];
}

/** Natural log of a positive finite number; same operation order as rng.py's ln. */
export function ln(x: number): number {
  if (!(x > 0) || x === Infinity) throw new RangeError(`ln: argument must be positive and finite, got ${x}`);
  let [m, e] = frexp(x);
  if (m < SQRT_HALF) {
    m = m * 2;
    e = e - 1;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let p = ATANH_COEFFS[ATANH_COEFFS.length - 1]!;
  for (let k = ATANH_COEFFS.length - 2; k >= 0; k--) p = p * z + ATANH_COEFFS[k]!;
  const lnM = 2 * s * p;
  return e * LN2_HI + (lnM + e * LN2_LO);
}

/**
 * [sin 2πu, cos 2πu] for u in [0, 1) a multiple of 2^−53. v = 8u is exact,
 * j = floor((v+1)/2) is the nearest quadrant and r = v − 2j in [−1, 1) is exact.
 */
export function sinCosTurns(u: number): [number, number] {
  const v = u * 8;
  const j = Math.floor((v + 1) / 2);
  const r = v - 2 * j;
  const phi = r * PI_OVER_4;
  const z = phi * phi;
  let p = SIN_COEFFS[SIN_COEFFS.length - 1]!;
  for (let k = SIN_COEFFS.length - 2; k >= 0; k--) p = p * z + SIN_COEFFS[k]!;
  const s = phi + phi * (z * p);
  p = COS_COEFFS[COS_COEFFS.length - 1]!;
  for (let k = COS_COEFFS.length - 2; k >= 0; k--) p = p * z + COS_COEFFS[k]!;
  const c = 1 + z * p;
  switch (j & 3) {
    case 0:
      return [s, c];
    case 1:
      return [c, -s];
    case 2:
      return [-s, -c];
    default:
      return [-c, s];
  }
}

function checkSeed(seed: number): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an unsigned 32-bit integer in [0, 4294967295], got ${String(seed)}`);
  }
  return seed;
}

/** Seed of sample `index` in a batch: (seed + index) mod 2^32. */
export function sampleSeed(seed: number, index: number): number {
  return (checkSeed(seed) + index) >>> 0;
}

export class GaussianRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private cached: number | null = null;

  constructor(seed: number) {
    let x = checkSeed(seed);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      z = (z ^ (z >>> 16)) >>> 0;
      words.push(z);
    }
    if (!words.some((w) => w !== 0)) words[0] = 0x9e3779b9; // impossible for splitmix32; guarded anyway
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
  }

  /** xoshiro128**: the next unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const m5 = Math.imul(s1, 5);
    const result = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A double in [0, 1) from 53 bits: 27 from the first draw, 26 from the second. */
  nextDouble(): number {
    const a = this.nextUint32();
    const b = this.nextUint32();
    return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
  }

  /** Standard normal (Box–Muller); r·cos θ first, r·sin θ on the next call. */
  nextNormal(): number {
    if (this.cached !== null) {
      const v = this.cached;
      this.cached = null;
      return v;
    }
    const u1 = this.nextDouble();
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * ln(1 - u1));
    const [s, c] = sinCosTurns(u2);
    this.cached = r * s;
    return r * c;
  }

  /** Fills `out` in index order with normals rounded to float32; returns `out`. */
  fillNormal(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.nextNormal();
    return out;
  }
}
