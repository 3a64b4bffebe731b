"""Task 1 metrics against independent references: closed forms for Gaussians, known
distributions for the Inception-Score analogue, constructed point sets for precision/recall."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist
from scipy.stats import ortho_group

from task1.metrics import fid, frechet_distance, gaussian_stats, inception_score, knn_radii, precision_recall


def test_frechet_distance_diagonal_closed_form():
    # commuting (diagonal) covariances: FD = |dmu|^2 + sum (sd1 - sd2)^2
    rng = np.random.default_rng(0)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    sd1, sd2 = rng.uniform(0.2, 3, 6), rng.uniform(0.2, 3, 6)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((sd1 - sd2) ** 2)
    assert frechet_distance(mu1, np.diag(sd1 ** 2), mu2, np.diag(sd2 ** 2)) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_rotated_gaussians_closed_form():
    # S2 = R S1 R^T with the same spectrum; W2^2 = |dmu|^2 + tr S1 + tr S2 - 2 tr (S1^1/2 S2 S1^1/2)^1/2,
    # the cross term computed here from symmetric eigendecompositions, not sqrtm of a product
    rng = np.random.default_rng(1)
    d = 5
    q = ortho_group.rvs(d, random_state=2)
    s1 = q @ np.diag(rng.uniform(0.5, 4, d)) @ q.T
    r = ortho_group.rvs(d, random_state=3)
    s2 = r @ np.diag(rng.uniform(0.1, 2, d)) @ r.T
    w, v = np.linalg.eigh(s1)
    root1 = v @ np.diag(np.sqrt(w)) @ v.T
    inner = np.linalg.eigvalsh(root1 @ s2 @ root1)
    mu1, mu2 = np.zeros(d), np.full(d, 0.5)
    expected = d * 0.25 + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(inner).sum()
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-8)


def test_frechet_distance_one_dimension_and_identity():
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2
    assert frechet_distance([1.0], [[4.0]], [-2.0], [[9.0]]) == pytest.approx(9 + 1)
    s = np.array([[2.0, 0.3], [0.3, 1.0]])
    assert abs(frechet_distance([0, 0], s, [0, 0], s)) < 1e-9


def test_fid_of_samples_approaches_population_value():
    rng = np.random.default_rng(4)
    a = rng.normal(0, 1, (200_000, 3))
    b = rng.normal(1, 2, (200_000, 3))
    # population: 3 * 1^2 + 3 * (2 - 1)^2 = 6
    assert fid(a, b) == pytest.approx(6.0, rel=0.02)
    mu, cov = gaussian_stats(a)
    assert np.allclose(cov, np.cov(a.T)) and np.allclose(mu, a.mean(0))


def test_fid_rejects_bad_input():
    with pytest.raises(ValueError, match="shape mismatch"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match="NaN"):
        fid(np.full((4, 2), np.nan), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"\[N, D\]"):
        fid(np.zeros(5), np.zeros(5))


def test_inception_score_known_distributions():
    n, c = 1000, 10
    uniform = np.full((n, c), 1.0 / c)  # no confidence: KL = 0, IS = 1
    assert inception_score(uniform) == pytest.approx((1.0, 0.0))
    one_hot_all_classes = np.eye(c)[np.arange(n) % c]  # confident and balanced: IS = number of classes
    assert inception_score(one_hot_all_classes) == pytest.approx((10.0, 0.0))
    one_class = np.eye(c)[np.zeros(n, int)]  # confident but collapsed: IS = 1
    assert inception_score(one_class)[0] == pytest.approx(1.0)
    four_classes = np.eye(c)[np.arange(n) % 4]
    assert inception_score(four_classes, splits=5)[0] == pytest.approx(4.0)


def test_inception_score_matches_direct_kl():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(300, 10)) * 2
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    py = p.mean(0)
    direct = np.exp(np.mean([sum(pi * np.log(pi / py)) for pi in p]))
    assert inception_score(p, splits=1)[0] == pytest.approx(direct, rel=1e-10)
    with pytest.raises(ValueError, match="softmax"):
        inception_score(np.ones((10, 3)))


def test_knn_radii_on_a_line():
    pts = np.stack([np.arange(10.0), np.zeros(10)], 1)
    # k = 3, the third nearest other point: the ends (0 and 9) have neighbours at 1, 2, 3 -> 3;
    # every other point has two at distance 1 and one at 2 -> 2
    expected = np.array([3, 2, 2, 2, 2, 2, 2, 2, 2, 3], float)
    assert np.allclose(knn_radii(pts, 3), expected)
    # independent brute force on random data
    rng = np.random.default_rng(6)
    x = rng.normal(size=(300, 7))
    d = cdist(x, x)
    np.fill_diagonal(d, np.inf)
    assert np.allclose(knn_radii(x, 3, chunk=64), np.sort(d, 1)[:, 2])
    with pytest.raises(ValueError, match="k = 3"):
        knn_radii(x[:3], 3)


def test_precision_recall_constructed_sets():
    real = np.stack([np.arange(10.0), np.zeros(10)], 1)  # radii 2 (ends 3), manifold covers x in [-3, 12]
    # 6 fakes near the real line, 4 far away: precision 0.6
    fake = np.array([[0.5, 0.1], [4.2, -0.5], [9.9, 1.0], [-2.5, 0], [11.5, 0], [5, 1.5],
                     [100, 100], [-50, 3], [200, 0], [0, 40]], float)
    p, _ = precision_recall(real, fake, k=3)
    assert p == pytest.approx(0.6)
    # identical sets: everything is inside
    assert precision_recall(real, real, k=3) == (1.0, 1.0)


def test_recall_sees_mode_dropping():
    rng = np.random.default_rng(7)
    centres = np.array([[0, 0], [50, 0], [0, 50], [50, 50]], float)
    real = np.concatenate([c + rng.normal(size=(250, 2)) for c in centres])
    fake = np.concatenate([c + rng.normal(size=(500, 2)) for c in centres[:2]])  # two of four modes
    p, r = precision_recall(real, fake, k=3)
    assert p > 0.9  # every fake is realistic
    assert r == pytest.approx(0.5, abs=0.05)  # only half the real data is covered
    # brute-force reference for both numbers
    rr = np.sort(cdist(real, real), 1)[:, 3]
    rf = np.sort(cdist(fake, fake), 1)[:, 3]
    assert p == pytest.approx(np.mean((cdist(fake, real) <= rr[None]).any(1)))
    assert r == pytest.approx(np.mean((cdist(real, fake) <= rf[None]).any(1)))
