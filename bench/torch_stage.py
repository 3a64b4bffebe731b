"""The diffusion stage done by the PyTorch reference sampler, for the
pipeline benchmark: reads source [N,3,h,w] and mask [N,1,h,w] (.npy), samples
with the same model (EMA weights), seed and steps, writes [N,3,h,w] (.npy).

    /usr/bin/python3 bench/torch_stage.py --model-dir models/tiny-inpaint --source s.npy --mask m.npy --out o.npy --steps 25 --seed 0 --sampler ddim
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_reference import load_model  # noqa: E402
from inpaint_training.diffusion import GaussianDiffusion, ModelVarType  # noqa: E402
from inpaint_training.sampling import InpaintTask, NoiseSource, sample_final  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    for k in ("--model-dir", "--source", "--mask", "--out"):
        p.add_argument(k, required=True)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sampler", default="ddim")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    manifest, model = load_model(a.model_dir)
    src = torch.from_numpy(np.load(a.source))
    mask = torch.from_numpy(np.load(a.mask))
    n, c, h, w = src.shape
    full = GaussianDiffusion.from_schedule(manifest["schedule"]["type"], manifest["schedule"]["timesteps"], var_type=ModelVarType(manifest["varianceType"]))
    cond = manifest["kind"] == "conditional-inpaint"
    with torch.no_grad():
        out = sample_final(full.respaced(str(a.steps)), lambda x, t: model(x, t), NoiseSource(a.seed, n, (c, h, w)), (n, c, h, w),
                           method=a.sampler, task=InpaintTask(src, mask), conditioning="palette" if cond else "replace")
    np.save(a.out, out.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
