"""The committed feature classifier loads, gives 128-d features and classifies held-out images."""
import numpy as np
import pytest

from task1.classifier import FEATURE_DIM, features_and_probs, load_classifier, load_split, to_input


def test_committed_classifier_on_held_out_images():
    model = load_classifier()
    images, labels = load_split("test")
    feats, probs = features_and_probs(model, images[:1000])
    assert feats.shape == (1000, FEATURE_DIM) and probs.shape == (1000, 10)
    assert np.allclose(probs.sum(1), 1.0)
    # the doc reports the full test-set accuracy; a 1,000-image slice must be close to the 90 % target
    assert (probs.argmax(1) == labels[:1000]).mean() >= 0.88


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="uint8"):
        to_input(np.zeros((2, 32, 32), np.float32))
    with pytest.raises(ValueError, match=r"\[N, 3, 32, 32\]"):
        to_input(np.zeros((2, 4, 32, 32), np.uint8))
    grey = to_input(np.full((1, 3, 32, 32), 255, np.uint8))
    assert grey.shape == (1, 1, 32, 32) and float(grey.max()) == 1.0
