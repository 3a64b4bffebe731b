#!/usr/bin/env python3
"""Export a trained model's EMA weights (or a public guided-diffusion checkpoint) to
ONNX + manifest.json in models/<id>/.

  /usr/bin/python3 training/export_onnx.py --run tiny-inpaint
  /usr/bin/python3 training/export_onnx.py --guided-diffusion-checkpoint places256_300000.pt \
      --preset places256 --licence "..." [--out models/places256]

ONNX: opset 17; inputs x [N, Cin, H, W] float32 and t [N] float32 (the original
integer timestep as a float); output out [N, Cout, H, W]; N, H and W dynamic.
Also writes <out>/export_check/ (gitignored use: pass --check-dir) holding inputs
and the PyTorch output, which training/check_onnx.mjs compares against
onnxruntime-node. --fp16 also writes model.fp16.onnx (training/export_fp16.py)
and records it in the manifest (fp16File, fp16Sha256).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_fp16 import fp16_name, sha256, with_fp16_file, write_fp16_file  # noqa: E402
from inpaint_training.config import create_model, in_channels, make_config, out_channels  # noqa: E402
from inpaint_training.unet import count_parameters  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "training" / "runs"


def export(model: torch.nn.Module, cfg: dict, path: Path) -> None:
    model.eval()
    s = cfg["image_size"]
    x = torch.zeros(1, in_channels(cfg), s, s)
    t = torch.zeros(1)
    torch.onnx.export(
        model, (x, t), str(path), opset_version=17, input_names=["x", "t"], output_names=["out"],
        dynamic_axes={"x": {0: "N", 2: "H", 3: "W"}, "t": {0: "N"}, "out": {0: "N", 2: "H", 3: "W"}},
        do_constant_folding=True)


def write_check(model: torch.nn.Module, cfg: dict, check_dir: Path) -> None:
    """Two input sets (batch 2 at the training size, batch 1 at another size) and PyTorch's outputs."""
    check_dir.mkdir(parents=True, exist_ok=True)
    f = 2 ** (len(cfg["channel_mult"]) - 1)
    s = cfg["image_size"]
    g = torch.Generator().manual_seed(0)
    cases = []
    for k, (n, h, w) in enumerate([(2, s, s), (1, s + 2 * f, s + f)]):
        x = torch.randn(n, in_channels(cfg), h, w, generator=g)
        if cfg["kind"] == "conditional-inpaint":
            c = cfg["channels"]
            x[:, -1] = (x[:, -1] > 0).float()
            x[:, c:2 * c] *= 1 - x[:, -1:]
        t = torch.tensor([999.0, 17.0][:n]) if n == 2 else torch.tensor([500.0])
        with torch.no_grad():
            out = model(x, t)
        for name, arr in (("x", x), ("t", t), ("out", out)):
            arr.numpy().astype("<f4").tofile(check_dir / f"case{k}_{name}.bin")
        cases.append({"x": list(x.shape), "t": list(t.shape), "out": list(out.shape)})
    (check_dir / "cases.json").write_text(json.dumps(cases, indent=1))


def manifest(cfg: dict, out_dir: Path, onnx_path: Path, name: str, licence: str, training: dict,
             working_edge: int | None = None) -> dict:
    m = {
        "schemaVersion": 1,
        "id": cfg["id"],
        "name": name,
        "kind": cfg["kind"],
        "resolution": cfg["image_size"],
        "channels": cfg["channels"],
        "valueRange": [-1, 1],
        "prediction": "epsilon",
        "varianceType": cfg["var_type"],
        "schedule": {"type": cfg["schedule"], "timesteps": cfg["timesteps"]},
        "timestepInput": "original-index",
    }
    if working_edge is not None:
        m["workingEdge"] = working_edge
    if cfg["kind"] == "conditional-inpaint":
        m["conditioning"] = {"maskedSource": "zero-fill", "maskChannel": "one-is-hole"}
    m.update({
        "inputs": {"x": {"name": "x", "layout": "NCHW", "channels": in_channels(cfg)},
                   "t": {"name": "t", "dtype": "float32"}},
        "output": {"name": "out", "layout": "NCHW", "channels": out_channels(cfg)},
        "file": onnx_path.name,
        "sha256": sha256(onnx_path),
        "fp16File": None,
        "fp16Sha256": None,
        "licence": licence,
        "card": "MODEL_CARD.md",
        "training": training,
    })
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", help="training run name under training/runs (exports its EMA weights)")
    ap.add_argument("--guided-diffusion-checkpoint", type=Path, help="a guided-diffusion state dict (.pt)")
    ap.add_argument("--preset", help="architecture preset for --guided-diffusion-checkpoint (places256, celeba256)")
    ap.add_argument("--out", type=Path, help="model folder (default models/<id>)")
    ap.add_argument("--name", help="human-readable model name")
    ap.add_argument("--licence", default="")
    ap.add_argument("--dataset", default="", help="dataset description for the manifest")
    ap.add_argument("--check-dir", type=Path, help="where to write the ORT comparison inputs/outputs")
    ap.add_argument("--working-edge", type=int,
                    help="long edge (px) the studio runs this model at by default, as measured by `inpaint-studio eval "
                         "--working-edge` (absent: the studio's default, 128)")
    ap.add_argument("--fp16", action="store_true", help="also write the half-precision model.fp16.onnx")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=JSON",
                    help="override preset keys for --guided-diffusion-checkpoint (e.g. a reduced test topology)")
    args = ap.parse_args()

    if bool(args.run) == bool(args.guided_diffusion_checkpoint):
        ap.error("give exactly one of --run or --guided-diffusion-checkpoint")
    if args.run:
        ck = torch.load(RUNS / args.run / "ckpt.pt", map_location="cpu")
        cfg = ck["config"]
        model = create_model(cfg)
        model.load_state_dict(ck["ema"], strict=True)
        rows = (RUNS / args.run / "loss.csv").read_text().strip().splitlines()[1:]
        last = rows[-3:]  # mean of the last three logged rows (each already a mean over log_every steps)
        final_loss = float(np.mean([float(r.split(",")[2]) for r in last])) if last else None
        # freeze exactly the exported weights for sample_reference.py / evaluate.py (gitignored)
        torch.save({"config": cfg, "ema": ck["ema"], "step": ck["step"], "wall_seconds": ck["wall_seconds"]},
                   RUNS / args.run / "exported_ema.pt")
        training = {"dataset": args.dataset or cfg["dataset"], "steps": int(ck["step"]),
                    "wallTimeHours": round(ck["wall_seconds"] / 3600, 3), "parameters": count_parameters(model),
                    "finalLoss": final_loss}
    else:
        if not args.preset:
            ap.error("--guided-diffusion-checkpoint needs --preset")
        overrides = {}
        for item in args.set:
            k, _, v = item.partition("=")
            overrides[k] = json.loads(v)
        cfg = make_config(args.preset, **overrides)
        model = create_model(cfg)
        state = torch.load(args.guided_diffusion_checkpoint, map_location="cpu")
        state = state.get("state_dict", state) if isinstance(state, dict) else state
        model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
        training = {"dataset": args.dataset or "unknown (public checkpoint)", "steps": 0, "wallTimeHours": 0,
                    "parameters": count_parameters(model), "finalLoss": None}
        if not args.licence:
            ap.error("--licence is required for third-party checkpoints")
    out = args.out or ROOT / "models" / cfg["id"]
    out.mkdir(parents=True, exist_ok=True)
    onnx_path = out / "model.onnx"
    model.eval()
    export(model, cfg, onnx_path)
    m = manifest(cfg, out, onnx_path, args.name or cfg["id"], args.licence, training, args.working_edge)
    if args.fp16:
        fp16_path = out / fp16_name(onnx_path.name)
        print(f"{fp16_path.name}: {write_fp16_file(onnx_path, fp16_path).summary()}")
        m = with_fp16_file(m, fp16_path.name, sha256(fp16_path))
    (out / "manifest.json").write_text(json.dumps(m, indent=2) + "\n")
    check_dir = args.check_dir or (RUNS / (args.run or cfg["id"]) / "export_check")
    write_check(model, cfg, check_dir)
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB), manifest, check data in {check_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
