"""Sample-quality metrics in a feature space: Fréchet distance (FID), an Inception-Score
analogue and k-NN precision/recall.

- Fréchet distance between Gaussians fitted to two feature sets
  (Heusel et al. 2017): |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^1/2), with
  scipy.linalg.sqrtm.
- Inception-Score analogue (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y)))
  from a classifier's softmax, mean and std over equal splits.
- Precision/recall (Kynkäänniemi et al. 2019): each feature set's manifold is
  the union of balls around its points with radius the distance to the point's
  k-th nearest neighbour in the same set (the point itself excluded).
  Precision = share of generated points inside the real manifold; recall =
  share of real points inside the generated manifold.
"""
from __future__ import annotations

import numpy as np
from scipy import linalg


def _as_2d(name: str, a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name}: expected [N, D] features, got shape {list(a.shape)}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: features contain NaN or infinity")
    return a


def gaussian_stats(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean [D] and unbiased covariance [D, D] of features [N, D] (N >= 2)."""
    f = _as_2d("features", features)
    if len(f) < 2:
        raise ValueError(f"need at least 2 feature vectors for a covariance, got {len(f)}")
    return f.mean(0), np.cov(f, rowvar=False).reshape(f.shape[1], f.shape[1])


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2)."""
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    d = mu1.shape[0]
    if mu2.shape != (d,) or s1.shape != (d, d) or s2.shape != (d, d):
        raise ValueError(f"shape mismatch: mu1 {list(mu1.shape)}, sigma1 {list(s1.shape)}, "
                         f"mu2 {list(mu2.shape)}, sigma2 {list(s2.shape)}")
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(s1 @ s2, disp=False)
    if not np.isfinite(covmean).all():
        # singular product (e.g. fewer samples than dimensions): regularise both, as is customary
        offset = np.eye(d) * eps
        covmean = linalg.sqrtm((s1 + offset) @ (s2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3 * max(1.0, np.abs(covmean).max())):
            raise ValueError(f"sqrtm gave a large imaginary component {np.abs(covmean.imag).max():.3g}")
        covmean = covmean.real
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean))


def fid(features_a, features_b) -> float:
    """FID between two feature sets [N, D] and [M, D]."""
    return frechet_distance(*gaussian_stats(features_a), *gaussian_stats(features_b))


def inception_score(probs, splits: int = 10) -> tuple[float, float]:
    """exp(E_x KL(p(y|x) || p(y))) over ``splits`` equal parts: (mean, std)."""
    p = _as_2d("probs", probs)
    if (p < 0).any() or not np.allclose(p.sum(1), 1.0, atol=1e-4):
        raise ValueError("probs must be non-negative rows summing to 1 (a softmax)")
    if splits < 1 or len(p) < splits:
        raise ValueError(f"cannot split {len(p)} rows into {splits} parts")
    scores = []
    for part in np.array_split(p, splits):
        py = part.mean(0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = np.where(part > 0, part * (np.log(part) - np.log(py)), 0.0).sum(1)
        scores.append(float(np.exp(kl.mean())))
    return float(np.mean(scores)), float(np.std(scores))


def _sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d, 0.0)


def knn_radii(features, k: int = 3, chunk: int = 1024) -> np.ndarray:
    """Distance from each point to its k-th nearest neighbour in the same set, itself excluded."""
    f = _as_2d("features", features)
    if not 1 <= k < len(f):
        raise ValueError(f"k = {k} needs at least k + 1 = {k + 1} points, got {len(f)}")
    radii = np.empty(len(f))
    for i in range(0, len(f), chunk):
        d = _sq_dists(f[i:i + chunk], f)
        rows = np.arange(d.shape[0])
        d[rows, i + rows] = np.inf  # exclude the point itself (not its duplicates)
        radii[i:i + chunk] = np.sqrt(np.partition(d, k - 1, axis=1)[:, k - 1])
    return radii


def _inside_share(points: np.ndarray, centres: np.ndarray, radii: np.ndarray, chunk: int = 1024) -> float:
    inside = np.zeros(len(points), bool)
    r2 = radii ** 2
    for i in range(0, len(points), chunk):
        inside[i:i + chunk] = (_sq_dists(points[i:i + chunk], centres) <= r2[None, :]).any(1)
    return float(inside.mean())


def precision_recall(real, fake, k: int = 3) -> tuple[float, float]:
    """k-NN precision and recall of ``fake`` features [M, D] against ``real`` [N, D]."""
    r, f = _as_2d("real", real), _as_2d("fake", fake)
    if r.shape[1] != f.shape[1]:
        raise ValueError(f"feature dimensions differ: real {r.shape[1]}, fake {f.shape[1]}")
    precision = _inside_share(f, r, knn_radii(r, k))
    recall = _inside_share(r, f, knn_radii(f, k))
    return precision, recall
