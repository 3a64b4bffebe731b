"""A slim, committable checkpoint of a run: config, step, wall time and the EMA
weights in fp16 (no optimizer state, no raw weights). `train.py --resume`
accepts it and continues from the EMA weights with a fresh optimizer.

    /usr/bin/python3 training/make_resume_checkpoint.py photo-inpaint
    # next session, on a fresh clone:
    mkdir -p training/runs/photo-inpaint
    cp training/checkpoints/photo-inpaint.resume.pt training/runs/photo-inpaint/ckpt.pt
    /usr/bin/python3 training/train.py --config photo --name photo-inpaint --resume
"""
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent


def main() -> None:
    name = sys.argv[1]
    ck = torch.load(ROOT / "runs" / name / "ckpt.pt", map_location="cpu")
    slim = {"config": ck["config"], "step": ck["step"], "wall_seconds": ck.get("wall_seconds", 0.0),
            "ema": {k: v.half() if v.is_floating_point() else v for k, v in ck["ema"].items()}}
    out = ROOT / "checkpoints" / f"{name}.resume.pt"
    out.parent.mkdir(exist_ok=True)
    torch.save(slim, out)
    print(f"{out}: step {slim['step']}, {out.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
