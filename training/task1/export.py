"""Exports a training run's current EMA weights to an ONNX model folder outside git
(manifest.json + model.onnx + weights.pt for the PyTorch reference), without
touching the run folder or models/. One folder per (run, step); an existing
folder is reused."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

TRAINING_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINING_ROOT))
from export_onnx import export, manifest  # noqa: E402
from inpaint_training.config import create_model  # noqa: E402
from inpaint_training.unet import count_parameters  # noqa: E402

RUNS = TRAINING_ROOT / "runs"
TASK1 = RUNS / "task1"


def load_checkpoint(path: Path, tries: int = 5) -> dict:
    """The trainer rewrites ckpt.pt every few minutes: retry a read that catches it mid-write."""
    for k in range(tries):
        try:
            return torch.load(path, map_location="cpu")
        except (RuntimeError, EOFError, OSError) as err:
            if k == tries - 1:
                raise RuntimeError(f"cannot read {path}: {err}") from err
            time.sleep(5)
    raise AssertionError("unreachable")


def export_run(run: str, out_root: Path = TASK1 / "models") -> Path:
    ckpt = RUNS / run / "ckpt.pt"
    if not ckpt.exists():
        raise FileNotFoundError(f"{ckpt} does not exist yet (the run writes it every checkpoint_minutes)")
    return export_checkpoint(ckpt, out_root)


def export_checkpoint(ckpt: Path, out_root: Path = TASK1 / "models") -> Path:
    """Exports a training checkpoint or a committed resume checkpoint (config, step, wall_seconds, ema)."""
    ck = load_checkpoint(ckpt)
    cfg, step = ck["config"], int(ck["step"])
    out = out_root / f"{cfg['id']}-step{step}"
    if (out / "manifest.json").exists() and (out / "weights.pt").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    model = create_model(cfg)
    model.load_state_dict(ck["ema"], strict=True)
    model.eval()
    torch.save({"config": cfg, "ema": ck["ema"], "step": step}, out / "weights.pt")
    export(model, cfg, out / "model.onnx")
    training = {"dataset": cfg["dataset"], "steps": step, "wallTimeHours": round(ck["wall_seconds"] / 3600, 3),
                "parameters": count_parameters(model), "finalLoss": None}
    m = manifest(cfg, out, out / "model.onnx", f"{cfg['id']} at step {step} (evaluation export)",
                 "MIT (trained here on Fashion-MNIST, MIT licence); evaluation export, not shipped", training)
    (out / "manifest.json").write_text(json.dumps(m, indent=2) + "\n")
    return out


def load_exported(model_dir: Path):
    """Config and EMA PyTorch model of an export made by ``export_run``."""
    ck = torch.load(model_dir / "weights.pt", map_location="cpu")
    model = create_model(ck["config"])
    model.load_state_dict(ck["ema"], strict=True)
    return ck["config"], model.eval(), int(ck["step"])
