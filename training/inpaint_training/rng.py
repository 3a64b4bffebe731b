"""The shared noise generator (docs/rng.md is the specification).

xoshiro128** seeded by splitmix32, 53-bit doubles, Box-Muller normals whose
ln/sin/cos are computed here with only +, -, *, / and sqrt in a fixed operation
order, so that this module and src/main/diffusion/rng.ts produce bit-identical
values (the platform libm and V8 may differ by an ulp).

The scalar methods are the specification; ``fill_normal`` is a vectorised
equivalent (numpy float64 ufuncs are IEEE-exact per element and never fuse
operations) and is tested against the scalar path.
"""
from __future__ import annotations

import math

import numpy as np

MASK32 = 0xFFFFFFFF
SQRT_HALF = 0.7071067811865476  # float64 nearest to sqrt(1/2)
# fdlibm's split of ln 2: LN2_HI has 21 trailing zero bits, so e * LN2_HI is exact.
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
PI_OVER_4 = 0.7853981633974483
LN_TERMS = 13  # atanh series terms: s^1 .. s^25
# 1/(2k+1) for the atanh series, highest first for Horner.
ATANH_COEFFS = [1.0 / (2 * k + 1) for k in range(LN_TERMS)]


def _factorial(n: int) -> float:
    f = 1.0
    for i in range(2, n + 1):
        f = f * i  # exact in float64 up to 22!
    return f


# sin: phi + phi*z*(c3 + z*(c5 + ... + z*c19)); cos: 1 + z*(c2 + z*(c4 + ... + z*c20))
SIN_COEFFS = [(-1.0) ** k / _factorial(2 * k + 1) for k in range(1, 10)]  # c3 .. c19
COS_COEFFS = [(-1.0) ** k / _factorial(2 * k) for k in range(1, 11)]  # c2 .. c20


def ln(x: float) -> float:
    """Natural log of a positive finite float64, ~1 ulp, same op order as rng.ts."""
    if not (x > 0.0) or x == math.inf:
        raise ValueError(f"ln: argument must be positive and finite, got {x!r}")
    m, e = math.frexp(x)  # x = m * 2**e, m in [0.5, 1), exact
    if m < SQRT_HALF:
        m = m * 2.0
        e = e - 1
    s = (m - 1.0) / (m + 1.0)
    z = s * s
    p = ATANH_COEFFS[LN_TERMS - 1]
    for k in range(LN_TERMS - 2, -1, -1):
        p = p * z + ATANH_COEFFS[k]
    ln_m = 2.0 * s * p
    return e * LN2_HI + (ln_m + e * LN2_LO)


def _sin_poly(phi: float) -> float:
    z = phi * phi
    p = SIN_COEFFS[-1]
    for c in reversed(SIN_COEFFS[:-1]):
        p = p * z + c
    return phi + phi * (z * p)


def _cos_poly(phi: float) -> float:
    z = phi * phi
    p = COS_COEFFS[-1]
    for c in reversed(COS_COEFFS[:-1]):
        p = p * z + c
    return 1.0 + z * p


def sincos_turns(u: float) -> tuple[float, float]:
    """(sin 2*pi*u, cos 2*pi*u) for u in [0, 1) a multiple of 2**-53.

    v = 8u is exact; j = floor((v + 1) / 2) is the nearest quadrant, r = v - 2j in
    [-1, 1) is exact, phi = r * pi/4 lies in [-pi/4, pi/4).
    """
    v = u * 8.0
    j = math.floor((v + 1.0) / 2.0)
    r = v - 2.0 * j
    phi = r * PI_OVER_4
    s = _sin_poly(phi)
    c = _cos_poly(phi)
    q = j & 3
    if q == 0:
        return s, c
    if q == 1:
        return c, -s
    if q == 2:
        return -s, -c
    return -c, s


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & MASK32


def _splitmix32_words(seed: int, count: int) -> list[int]:
    x = seed
    out = []
    for _ in range(count):
        x = (x + 0x9E3779B9) & MASK32
        z = x
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
        z ^= z >> 16
        out.append(z)
    return out


def check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an unsigned 32-bit integer, got {type(seed).__name__} {seed!r}")
    seed = int(seed)
    if not 0 <= seed <= MASK32:
        raise ValueError(f"seed must be an unsigned 32-bit integer in [0, 4294967295], got {seed}")
    return seed


def sample_seed(seed: int, index: int) -> int:
    """Seed of sample ``index`` in a batch: (seed + index) mod 2**32."""
    return (check_seed(seed) + index) & MASK32


class GaussianRng:
    def __init__(self, seed: int):
        seed = check_seed(seed)
        s = _splitmix32_words(seed, 4)
        if s == [0, 0, 0, 0]:  # cannot happen for splitmix32 output, guarded anyway
            s[0] = 0x9E3779B9
        self._s = s
        self._cached: float | None = None

    def next_uint32(self) -> int:
        s0, s1, s2, s3 = self._s
        result = (_rotl((s1 * 5) & MASK32, 7) * 9) & MASK32
        t = (s1 << 9) & MASK32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self._s = [s0, s1, s2, s3]
        return result

    def next_double(self) -> float:
        a = self.next_uint32()
        b = self.next_uint32()
        return ((a >> 5) * 67108864 + (b >> 6)) / 9007199254740992

    def next_normal(self) -> float:
        if self._cached is not None:
            v = self._cached
            self._cached = None
            return v
        u1 = self.next_double()
        u2 = self.next_double()
        r = math.sqrt(-2.0 * ln(1.0 - u1))
        s, c = sincos_turns(u2)
        self._cached = r * s
        return r * c

    def fill_normal(self, n: int | tuple[int, ...]) -> np.ndarray:
        """The next n normals (n may be a shape, filled in C order) as float32."""
        shape = (n,) if isinstance(n, (int, np.integer)) else tuple(n)
        total = int(np.prod(shape)) if shape else 1
        out = np.empty(total, dtype=np.float64)
        i = 0
        if total and self._cached is not None:
            out[0] = self._cached
            self._cached = None
            i = 1
        pairs = (total - i + 1) // 2
        if pairs:
            words = np.empty(4 * pairs, dtype=np.uint64)
            nxt = self.next_uint32
            for k in range(4 * pairs):
                words[k] = nxt()
            w = words.reshape(pairs, 4)
            u1 = ((w[:, 0] >> np.uint64(5)).astype(np.float64) * 67108864.0
                  + (w[:, 1] >> np.uint64(6)).astype(np.float64)) / 9007199254740992.0
            u2 = ((w[:, 2] >> np.uint64(5)).astype(np.float64) * 67108864.0
                  + (w[:, 3] >> np.uint64(6)).astype(np.float64)) / 9007199254740992.0
            r = np.sqrt(-2.0 * ln_array(1.0 - u1))
            s, c = sincos_turns_array(u2)
            both = np.empty(2 * pairs, dtype=np.float64)
            both[0::2] = r * c
            both[1::2] = r * s
            take = total - i
            out[i:] = both[:take]
            if take < 2 * pairs:
                self._cached = float(both[-1])
        return out.astype(np.float32).reshape(shape)


def ln_array(x: np.ndarray) -> np.ndarray:
    """Elementwise ``ln`` with the same operations as the scalar version."""
    x = np.asarray(x, dtype=np.float64)
    if not np.all(x > 0.0) or not np.all(np.isfinite(x)):
        raise ValueError("ln_array: arguments must be positive and finite")
    m, e = np.frexp(x)
    small = m < SQRT_HALF
    m = np.where(small, m * 2.0, m)
    e = np.where(small, e - 1, e).astype(np.float64)
    s = (m - 1.0) / (m + 1.0)
    z = s * s
    p = np.full_like(s, ATANH_COEFFS[LN_TERMS - 1])
    for k in range(LN_TERMS - 2, -1, -1):
        p = p * z + ATANH_COEFFS[k]
    ln_m = 2.0 * s * p
    return e * LN2_HI + (ln_m + e * LN2_LO)


def sincos_turns_array(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u = np.asarray(u, dtype=np.float64)
    v = u * 8.0
    j = np.floor((v + 1.0) / 2.0)
    r = v - 2.0 * j
    phi = r * PI_OVER_4
    z = phi * phi
    p = np.full_like(phi, SIN_COEFFS[-1])
    for c in reversed(SIN_COEFFS[:-1]):
        p = p * z + c
    s = phi + phi * (z * p)
    p = np.full_like(phi, COS_COEFFS[-1])
    for c in reversed(COS_COEFFS[:-1]):
        p = p * z + c
    c = 1.0 + z * p
    q = j.astype(np.int64) & 3
    sin_out = np.select([q == 0, q == 1, q == 2], [s, c, -s], -c)
    cos_out = np.select([q == 0, q == 1, q == 2], [c, -s, -c], s)
    return sin_out, cos_out


def normal_noise(seed: int, shape_chw: tuple[int, ...], batch: int = 1) -> np.ndarray:
    """[batch, *shape] noise; sample i comes from its own generator seeded (seed + i) mod 2**32."""
    return np.stack([GaussianRng(sample_seed(seed, i)).fill_normal(shape_chw) for i in range(batch)])
