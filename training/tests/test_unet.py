"""U-Net shapes and checkpoint compatibility with openai/guided-diffusion.

The fixtures were produced by guided-diffusion's own code
(training/make_guided_diffusion_fixture.py), so these tests compare against an
independent implementation.
"""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from inpaint_training.config import create_model, make_config, unet_config
from inpaint_training.unet import UNetModel
from make_guided_diffusion_fixture import fill_by_name

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REDUCED = dict(image_size=32, model_channels=32, num_head_channels=16, attention_resolutions=(16, 8, 4))


def test_places256_preset_has_guided_diffusion_names_and_loads_strictly():
    ref = json.loads((FIXTURES / "gd_places256_state.json").read_text())["state"]
    model = create_model(make_config("places256"))
    mine = model.state_dict()
    assert list(mine) == list(ref)  # same names, same order
    for k, v in mine.items():
        assert list(v.shape) == ref[k]["shape"], k
    # released checkpoints hold float32 master weights; a half-precision copy must load too (upcast)
    fake = {k: torch.zeros(v["shape"], dtype=torch.float16) for k, v in ref.items()}
    missing = model.load_state_dict({k: v.float() for k, v in fake.items()}, strict=True)
    assert not missing.missing_keys and not missing.unexpected_keys
    bad = dict(fake)
    bad.pop("out.2.bias")
    with pytest.raises(RuntimeError, match="out.2.bias"):
        model.load_state_dict(bad, strict=True)


def test_reduced_topology_forward_equals_guided_diffusion():
    fx = np.load(FIXTURES / "gd_reduced_forward.npz")
    model = create_model(make_config("places256", **REDUCED)).eval()
    fill_by_name(model)
    with torch.no_grad():
        out = model(torch.from_numpy(fx["x"]), torch.from_numpy(fx["t"]))
    ref = torch.from_numpy(fx["out"])
    assert out.shape == ref.shape == (2, 6, 32, 32)
    assert ref.abs().max() > 0.5  # the reference is not trivially zero
    assert torch.allclose(out, ref, atol=1e-4, rtol=1e-4), float((out - ref).abs().max())


def test_new_attention_order_differs_from_legacy():
    cfg = make_config("tiny")
    a = create_model(cfg).eval()
    fill_by_name(a)
    b = UNetModel(unet_config(dict(cfg, use_new_attention_order=True))).eval()
    b.load_state_dict(a.state_dict(), strict=True)
    x, t = torch.randn(1, 7, 32, 32), torch.tensor([100.0])
    with torch.no_grad():
        assert not torch.allclose(a(x, t), b(x, t))


@pytest.mark.parametrize("preset,cin,cout,size", [("tiny", 7, 6, 32), ("photo", 7, 6, 64), ("fmnist", 3, 6, 32)])
def test_shapes_and_fully_convolutional(preset, cin, cout, size):
    model = create_model(make_config(preset)).eval()
    with torch.no_grad():
        for n, h, w in [(2, size, size), (1, size + 16, size + 8)]:
            out = model(torch.randn(n, cin, h, w), torch.rand(n) * 999)
            assert out.shape == (n, cout, h, w)
    with pytest.raises(ValueError, match=r"\[N, %d, H, W\]" % cin):
        model(torch.randn(1, cin + 1, size, size), torch.zeros(1))
    with pytest.raises(ValueError, match="multiples"):
        model(torch.randn(1, cin, size + 1, size), torch.zeros(1))
