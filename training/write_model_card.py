#!/usr/bin/env python3
"""Write models/<id>/MODEL_CARD.md from the manifest, the run's loss.csv and metrics.json.

  /usr/bin/python3 training/write_model_card.py --run tiny-inpaint --notes "..."
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "training" / "runs"

DATA = {
    "wallpapers": ("Photographs from Debian 12 wallpaper packages (mate-backgrounds, plasma-workspace-wallpapers), "
                   "selected by training/fetch_wallpapers.py; every file, its package and licence are listed in "
                   "training/DATA_CARD.md. Random square crops with a log-uniform side between the model "
                   "resolution and the image's short side (cached at {crop} px), area-resized to "
                   "{size}x{size}, random horizontal flips; masks from the seeds' hybrid mix "
                   "(free-form strokes, 1-5 boxes covering 10-40 %, thick/thin strokes, centre box, half image)."),
    "fashion-mnist": ("Fashion-MNIST training set (60,000 28x28 grey images, MIT licence) from Debian's "
                      "dataset-fashion-mnist, zero-padded to 32x32, grey replicated to 3 channels, random "
                      "horizontal flips."),
}


def loss_table(run: Path, rows_wanted: int = 12) -> list[str]:
    with open(run / "loss.csv") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return ["(no loss rows logged)"]
    idx = sorted({round(i * (len(rows) - 1) / (rows_wanted - 1)) for i in range(rows_wanted)})
    out = ["| step | wall h | loss | mse (eps) | vb (bits/dim) |", "|---|---|---|---|---|"]
    for i in idx:
        lo, hi = max(0, i - 2), min(len(rows), i + 3)  # average a few logged rows to de-noise
        win = rows[lo:hi]
        mean = lambda k: sum(float(r[k]) for r in win) / len(win)
        out.append(f"| {rows[i]['step']} | {float(rows[i]['wall_hours']):.2f} | {mean('loss'):.4f} | "
                   f"{mean('mse'):.4f} | {mean('vb'):.4f} |")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--notes", default="", help="extra paragraph (limitations, intended use)")
    args = ap.parse_args()
    run = RUNS / args.run
    cfg = json.loads((run / "config.json").read_text())
    model_dir = ROOT / "models" / cfg["id"]
    m = json.loads((model_dir / "manifest.json").read_text())
    metrics_path = model_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else None
    tr = m["training"]
    lines = [
        f"# {m['name']} (`{m['id']}`)", "",
        f"- Kind: {m['kind']}; {m['resolution']}x{m['resolution']}, {m['channels']} channels in [-1, 1]"
        + (f"; the studio runs it at a working edge of {m['workingEdge']} px (long edge of the context crop; "
           "docs/eval.md has the measurement)" if "workingEdge" in m else ""),
        f"- Network: guided-diffusion-style U-Net, {tr['parameters']:,} parameters; model_channels "
        f"{cfg['model_channels']}, channel_mult {tuple(cfg['channel_mult'])}, {cfg['num_res_blocks']} res blocks "
        f"per level, attention at {tuple(cfg['attention_resolutions'])} px, scale-shift GroupNorm, dropout "
        f"{cfg['dropout']}",
        f"- Input: `x` [N, {m['inputs']['x']['channels']}, H, W]"
        + (" = noisy image (clean source outside the hole) | source with the hole set to 0 | mask (1 = hole)"
           if m["kind"] == "conditional-inpaint" else " = noisy image")
        + f"; `t` [N] float32 original timestep; output `out` [N, {m['output']['channels']}, H, W] = eps | v",
        f"- Diffusion: {m['schedule']['type']} schedule, T = {m['schedule']['timesteps']}, epsilon prediction, "
        f"{m['varianceType']} variance, loss {cfg['loss']}"
        + ((" (L_simple + 0.001 * L_vlb, stop-gradient on the mean"
            + ("; on the hole only)" if m["kind"] == "conditional-inpaint" else ")")) if cfg["loss"] == "hybrid" else ""),
        f"- Training: {tr['steps']:,} steps of batch {cfg['batch_size']} ({tr['steps'] * cfg['batch_size']:,} "
        f"examples), AdamW lr {cfg['lr']}, EMA {cfg['ema_decay']} (with warm-up), {tr['wallTimeHours']:.2f} h "
        f"wall time on 2 shared CPU cores at nice 19; final loss (mean of the last 3 logged rows) "
        f"{tr['finalLoss']:.4f}",
        f"- Licence: {m['licence']}",
        f"- ONNX: `{m['file']}` sha256 `{m['sha256']}`, opset 17, dynamic N/H/W"
        + (f"; half precision: `{m['fp16File']}` sha256 `{m['fp16Sha256']}` (training/export_fp16.py; inputs and "
           "outputs stay float32; the studio uses it on GPU providers only, fp32 on the CPU)"
           if m.get("fp16File") else ""),
        "", "## Data", "", DATA.get(cfg["dataset"], cfg["dataset"]).format(crop=cfg.get("crop_short_side"),
                                                                         size=cfg["image_size"]),
        "", "## Loss curve", "", *loss_table(run), "",
        "## Metrics", "",
    ]
    if metrics:
        lines += ["```json", json.dumps(metrics, indent=1), "```", ""]
        if m["kind"] == "conditional-inpaint":
            lines += ["Hole L1 is in 0-255 units on held-out photo crops (training/data/wallpapers/eval.txt) "
                      "with the training mask mix. The baselines need no model: mean fill (known pixels' mean) "
                      "and OpenCV Telea. `samples.png` rows: source, masked input, sample 1, sample 2, Telea.", ""]
        else:
            lines += ["`samples.png`: the first rows are DDIM samples from seed 0; the last four rows are "
                      "held-out test images, the centre-box input, RePaint's fill and OpenCV Telea's fill. "
                      "Hole L1 is in 0-255 units.", ""]
    else:
        lines += ["Not measured yet.", ""]
    if args.notes:
        lines += ["## Notes", "", args.notes, ""]
    (model_dir / "MODEL_CARD.md").write_text("\n".join(lines))
    print(f"wrote {model_dir / 'MODEL_CARD.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
