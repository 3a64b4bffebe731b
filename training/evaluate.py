#!/usr/bin/env python3
"""Honest, small evaluation of a run's EMA weights on held-out data.

Conditional models: held-out wallpaper crops (training/data/wallpapers/eval.txt)
with the training mask mix; hole L1 (in [0, 255] units) of each DDIM sample,
of the mean of the samples, and of two baselines that need no model: fill
with the known pixels' mean, and OpenCV Telea inpainting.
Unconditional models: a grid of samples and the mean/std of sample pixels vs
the test set.

  /usr/bin/python3 training/evaluate.py --run tiny-inpaint [--n 32] [--steps ddim25]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inpaint_training.data import FashionMnist, PhotoCrops, TRAINING_ROOT  # noqa: E402
from inpaint_training.masks import make_mask  # noqa: E402
from sample_reference import load_run, run_sampler  # noqa: E402

EVAL_LIST = TRAINING_ROOT / "data" / "wallpapers" / "eval.txt"


def to_u8(x: torch.Tensor) -> np.ndarray:
    return ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def evaluate_conditional(cfg, model, n: int, steps: str, samples_per: int = 2, seed: int = 0):
    rng = np.random.default_rng(seed)
    data = PhotoCrops(cfg["image_size"], cfg["crop_short_side"], file_list=EVAL_LIST)
    s = cfg["image_size"]
    x0 = torch.from_numpy(np.stack([data.sample(rng) for _ in range(n)]))
    mask = torch.from_numpy(np.stack([make_mask("hybrid", s, s, rng) for _ in range(n)])[:, None])
    outs = []
    for k in range(samples_per):
        with torch.no_grad():
            x, _, _ = run_sampler(cfg, model, method="ddim", steps=steps, seed=1000 * k + 1, batch=n,
                                  source=x0, mask=mask)
        outs.append(x)
    hole = mask.expand_as(x0).bool()
    l1 = lambda a: float(((a - x0).abs()[hole]).mean() * 127.5)
    per_sample = [l1(o) for o in outs]
    mean_of_samples = l1(torch.stack(outs).mean(0))
    known_mean = (x0 * (1 - mask)).sum((2, 3), keepdim=True) / (1 - mask).sum((2, 3), keepdim=True).clamp(min=1)
    mean_fill = l1(mask * known_mean + (1 - mask) * x0)
    src_u8 = to_u8(x0)
    telea = []
    for i in range(n):
        m8 = (mask[i, 0].numpy() * 255).astype(np.uint8)
        telea.append(cv2.inpaint(np.ascontiguousarray(src_u8[i]), m8, 3, cv2.INPAINT_TELEA))
    telea_t = torch.from_numpy(np.stack(telea)).permute(0, 3, 1, 2).float() / 127.5 - 1
    metrics = {"evalCrops": n, "sampler": f"ddim {steps}, eta 0", "samplesPerCrop": samples_per,
               "holeL1PerSample": round(float(np.mean(per_sample)), 2),
               "holeL1MeanOfSamples": round(mean_of_samples, 2),
               "holeL1MeanFillBaseline": round(mean_fill, 2), "holeL1TeleaBaseline": round(l1(telea_t), 2)}
    grid_rows = [src_u8[:8], to_u8(x0 * (1 - mask) + mask * 0.0)[:8], to_u8(outs[0])[:8], to_u8(outs[-1])[:8],
                 np.stack(telea)[:8]]
    grid = np.concatenate([np.concatenate(list(r), axis=1) for r in grid_rows], axis=0)
    return metrics, grid


def evaluate_unconditional(cfg, model, n: int, steps: str, seed: int = 0):
    with torch.no_grad():
        x, _, _ = run_sampler(cfg, model, method="ddim", steps=steps, seed=seed, batch=n)
    test = FashionMnist("test").images.astype(np.float32) / 127.5 - 1
    u8 = to_u8(x)
    metrics = {"samples": n, "sampler": f"ddim {steps}, eta 0",
               "samplePixelMean": round(float(x.mean()), 3), "testPixelMean": round(float(test.mean()), 3),
               "samplePixelStd": round(float(x.std()), 3), "testPixelStd": round(float(test.std()), 3)}
    cols = 8
    rows = [np.concatenate(list(u8[r * cols:(r + 1) * cols]), axis=1) for r in range(n // cols)]
    # RePaint on held-out test images with a centre box (the unconditional model never saw masks)
    rng = np.random.default_rng(seed)
    k = 8
    pick = rng.choice(len(test), k, replace=False)
    src = torch.from_numpy(np.repeat(test[pick][:, None], 3, axis=1))
    s = cfg["image_size"]
    mask = torch.from_numpy(np.stack([make_mask("centre-box", s, s, rng) for _ in range(k)])[:, None])
    with torch.no_grad():
        rp, _, _ = run_sampler(cfg, model, method="repaint", steps="50", seed=seed + 1, batch=k, source=src, mask=mask,
                               jump_length=5, jump_n_sample=3)
    hole = mask.expand_as(src).bool()
    telea = np.stack([cv2.inpaint(np.ascontiguousarray(to_u8(src)[i]), (mask[i, 0].numpy() * 255).astype(np.uint8), 3,
                                  cv2.INPAINT_TELEA) for i in range(k)])
    telea_t = torch.from_numpy(telea).permute(0, 3, 1, 2).float() / 127.5 - 1
    metrics.update({"repaint": "50 steps, jump_length 5, jump_n_sample 3, centre box, 8 test images",
                    "repaintHoleL1": round(float((rp - src).abs()[hole].mean() * 127.5), 2),
                    "teleaHoleL1": round(float((telea_t - src).abs()[hole].mean() * 127.5), 2)})
    rows += [np.concatenate(list(to_u8(src)), axis=1), np.concatenate(list(to_u8(src * (1 - mask))), axis=1),
             np.concatenate(list(to_u8(rp)), axis=1), np.concatenate(list(telea), axis=1)]
    return metrics, np.concatenate(rows, axis=0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--steps", default="ddim25")
    ap.add_argument("--out", type=Path, help="folder for metrics.json and samples.png (default models/<id>)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg, model = load_run(args.run)
    if cfg["kind"] == "conditional-inpaint":
        metrics, grid = evaluate_conditional(cfg, model, args.n, args.steps)
    else:
        metrics, grid = evaluate_unconditional(cfg, model, args.n, args.steps)
    out = args.out or TRAINING_ROOT.parent / "models" / cfg["id"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    from PIL import Image

    Image.fromarray(grid).resize((grid.shape[1] * 2, grid.shape[0] * 2), Image.NEAREST).save(out / "samples.png")
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
