import numpy as np
import pytest

from inpaint_training.masks import BOX_COVERAGE, GENERATORS, HYBRID_MIX, make_mask


@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_masks_are_binary_deterministic_and_nonempty(kind):
    for size in [(32, 32), (64, 48)]:
        a = make_mask(kind, *size, np.random.default_rng(3))
        b = make_mask(kind, *size, np.random.default_rng(3))
        assert a.shape == size and a.dtype == np.float32
        assert set(np.unique(a)) <= {0.0, 1.0}
        assert np.array_equal(a, b)
        assert 0 < a.mean() < 1


def coverages(kind, n=200, size=64):
    rng = np.random.default_rng(11)
    return np.array([make_mask(kind, size, size, rng).mean() for _ in range(n)])


def test_random_boxes_cover_10_to_40_percent():
    c = coverages("random-boxes")
    assert c.min() >= BOX_COVERAGE[0] and c.max() <= BOX_COVERAGE[1]
    assert c.std() > 0.05  # the whole range is used, not one size


def test_stroke_coverages():
    for kind, lo, hi in [("irregular", 0.05, 0.6), ("thick-strokes", 0.10, 0.6), ("thin-strokes", 0.02, 0.35)]:
        c = coverages(kind)
        assert (c >= lo).mean() > 0.97 and (c <= hi).mean() > 0.97, kind
    # thin strokes are thinner than thick ones on average
    assert coverages("thin-strokes").mean() < coverages("thick-strokes").mean()


def test_fixed_masks():
    assert coverages("centre-box", 5).tolist() == [0.25] * 5
    assert set(coverages("half-image", 20).tolist()) == {0.5}


def test_hybrid_mix_uses_every_kind():
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(300):
        m = make_mask("hybrid", 32, 32, rng)
        if m.mean() == 0.25 and m[8:24, 8:24].all():
            seen.add("centre")
        elif m.mean() == 0.5:
            seen.add("half")
    assert seen == {"centre", "half"}
    assert abs(sum(HYBRID_MIX.values()) - 1) < 1e-12


def test_unknown_kind():
    with pytest.raises(ValueError):
        make_mask("nope", 8, 8, np.random.default_rng())
