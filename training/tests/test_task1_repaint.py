"""The RePaint study's scoring and task layout, against hand-computed values."""
import numpy as np
import pytest

pytest.importorskip("skimage")
pytest.importorskip("cv2")

from task1 import repaint_study as rs  # noqa: E402


def test_score_known_offsets():
    rng = np.random.default_rng(0)
    orig = rng.integers(40, 200, (2, 32, 32)).astype(np.uint8)
    masks = np.zeros((2, 32, 32), np.float32)
    masks[:, 8:24, 8:24] = 1
    # sample 0 is +10 in the hole, sample 1 is -10: per-sample L1 10, their mean is exact, pairwise distance 20
    filled = np.repeat(orig[:, None].astype(np.float64), 2, 1)
    filled[:, 0] += 10 * masks
    filled[:, 1] -= 10 * masks
    s = rs.score(filled, orig, masks)
    assert s["holeL1"] == pytest.approx(10.0)
    assert s["holeL1OfMean"] == pytest.approx(0.0)
    assert s["diversityHoleL1"] == pytest.approx(20.0)
    # PSNR over the whole image: MSE = 100 * hole share (1/4)
    assert s["psnr"] == pytest.approx(10 * np.log10(255 ** 2 / 25.0))
    assert 0 < s["ssim"] < 1


def test_tasks_layout_and_call_counts():
    t = rs.build_tasks(3, ["centre-box", "half-image"], 2, seed=1)
    assert t["source"].shape == (12, 3, 32, 32) and t["mask"].shape == (12, 1, 32, 32)
    # rows are (kind, image, sample): rows 0-1 share image 0's centre box, rows 6-7 image 0's half
    assert np.array_equal(t["mask"][0], t["mask"][1])
    assert t["mask"][0, 0].mean() == pytest.approx(0.25)
    assert t["mask"][6, 0].mean() == pytest.approx(0.5)
    assert np.allclose(t["source"][0, 0], t["originals"][0] / 127.5 - 1, atol=1e-6)
    # 25 steps, jumps of 5 resampled 3 extra times at each of 5 jump points: 25 + 5 * 3 * 5 reverse moves
    assert rs.network_calls("repaint", 25, 5, 4) == 100
    assert rs.network_calls("ddpm", 25, 5, 4) == 25
