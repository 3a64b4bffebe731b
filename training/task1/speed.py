"""Which sampling path is faster here: the shipped TypeScript sampler + ONNX Runtime
(scripts/sample-fmnist.mjs) or the PyTorch reference sampler, on the same
weights, seeds and settings, measured back to back in the same run. The
outputs are compared too (uint8 levels), so "faster" is at equal outputs."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from .export import load_exported  # also puts training/ on sys.path
from .shards import load_shards, run_driver
from inpaint_training.config import create_diffusion  # noqa: E402
from inpaint_training.sampling import NoiseSource, sample_final  # noqa: E402


def compare_paths(model_dir: Path, *, batch: int = 64, steps: int = 10, threads: int = 2, log=print) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rec = run_driver(model_dir, Path(tmp) / "ts", method="ddim", steps=f"ddim{steps}", n=batch, shard_size=batch,
                         threads=threads, seed=11, nice=0, log=log)
        ts_wall = time.perf_counter() - t0
        ts = load_shards(Path(tmp) / "ts")
    cfg, model, _ = load_exported(model_dir)
    torch.set_num_threads(threads)
    diffusion = create_diffusion(cfg).respaced(f"ddim{steps}")
    shape = (batch, cfg["channels"], cfg["image_size"], cfg["image_size"])
    t0 = time.perf_counter()
    with torch.no_grad():
        x = sample_final(diffusion, lambda xi, ti: model(xi, ti), NoiseSource(11, batch, shape[1:]), shape, method="ddim")
    torch_s = time.perf_counter() - t0
    ref = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
    diff = np.abs(ts.astype(int) - ref.astype(int))
    ts_s = rec[0]["seconds"]
    return {"batch": batch, "steps": steps, "threads": threads,
            "tsSeconds": ts_s, "tsWallSecondsWithStartup": round(ts_wall, 2), "torchSeconds": round(torch_s, 2),
            "tsMsPerSampleCall": round(1000 * ts_s / (batch * steps), 2),
            "torchMsPerSampleCall": round(1000 * torch_s / (batch * steps), 2),
            "speedupTsOverTorch": round(torch_s / ts_s, 2),
            "maxAbsDiffU8": int(diff.max()), "shareOfPixelsDiffering": float((diff > 0).mean())}
