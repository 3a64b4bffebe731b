"""Training masks from the seeds: centre box, random boxes, irregular / free-form
strokes (thick and thin), half image, and the hybrid mix.

Every generator takes (height, width, numpy Generator) and returns float32
[H, W] with 1 = hole (fill) and 0 = known, and is deterministic given the
generator state. Coverage ranges are tested in tests/test_masks.py.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

BOX_COVERAGE = (0.10, 0.40)


def centre_box(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A centred box with half the image's height and width (25 % of the area)."""
    m = np.zeros((h, w), np.float32)
    m[h // 4: h // 4 + h // 2, w // 4: w // 4 + w // 2] = 1.0
    return m


def random_boxes(h: int, w: int, rng: np.random.Generator, max_tries: int = 100) -> np.ndarray:
    """1-5 axis-aligned boxes whose union covers 10-40 % of the image (Palette)."""
    lo, hi = BOX_COVERAGE
    for _ in range(max_tries):
        target = rng.uniform(lo, hi)
        k = int(rng.integers(1, 6))
        m = np.zeros((h, w), np.float32)
        for _ in range(k):
            area = target / k * h * w
            aspect = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))
            bh = int(np.clip(round(math.sqrt(area * aspect)), 1, h))
            bw = int(np.clip(round(math.sqrt(area / aspect)), 1, w))
            y = int(rng.integers(0, h - bh + 1))
            x = int(rng.integers(0, w - bw + 1))
            m[y:y + bh, x:x + bw] = 1.0
        if lo <= m.mean() <= hi:
            return m
    # overlap kept the union below range every try (vanishingly rare): one centred box of the target area
    side_h, side_w = int(round(h * math.sqrt(0.25))), int(round(w * math.sqrt(0.25)))
    m = np.zeros((h, w), np.float32)
    m[(h - side_h) // 2:(h - side_h) // 2 + side_h, (w - side_w) // 2:(w - side_w) // 2 + side_w] = 1.0
    return m


def strokes(h: int, w: int, rng: np.random.Generator, width_range: tuple[float, float] = (0.04, 0.12),
            num_strokes: tuple[int, int] = (1, 5), vertices: tuple[int, int] = (4, 12),
            coverage: tuple[float, float] = (0.05, 0.6), max_tries: int = 50) -> np.ndarray:
    """Free-form brush strokes: random walks with varying width, round joints.

    Widths are fractions of the shorter side; each segment draws its own width
    within the range, so one stroke varies in width. Resampled until the
    coverage lies in ``coverage``.
    """
    size = min(h, w)
    m = np.zeros((h, w), np.uint8)
    for _ in range(max_tries):
        m[:] = 0
        for _ in range(int(rng.integers(num_strokes[0], num_strokes[1] + 1))):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            angle = rng.uniform(0, 2 * math.pi)
            for _ in range(int(rng.integers(vertices[0], vertices[1] + 1))):
                angle += rng.uniform(-math.pi / 3, math.pi / 3)
                length = rng.uniform(0.05, 0.25) * size
                nx = float(np.clip(x + length * math.cos(angle), 0, w - 1))
                ny = float(np.clip(y + length * math.sin(angle), 0, h - 1))
                thickness = max(1, int(round(rng.uniform(*width_range) * size)))
                cv2.line(m, (int(x), int(y)), (int(nx), int(ny)), 1, thickness)
                cv2.circle(m, (int(nx), int(ny)), max(1, thickness // 2), 1, -1)
                x, y = nx, ny
        if coverage[0] <= m.mean() <= coverage[1]:
            break
    return m.astype(np.float32)


def irregular(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Free-form strokes of medium, varying width."""
    return strokes(h, w, rng, width_range=(0.04, 0.12))


def thick_strokes(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    return strokes(h, w, rng, width_range=(0.10, 0.20), num_strokes=(1, 3), coverage=(0.10, 0.6))


def thin_strokes(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    return strokes(h, w, rng, width_range=(0.02, 0.05), num_strokes=(2, 6), coverage=(0.02, 0.35))


def half_image(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """One of the four halves (left, right, top, bottom)."""
    m = np.zeros((h, w), np.float32)
    side = int(rng.integers(0, 4))
    if side == 0:
        m[:, : w // 2] = 1
    elif side == 1:
        m[:, w // 2:] = 1
    elif side == 2:
        m[: h // 2] = 1
    else:
        m[h // 2:] = 1
    return m


GENERATORS = {
    "centre-box": centre_box,
    "random-boxes": random_boxes,
    "irregular": irregular,
    "thick-strokes": thick_strokes,
    "thin-strokes": thin_strokes,
    "half-image": half_image,
}

# The training mix: Palette's free-form + boxes mix, plus the seeds' other types.
HYBRID_MIX = {
    "irregular": 0.30,
    "random-boxes": 0.30,
    "thick-strokes": 0.12,
    "thin-strokes": 0.12,
    "centre-box": 0.08,
    "half-image": 0.08,
}


def hybrid(h: int, w: int, rng: np.random.Generator, mix: dict[str, float] | None = None) -> np.ndarray:
    mix = mix or HYBRID_MIX
    names = list(mix)
    p = np.array([mix[n] for n in names], dtype=np.float64)
    name = names[int(rng.choice(len(names), p=p / p.sum()))]
    return GENERATORS[name](h, w, rng)


GENERATORS["hybrid"] = hybrid


def make_mask(kind: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    if kind not in GENERATORS:
        raise ValueError(f"unknown mask kind {kind!r}; expected one of {sorted(GENERATORS)}")
    return GENERATORS[kind](h, w, rng)
