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

/**
 * The exponent split of frexp for a positive *normal* double: the biased
 * exponent read through a shared word view, the mantissa by an exact
 * power-of-two scaling; the same m and e as frexp(), without a DataView.
 */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** FREXP_SCALE[b] = 2^(1022 − b) for biased exponents b = 1…2046 (every one exact). */
const FREXP_SCALE = (() => {
  const t = new Float64Array(2047);
  let v = 1;
  for (let b = 1022; b >= 1; b--) { t[b] = v; v *= 2; }
  v = 0.5;
  for (let b = 1023; b <= 2046; b++) { t[b] = v; v /= 2; }
  return t;
})();

/**
 * One Box–Muller pair from two doubles, with exactly the operations (and their
 * order) of ln() and sinCosTurns() above, unrolled: no allocation, no libm.
 * u1, u2 are multiples of 2^−53 in [0, 1), so 1 − u1 ≥ 2^−53 is normal.
 * Returns r·cos θ and leaves r·sin θ in PAIR_SIN[0] (a typed slot: no boxing).
 */
const PAIR_SIN = new Float64Array(1);
function boxMuller(u1: number, u2: number): number {
  // ln(1 − u1)
  const x = 1 - u1;
  F64[0] = x;
  const biased = (U32[HI_WORD]! >>> 20) & 0x7ff;
  let m = x * FREXP_SCALE[biased]!; // exact: a power-of-two scaling into [0.5, 1)
  let e = biased - 1022;
  if (m < SQRT_HALF) {
    m = m * 2;
    e = e - 1;
  }
  const sl = (m - 1) / (m + 1);
  const zl = sl * sl;
  let p = A12;
  p = p * zl + A11; p = p * zl + A10; p = p * zl + A9; p = p * zl + A8; p = p * zl + A7; p = p * zl + A6;
  p = p * zl + A5; p = p * zl + A4; p = p * zl + A3; p = p * zl + A2; p = p * zl + A1; p = p * zl + A0;
  const lnX = e * LN2_HI + (2 * sl * p + e * LN2_LO);
  const r = Math.sqrt(-2 * lnX);
  // sin/cos of 2π·u2
  const v = u2 * 8;
  const j = Math.floor((v + 1) / 2);
  const phi = (v - 2 * j) * PI_OVER_4;
  const z = phi * phi;
  p = S9;
  p = p * z + S8; p = p * z + S7; p = p * z + S6; p = p * z + S5; p = p * z + S4; p = p * z + S3; p = p * z + S2; p = p * z + S1;
  const s = phi + phi * (z * p);
  p = C10;
  p = p * z + C9; p = p * z + C8; p = p * z + C7; p = p * z + C6; p = p * z + C5; p = p * z + C4; p = p * z + C3; p = p * z + C2; p = p * z + C1;
  const c = 1 + z * p;
  switch (j & 3) {
    case 0: PAIR_SIN[0] = r * s; return r * c;
    case 1: PAIR_SIN[0] = r * c; return r * -s;
    case 2: PAIR_SIN[0] = r * -s; return r * -c;
    default: PAIR_SIN[0] = r * -c; return r * s;
  }
}
/**
 * Two independent Box–Muller pairs, their operations interleaved so the CPU
 * overlaps the two dependency chains; each pair's operations and order are
 * those of boxMuller(). Writes [cos₁, sin₁, cos₂, sin₂] (times r) to PAIRS.
 */
const PAIRS = new Float64Array(4);
function boxMuller2(u1: number, u2: number, w1: number, w2: number): void {
  const x = 1 - u1;
  const y = 1 - w1;
  F64[0] = x;
  const bx = (U32[HI_WORD]! >>> 20) & 0x7ff;
  F64[0] = y;
  const by = (U32[HI_WORD]! >>> 20) & 0x7ff;
  let mx = x * FREXP_SCALE[bx]!;
  let my = y * FREXP_SCALE[by]!;
  let ex = bx - 1022;
  let ey = by - 1022;
  if (mx < SQRT_HALF) { mx = mx * 2; ex = ex - 1; }
  if (my < SQRT_HALF) { my = my * 2; ey = ey - 1; }
  const sx = (mx - 1) / (mx + 1);
  const sy = (my - 1) / (my + 1);
  const zx = sx * sx;
  const zy = sy * sy;
  const v1 = u2 * 8;
  const v2 = w2 * 8;
  const j1 = Math.floor((v1 + 1) / 2);
  const j2 = Math.floor((v2 + 1) / 2);
  const phi1 = (v1 - 2 * j1) * PI_OVER_4;
  const phi2 = (v2 - 2 * j2) * PI_OVER_4;
  const q1 = phi1 * phi1;
  const q2 = phi2 * phi2;
  let px = A12, py = A12, ps1 = S9, ps2 = S9, pc1 = C10, pc2 = C10;
  px = px * zx + A11; py = py * zy + A11; ps1 = ps1 * q1 + S8; ps2 = ps2 * q2 + S8; pc1 = pc1 * q1 + C9; pc2 = pc2 * q2 + C9;
  px = px * zx + A10; py = py * zy + A10; ps1 = ps1 * q1 + S7; ps2 = ps2 * q2 + S7; pc1 = pc1 * q1 + C8; pc2 = pc2 * q2 + C8;
  px = px * zx + A9; py = py * zy + A9; ps1 = ps1 * q1 + S6; ps2 = ps2 * q2 + S6; pc1 = pc1 * q1 + C7; pc2 = pc2 * q2 + C7;
  px = px * zx + A8; py = py * zy + A8; ps1 = ps1 * q1 + S5; ps2 = ps2 * q2 + S5; pc1 = pc1 * q1 + C6; pc2 = pc2 * q2 + C6;
  px = px * zx + A7; py = py * zy + A7; ps1 = ps1 * q1 + S4; ps2 = ps2 * q2 + S4; pc1 = pc1 * q1 + C5; pc2 = pc2 * q2 + C5;
  px = px * zx + A6; py = py * zy + A6; ps1 = ps1 * q1 + S3; ps2 = ps2 * q2 + S3; pc1 = pc1 * q1 + C4; pc2 = pc2 * q2 + C4;
  px = px * zx + A5; py = py * zy + A5; ps1 = ps1 * q1 + S2; ps2 = ps2 * q2 + S2; pc1 = pc1 * q1 + C3; pc2 = pc2 * q2 + C3;
  px = px * zx + A4; py = py * zy + A4; ps1 = ps1 * q1 + S1; ps2 = ps2 * q2 + S1; pc1 = pc1 * q1 + C2; pc2 = pc2 * q2 + C2;
  px = px * zx + A3; py = py * zy + A3; pc1 = pc1 * q1 + C1; pc2 = pc2 * q2 + C1;
  px = px * zx + A2; py = py * zy + A2;
  px = px * zx + A1; py = py * zy + A1;
  px = px * zx + A0; py = py * zy + A0;
  const r1 = Math.sqrt(-2 * (ex * LN2_HI + (2 * sx * px + ex * LN2_LO)));
  const r2 = Math.sqrt(-2 * (ey * LN2_HI + (2 * sy * py + ey * LN2_LO)));
  const s1 = phi1 + phi1 * (q1 * ps1);
  const s2 = phi2 + phi2 * (q2 * ps2);
  const c1 = 1 + q1 * pc1;
  const c2 = 1 + q2 * pc2;
  switch (j1 & 3) {
    case 0: PAIRS[0] = r1 * c1; PAIRS[1] = r1 * s1; break;
    case 1: PAIRS[0] = r1 * -s1; PAIRS[1] = r1 * c1; break;
    case 2: PAIRS[0] = r1 * -c1; PAIRS[1] = r1 * -s1; break;
    default: PAIRS[0] = r1 * s1; PAIRS[1] = r1 * -c1;
  }
  switch (j2 & 3) {
    case 0: PAIRS[2] = r2 * c2; PAIRS[3] = r2 * s2; break;
    case 1: PAIRS[2] = r2 * -s2; PAIRS[3] = r2 * c2; break;
    case 2: PAIRS[2] = r2 * -c2; PAIRS[3] = r2 * -s2; break;
    default: PAIRS[2] = r2 * s2; PAIRS[3] = r2 * -c2;
  }
}
const [A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12] = ATANH_COEFFS as [number, number, number, number, number, number, number, number, number, number, number, number, number];
const [S1, S2, S3, S4, S5, S6, S7, S8, S9] = SIN_COEFFS as [number, number, number, number, number, number, number, number, number];
const [C1, C2, C3, C4, C5, C6, C7, C8, C9, C10] = COS_COEFFS as [number, number, number, number, number, number, number, number, number, number];

export class GaussianRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second half of a Box–Muller pair, valid when hasCached. */
  private cachedValue = 0;
  private hasCached = false;

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
    if (this.hasCached) {
      this.hasCached = false;
      return this.cachedValue;
    }
    const u1 = this.nextDouble();
    const u2 = this.nextDouble();
    const first = boxMuller(u1, u2);
    this.cachedValue = PAIR_SIN[0]!;
    this.hasCached = true;
    return first;
  }

  /**
   * Fills `out` in index order with normals rounded to float32; returns `out`.
   * The same stream as repeated nextNormal(), with the generator state held in
   * locals for the length of the fill.
   */
  fillNormal(out: Float32Array): Float32Array {
    const len = out.length;
    let i = 0;
    if (len > 0 && this.hasCached) {
      out[i++] = this.cachedValue;
      this.hasCached = false;
    }
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    while (i + 4 <= len) {
      // eight draws: two pairs of doubles, in stream order
      let m5 = Math.imul(s1, 5);
      const a1 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const b1 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const a2 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const b2 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const a3 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const b3 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const a4 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const b4 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      boxMuller2(((a1 >>> 5) * 67108864 + (b1 >>> 6)) / 9007199254740992, ((a2 >>> 5) * 67108864 + (b2 >>> 6)) / 9007199254740992,
        ((a3 >>> 5) * 67108864 + (b3 >>> 6)) / 9007199254740992, ((a4 >>> 5) * 67108864 + (b4 >>> 6)) / 9007199254740992);
      out[i] = PAIRS[0]!;
      out[i + 1] = PAIRS[1]!;
      out[i + 2] = PAIRS[2]!;
      out[i + 3] = PAIRS[3]!;
      i += 4;
    }
    while (i < len) {
      // four xoshiro128** draws: a1, b1 → u1; a2, b2 → u2 (the order of nextUint32)
      let m5 = Math.imul(s1, 5);
      const a1 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const b1 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const a2 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      m5 = Math.imul(s1, 5);
      const b2 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      const u1 = ((a1 >>> 5) * 67108864 + (b1 >>> 6)) / 9007199254740992;
      const u2 = ((a2 >>> 5) * 67108864 + (b2 >>> 6)) / 9007199254740992;
      out[i++] = boxMuller(u1, u2);
      if (i < len) {
        out[i++] = PAIR_SIN[0]!;
      } else {
        this.cachedValue = PAIR_SIN[0]!;
        this.hasCached = true;
      }
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
    return out;
  }
}
