#!/usr/bin/env python3
"""Train a diffusion U-Net on CPU, resumably.

  nohup nice -n 19 /usr/bin/python3 training/train.py --config photo --name photo-inpaint \
      > training/runs/photo-inpaint/train.log 2>&1 &
  /usr/bin/python3 training/train.py --config photo --name photo-inpaint --resume

Checkpoints (model, EMA, optimizer, step, every RNG state) go to
training/runs/<name>/ckpt.pt every ``checkpoint_minutes`` and on SIGTERM/SIGINT,
written atomically. ``--resume`` continues bit-for-bit from the last
checkpoint; a checkpoint without optimizer state (e.g. an EMA-only file)
restarts Adam from the EMA weights. Losses go to runs/<name>/loss.csv.
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import math
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inpaint_training.config import create_diffusion, create_model, make_config  # noqa: E402
from inpaint_training.data import make_batch, make_dataset  # noqa: E402
from inpaint_training.diffusion import timestep_sampler  # noqa: E402
from inpaint_training.unet import count_parameters  # noqa: E402

RUNS = Path(__file__).resolve().parent / "runs"


def parse_override(s: str):
    k, _, v = s.partition("=")
    try:
        return k, json.loads(v)
    except json.JSONDecodeError:
        return k, v


def save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


@torch.no_grad()
def ema_update(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    for pe, pm in zip(ema.parameters(), model.parameters()):
        pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="photo", help="preset name (photo, tiny, fmnist)")
    ap.add_argument("--name", help="run folder under training/runs (default: the model id)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--max-steps", type=int)
    ap.add_argument("--max-hours", type=float, default=math.inf, help="stop (with a checkpoint) after this long")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--runs-dir", type=Path, default=RUNS)
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=JSON", help="override config keys")
    args = ap.parse_args()

    overrides = dict(parse_override(s) for s in args.set)
    if args.threads:
        overrides["threads"] = args.threads
    if args.max_steps:
        overrides["max_steps"] = args.max_steps
    cfg = make_config(args.config, **overrides)
    run_dir = args.runs_dir / (args.name or cfg["id"])
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = run_dir / "ckpt.pt"
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(cfg["seed"])

    model = create_model(cfg)
    diffusion = create_diffusion(cfg)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    sampler = timestep_sampler(cfg["timestep_sampler"], diffusion.num_timesteps)
    np_rng = np.random.default_rng(cfg["seed"])
    torch_gen = torch.Generator().manual_seed(cfg["seed"])
    step = 0
    wall_before = 0.0  # training seconds spent in earlier sessions

    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location="cpu")
        saved = ck["config"]
        for key in ("model_channels", "channel_mult", "num_res_blocks", "attention_resolutions", "image_size",
                    "kind", "var_type", "schedule", "timesteps"):
            if list(np.atleast_1d(saved[key])) != list(np.atleast_1d(cfg[key])):
                raise SystemExit(f"checkpoint {ckpt_path} was trained with {key}={saved[key]!r}, config has {cfg[key]!r}")
        ema.load_state_dict(ck["ema"])
        step = ck["step"]
        wall_before = ck.get("wall_seconds", 0.0)
        if ck.get("optimizer") is not None and ck.get("model") is not None:
            model.load_state_dict(ck["model"])
            opt.load_state_dict(ck["optimizer"])
            np_rng.bit_generator.state = ck["np_rng"]
            torch_gen.set_state(ck["torch_gen"])
            torch.set_rng_state(ck["torch_rng"])
            if "sampler" in ck and hasattr(sampler, "loss_history"):
                sampler.loss_history, sampler.loss_counts = ck["sampler"]
            print(f"resumed {ckpt_path} at step {step}", flush=True)
        else:
            model.load_state_dict(ck["ema"])
            np_rng = np.random.default_rng([cfg["seed"], step])
            torch_gen = torch.Generator().manual_seed(cfg["seed"] + step)
            print(f"resumed {ckpt_path} at step {step} from EMA weights with a fresh optimizer", flush=True)
    elif args.resume:
        print(f"no checkpoint at {ckpt_path}; starting fresh", flush=True)

    n_params = count_parameters(model)
    print(f"config {args.config}: {n_params:,} parameters; {json.dumps(cfg, default=str)}", flush=True)
    dataset = make_dataset(cfg)
    (run_dir / "config.json").write_text(json.dumps(cfg, indent=1, default=str))

    stop = {"flag": False}

    def on_signal(signum, _frame):
        print(f"signal {signum}: checkpointing and stopping", flush=True)
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def checkpoint() -> None:
        save_atomic({
            "config": cfg, "step": step, "model": model.state_dict(), "ema": ema.state_dict(),
            "optimizer": opt.state_dict(), "np_rng": np_rng.bit_generator.state, "torch_gen": torch_gen.get_state(),
            "torch_rng": torch.get_rng_state(), "wall_seconds": wall_before + (time.time() - t_start),
            "parameters": n_params,
            "sampler": (sampler.loss_history, sampler.loss_counts) if hasattr(sampler, "loss_history") else None,
        }, ckpt_path)
        print(f"checkpoint step {step} -> {ckpt_path}", flush=True)

    csv_path = run_dir / "loss.csv"
    new_csv = not csv_path.exists()
    csv_file = open(csv_path, "a", newline="")
    writer = csv.writer(csv_file)
    if new_csv:
        writer.writerow(["step", "wall_hours", "loss", "mse", "vb", "steps_per_s"])

    t_start = time.time()
    last_ckpt = last_log = time.time()
    acc = {"loss": 0.0, "mse": 0.0, "vb": 0.0, "n": 0}
    steps_at_log = step
    model.train()
    while step < cfg["max_steps"] and not stop["flag"]:
        x0_np, mask_np = make_batch(dataset, cfg, np_rng)
        x0 = torch.from_numpy(x0_np)
        t, weights = sampler.sample(x0.shape[0], torch_gen)
        noise = torch.randn(x0.shape, generator=torch_gen)
        if mask_np is not None:
            mask = torch.from_numpy(mask_np)
            cond = x0 * (1.0 - mask)  # zero-fill masked source
        else:
            mask = cond = None
        terms = diffusion.training_losses(model, x0, t, noise, cond=cond, mask=mask)
        sampler.update(t, terms["vb"] if "vb" in terms else terms["loss"])
        loss = (terms["loss"] * weights).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg["grad_clip"]:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
        opt.step()
        step += 1
        # EMA warm-up so that short runs are not dominated by the initial weights
        ema_update(ema, model, min(cfg["ema_decay"], (1 + step) / (10 + step)))
        acc["loss"] += float(loss)
        acc["mse"] += float(terms["mse"].mean())
        acc["vb"] += float(terms["vb"].mean()) if "vb" in terms else 0.0
        acc["n"] += 1
        now = time.time()
        if step % cfg["log_every"] == 0:
            rate = (step - steps_at_log) / max(now - last_log, 1e-9)
            n = acc["n"]
            wall_h = (wall_before + now - t_start) / 3600
            writer.writerow([step, f"{wall_h:.4f}", f"{acc['loss'] / n:.6f}", f"{acc['mse'] / n:.6f}",
                             f"{acc['vb'] / n:.6f}", f"{rate:.4f}"])
            csv_file.flush()
            print(f"step {step} loss {acc['loss'] / n:.4f} mse {acc['mse'] / n:.4f} vb {acc['vb'] / n:.4f} "
                  f"{rate:.3f} steps/s wall {wall_h:.2f} h", flush=True)
            acc = {"loss": 0.0, "mse": 0.0, "vb": 0.0, "n": 0}
            last_log, steps_at_log = now, step
        if now - last_ckpt > cfg["checkpoint_minutes"] * 60:
            checkpoint()
            last_ckpt = now
        if (now - t_start) / 3600 > args.max_hours:
            print("max hours reached", flush=True)
            break
    checkpoint()
    csv_file.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
