"""RePaint on the unconditional Fashion-MNIST DDPM against plain known-region replacement.

Held-out test images get one mask of each kind (the seeds' mask families,
inpaint_training/masks.py); every (image, mask) is filled K times by each
method through the shipped sampler (scripts/sample-fmnist.mjs, known region
replaced by the source noised to the current level before every reverse step):

- ``repaint``: RePaint's resampling (undo ``jump_length`` levels, redo, each
  jump point ``jump_n_sample - 1`` extra times) over S respaced steps;
- ``replace``: the same S steps with no resampling (jump_n_sample 1);
- ``replace-equal-calls``: no resampling, but as many steps as RePaint makes
  network calls, so the comparison also holds at equal compute.

Scores against the original (grey, 0-255): L1 over the hole per sample and of
the K samples' mean, PSNR and SSIM (scikit-image) over the whole image, and
diversity as the mean pairwise L1 between the K samples over the hole. Telea
inpainting (OpenCV) is a model-free reference row.
"""
from __future__ import annotations

import sys
from itertools import combinations
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inpaint_training.masks import make_mask  # noqa: E402
from inpaint_training.sampling import repaint_moves  # noqa: E402

from .classifier import load_split  # noqa: E402

DEFAULT_KINDS = ("centre-box", "random-boxes", "irregular", "half-image")


def build_tasks(n_images: int, kinds, k_samples: int, seed: int = 0) -> dict:
    """Rows ordered (kind, image, sample): source [R, 3, 32, 32] in [-1, 1], mask [R, 1, 32, 32]."""
    images, labels = load_split("test")
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(images), n_images, replace=False))
    masks = {kind: np.stack([make_mask(kind, 32, 32, np.random.default_rng([seed, j, int(i)]))
                             for j, i in enumerate(pick)]) for kind in kinds}
    src, msk = [], []
    for kind in kinds:
        for j in range(n_images):
            for _ in range(k_samples):
                src.append(np.repeat(images[pick[j]][None], 3, 0))
                msk.append(masks[kind][j][None])
    source = np.stack(src).astype(np.float32) / 127.5 - 1.0
    return {"pick": pick, "labels": labels[pick], "originals": images[pick], "masks": masks,
            "source": source, "mask": np.stack(msk).astype(np.float32), "kinds": list(kinds),
            "n_images": n_images, "k": k_samples}


def network_calls(method: str, steps: int, jump_length: int, jump_n_sample: int) -> int:
    if method == "repaint":
        return repaint_moves(steps - 1, jump_length, jump_n_sample).count("reverse")
    return steps


def to_grey(u8_nchw: np.ndarray) -> np.ndarray:
    """uint8 [N, 3, H, W] -> float64 grey [N, H, W] in 0-255 (channel mean)."""
    return u8_nchw.astype(np.float64).mean(1)


def score(filled: np.ndarray, originals: np.ndarray, masks: np.ndarray) -> dict:
    """filled [I, K, H, W] grey 0-255, originals [I, H, W] uint8, masks [I, H, W] (1 = hole)."""
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    n_img, k = filled.shape[:2]
    orig = originals.astype(np.float64)
    l1, l1_mean, psnr, ssim, div = [], [], [], [], []
    for i in range(n_img):
        hole = masks[i] > 0.5
        for s in range(k):
            x = filled[i, s]
            l1.append(np.abs(x - orig[i])[hole].mean())
            psnr.append(peak_signal_noise_ratio(orig[i], x, data_range=255))
            ssim.append(structural_similarity(orig[i], x, data_range=255))
        l1_mean.append(np.abs(filled[i].mean(0) - orig[i])[hole].mean())
        if k > 1:
            div.append(np.mean([np.abs(filled[i, a] - filled[i, b])[hole].mean() for a, b in combinations(range(k), 2)]))
    finite = [p for p in psnr if np.isfinite(p)]
    return {"holeL1": float(np.mean(l1)), "holeL1OfMean": float(np.mean(l1_mean)),
            "psnr": float(np.mean(finite)) if finite else float("inf"), "ssim": float(np.mean(ssim)),
            "diversityHoleL1": float(np.mean(div)) if div else 0.0}


def telea(originals: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """OpenCV Telea fills [I, 1, H, W] (grey float) of uint8 originals [I, H, W]."""
    out = [cv2.inpaint(np.ascontiguousarray(o), (m > 0.5).astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)
           for o, m in zip(originals, masks)]
    return np.stack(out).astype(np.float64)[:, None]
