#!/usr/bin/env python3
"""Write the fixtures that prove our U-Net is checkpoint-compatible with
openai/guided-diffusion (MIT), using that project's own code as the reference.

  git clone https://github.com/openai/guided-diffusion /tmp/gd   (or any checkout)
  /usr/bin/python3 training/make_guided_diffusion_fixture.py --guided-diffusion-src /tmp/gd

Writes training/tests/fixtures/:
  gd_places256_state.json   every state-dict key, shape and dtype of the RePaint
                            places256/celeba256 architecture (use_fp16 as shipped)
  gd_reduced_forward.npz    a reduced-width model of the same topology with
                            deterministic per-name weights (see fill_by_name),
                            an input and guided-diffusion's output for it
Nothing from guided-diffusion is copied into this repository.
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np
import torch

FIXTURES = Path(__file__).resolve().parent / "tests" / "fixtures"
# RePaint's confs for places256 / celeba256 (guided-diffusion flag names)
PRESET_FLAGS = dict(image_size=256, num_channels=256, num_res_blocks=2, attention_resolutions="32,16,8",
                    num_heads=4, num_head_channels=64, num_heads_upsample=-1, learn_sigma=True,
                    resblock_updown=True, use_scale_shift_norm=True, use_fp16=True, class_cond=False,
                    dropout=0.0, use_new_attention_order=False, channel_mult="", use_checkpoint=False)
REDUCED = dict(PRESET_FLAGS, image_size=32, num_channels=32, num_head_channels=16, use_fp16=False,
               attention_resolutions="16,8,4", channel_mult="1,1,2,2,4,4")


def fill_by_name(model: torch.nn.Module, std: float = 0.05) -> None:
    """Deterministic weights: each tensor from PCG64 seeded by crc32(name); norms near 1."""
    with torch.no_grad():
        for name, p in model.state_dict().items():
            rng = np.random.default_rng(zlib.crc32(name.encode()))
            v = rng.standard_normal(tuple(p.shape)) * std
            if name.endswith("weight") and p.dim() == 1:  # GroupNorm scale
                v = 1.0 + v
            p.copy_(torch.from_numpy(v).to(p.dtype))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--guided-diffusion-src", type=Path, required=True)
    args = ap.parse_args()
    sys.path.insert(0, str(args.guided_diffusion_src))
    from guided_diffusion.script_util import create_model  # type: ignore

    FIXTURES.mkdir(parents=True, exist_ok=True)
    full = create_model(**PRESET_FLAGS)
    state = {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in full.state_dict().items()}
    (FIXTURES / "gd_places256_state.json").write_text(json.dumps({"flags": PRESET_FLAGS, "state": state}, indent=0))
    del full

    red = create_model(**REDUCED)
    fill_by_name(red)
    red.eval()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 32, 32, generator=g)
    t = torch.tensor([10.0, 900.0])
    with torch.no_grad():
        out = red(x, t)
    np.savez_compressed(FIXTURES / "gd_reduced_forward.npz", x=x.numpy(), t=t.numpy(), out=out.numpy(),
                        flags=json.dumps(REDUCED))
    print(f"{len(state)} keys; reduced output {tuple(out.shape)}, |out| max {out.abs().max():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
