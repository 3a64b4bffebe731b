"""PyTorch side of the sampler benchmark: the same model (weights read from
the shipped ONNX file into training/'s UNet, strict), the same steps, timed
in this process; also the model's FLOPs per network call and this CPU's
measured matmul peak. Prints one JSON object.

    /usr/bin/python3 bench/torch_reference.py --model-dir models/tiny-inpaint --size 32 32 --batch 1 --steps 25 --seed 7
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))

from inpaint_training.config import PRESETS, create_model, make_config  # noqa: E402
from inpaint_training.diffusion import GaussianDiffusion, ModelVarType  # noqa: E402
from inpaint_training.sampling import InpaintTask, NoiseSource, sample_final  # noqa: E402

PRESET_OF = {"photo-inpaint": "photo", "tiny-inpaint": "tiny", "fmnist-ddpm": "fmnist"}


def load_model(model_dir: str):
    """The PyTorch model with the EMA weights the ONNX file was exported from:
    models/<id>/ema.pt when shipped, else training/runs/<id>/exported_ema.pt."""
    manifest = json.load(open(os.path.join(model_dir, "manifest.json")))
    candidates = [os.path.join(model_dir, "ema.pt"), os.path.join(ROOT, "training", "runs", manifest["id"], "exported_ema.pt")]
    path = next((c for c in candidates if os.path.exists(c)), None)
    if path is None:
        raise SystemExit(f"no PyTorch weights for {manifest['id']} (looked for {', '.join(candidates)})")
    blob = torch.load(path, map_location="cpu")
    cfg = blob["config"] if "config" in blob else make_config(PRESET_OF[manifest["id"]])
    model = create_model(cfg).eval()
    state = {k: v.float() for k, v in blob["ema"].items()}
    model.load_state_dict(state, strict=True)
    return manifest, model


def model_flops(model: torch.nn.Module, x: torch.Tensor, t: torch.Tensor) -> float:
    """FLOPs (2 per multiply-add) of one network call: convolutions, linear
    layers and the two attention matmuls, counted with forward hooks."""
    from inpaint_training.unet import AttentionBlock
    total = [0.0]

    def conv_hook(m, inp, out):
        kh, kw = m.kernel_size
        total[0] += 2.0 * out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m, inp, out):
        total[0] += 2.0 * out.numel() * m.in_features

    def attn_hook(m, inp, out):
        b, c = inp[0].shape[:2]
        tokens = int(np.prod(inp[0].shape[2:]))
        total[0] += 2.0 * 2.0 * b * tokens * tokens * c  # QK^T and AV

    hooks = []
    for mod in model.modules():
        if isinstance(mod, torch.nn.Conv2d):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, torch.nn.Linear):
            hooks.append(mod.register_forward_hook(linear_hook))
        elif isinstance(mod, AttentionBlock):
            hooks.append(mod.register_forward_hook(attn_hook))
    with torch.inference_mode():
        model(x, t)
    for h in hooks:
        h.remove()
    return total[0]


def matmul_peak_flops(seconds: float = 1.5) -> float:
    n = 1024
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    torch.mm(a, b)
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        torch.mm(a, b)
        reps += 1
    return 2.0 * n ** 3 * reps / (time.perf_counter() - t0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", required=True)
    p.add_argument("--size", type=int, nargs=2, required=True)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--step-runs", type=int, default=9)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--peak", action="store_true")
    p.add_argument("--out-npy", default=None, help="write the final sample here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    manifest, model = load_model(a.model_dir)
    c, (h, w), n = manifest["channels"], a.size, a.batch
    cond = manifest["kind"] == "conditional-inpaint"
    in_ch = 2 * c + 1 if cond else c
    full = GaussianDiffusion.from_schedule(manifest["schedule"]["type"], manifest["schedule"]["timesteps"], var_type=ModelVarType(manifest["varianceType"]))
    diffusion = full.respaced(str(a.steps))
    # The task the TypeScript side uses too: a smooth source with a centre box hole.
    yy, xx = np.mgrid[0:h, 0:w]
    src = np.stack([np.sin(xx / 5.0 + k) * np.cos(yy / 7.0) * 0.8 for k in range(c)])[None].repeat(n, 0).astype(np.float32)
    mask = (((xx >= w // 4) & (xx < 3 * w // 4) & (yy >= h // 4) & (yy < 3 * h // 4)).astype(np.float32))[None, None].repeat(n, 0)
    task = InpaintTask(torch.from_numpy(src), torch.from_numpy(mask))

    x_in = torch.randn(n, in_ch, h, w)
    t_in = torch.full((n,), 500.0)
    # PyTorch's fastest eager inference path; warm-up calls so one-time kernel
    # selection (oneDNN primitives per shape) is not timed.
    with torch.inference_mode():
        for _ in range(a.warmup):
            model(x_in, t_in)
        times = []
        for _ in range(a.step_runs):
            t0 = time.perf_counter()
            model(x_in, t_in)
            times.append(time.perf_counter() - t0)

        def denoise(x, t):
            return model(x, t)

        t0 = time.perf_counter()
        out = sample_final(diffusion, denoise, NoiseSource(a.seed, n, (c, h, w)), (n, c, h, w), method="ddim",
                           task=task, conditioning="palette" if cond else "replace")
        sample_s = time.perf_counter() - t0
    if a.out_npy:
        np.save(a.out_npy, out.numpy().astype(np.float32))
    result = {
        "stepMsMedian": float(np.median(times) * 1000), "stepMsAll": [t * 1000 for t in times], "sampleMs": sample_s * 1000,
        "flopsPerStep": model_flops(model, x_in, t_in), "threads": torch.get_num_threads(), "interopThreads": torch.get_num_interop_threads(),
        "torch": torch.__version__,
    }
    if a.peak:
        result["matmulPeakFlops"] = matmul_peak_flops()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
