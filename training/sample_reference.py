#!/usr/bin/env python3
"""Reference sampling with PyTorch weights, and the TypeScript parity fixtures.

  # inpaint an image with a trained run's EMA weights
  /usr/bin/python3 training/sample_reference.py --run tiny-inpaint --image in.png --mask m.png \
      --method ddim --steps ddim25 --seed 7 --samples 4 --out out.png
  # write src/main/diffusion/fixtures/<id>.sampler.json for the TS parity test
  /usr/bin/python3 training/sample_reference.py --run tiny-inpaint --fixture

Noise comes from the shared RNG (one generator per sample, seed + i) or from
--noise-file (a .npy [draws, N, C, H, W] consumed in order). The draw order is
documented in docs/rng.md.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inpaint_training.config import create_diffusion, create_model  # noqa: E402
from inpaint_training.sampling import ArrayNoise, InpaintTask, NoiseSource, sample  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "training" / "runs"
FIXTURES = ROOT / "src" / "main" / "diffusion" / "fixtures"


def load_run(name: str, weights: str = "exported_ema.pt"):
    """Config and EMA model of a run: the weights frozen at export if present, else the latest checkpoint."""
    frozen = RUNS / name / weights
    if frozen.exists():
        ck = torch.load(frozen, map_location="cpu")
    else:
        ck = torch.load(RUNS / name / "ckpt.pt", map_location="cpu")
    cfg = ck["config"]
    model = create_model(cfg)
    model.load_state_dict(ck["ema"], strict=True)
    return cfg, model.eval()


def run_sampler(cfg, model, *, method, steps, seed, batch, source=None, mask=None, eta=0.0, strength=1.0,
                jump_length=10, jump_n_sample=1, noise=None, conditioning=None):
    diffusion = create_diffusion(cfg).respaced(steps)
    c, s = cfg["channels"], cfg["image_size"]
    h, w = (source.shape[2], source.shape[3]) if source is not None else (s, s)
    shape = (batch, c, h, w)
    noise = noise or NoiseSource(seed, batch, (c, h, w))
    task = InpaintTask(source, mask) if source is not None else None
    if conditioning is None:
        conditioning = "none" if task is None else ("palette" if cfg["kind"] == "conditional-inpaint" else "replace")
    denoise = lambda x, t: model(x, t)
    last = None
    for last in sample(diffusion, denoise, noise, shape, method=method, eta=eta, task=task,
                       conditioning=conditioning, strength=strength, jump_length=jump_length,
                       jump_n_sample=jump_n_sample):
        pass
    return last["x"], noise.draws, conditioning


def synthetic_case(channels: int, size: int):
    """A deterministic source (smooth gradients + a disc) and a box-plus-stroke mask, no files needed."""
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    r = np.sqrt((xx - 0.35) ** 2 + (yy - 0.6) ** 2)
    base = [0.8 * xx - 0.4, 0.6 * yy - 0.5 + 0.6 * (r < 0.2), 0.3 - 0.5 * xx * yy]
    src = np.stack(base[:channels]).astype(np.float32)[None]
    mask = np.zeros((1, 1, size, size), np.float32)
    mask[..., size // 4: size // 2 + 2, size // 3: size * 3 // 4] = 1.0
    mask[..., size * 3 // 4: size * 3 // 4 + 2, 2: size - 2] = 1.0
    return torch.from_numpy(src), torch.from_numpy(mask)


def f32_list(t: torch.Tensor) -> list[float]:
    return [float(v) for v in t.detach().float().numpy().ravel()]


def write_fixture(run: str) -> Path:
    cfg, model = load_run(run)
    manifest = json.loads((ROOT / "models" / cfg["id"] / "manifest.json").read_text())
    onnx_sha = hashlib.sha256((ROOT / "models" / cfg["id"] / manifest["file"]).read_bytes()).hexdigest()
    if onnx_sha != manifest["sha256"]:
        raise SystemExit("models/<id>/model.onnx does not match its manifest; re-export first")
    size = cfg["image_size"]
    src, mask = synthetic_case(cfg["channels"], size)
    cases = []
    if cfg["kind"] == "conditional-inpaint":
        specs = [dict(method="ddim", steps="ddim10", eta=0.0), dict(method="ddpm", steps="10"),
                 dict(method="ddim", steps="ddim10", eta=1.0, strength=0.6)]
    else:
        specs = [dict(method="ddim", steps="ddim10", eta=0.0, uncond=True), dict(method="ddpm", steps="10"),
                 dict(method="repaint", steps="10", jump_length=3, jump_n_sample=2)]
    for spec in specs:
        spec = dict(spec)
        uncond = spec.pop("uncond", False)
        seed = 1234
        with torch.no_grad():
            x, draws, conditioning = run_sampler(cfg, model, seed=seed, batch=2, source=None if uncond else src.repeat(2, 1, 1, 1),
                                                 mask=None if uncond else mask.repeat(2, 1, 1, 1), **spec)
        cases.append({**spec, "seed": seed, "batch": 2, "conditioning": conditioning, "draws": draws,
                      "output": f32_list(x)})
    fixture = {
        "model": cfg["id"], "onnxSha256": onnx_sha, "generator": "training/sample_reference.py --fixture",
        "spec": "docs/rng.md", "shape": [cfg["channels"], size, size],
        "source": f32_list(src), "mask": f32_list(mask), "tolerance": 1e-3, "cases": cases,
    }
    out = FIXTURES / f"{cfg['id']}.sampler.json"
    out.write_text(json.dumps(fixture) + "\n")
    return out


def load_image(path: Path, size: int | None) -> torch.Tensor:
    from PIL import Image

    im = Image.open(path).convert("RGB")
    if size:
        im = im.resize((size, size), Image.LANCZOS)
    return torch.from_numpy(np.asarray(im, np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--fixture", action="store_true", help="write the TS parity fixture and exit")
    ap.add_argument("--method", default="ddim", choices=["ddpm", "ddim", "repaint"])
    ap.add_argument("--steps", default="ddim50", help='respacing: "ddimN", "N" or "a,b,c"')
    ap.add_argument("--eta", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", type=int, default=1)
    ap.add_argument("--image", type=Path)
    ap.add_argument("--mask", type=Path, help="PNG, white (> 127) = fill")
    ap.add_argument("--strength", type=float, default=1.0)
    ap.add_argument("--jump-length", type=int, default=10)
    ap.add_argument("--jump-n-sample", type=int, default=1)
    ap.add_argument("--noise-file", type=Path)
    ap.add_argument("--out", type=Path, default=Path("sample.png"))
    args = ap.parse_args()

    if args.fixture:
        print(f"wrote {write_fixture(args.run)}")
        return 0
    cfg, model = load_run(args.run)
    src = mask = None
    if args.image:
        src = load_image(args.image, cfg["image_size"]).repeat(args.samples, 1, 1, 1)
        m = load_image(args.mask, cfg["image_size"])[:, :1] if args.mask else None
        if m is None:
            ap.error("--image needs --mask")
        mask = (m > (127 / 127.5 - 1.0)).float().repeat(args.samples, 1, 1, 1)
    noise = ArrayNoise(np.load(args.noise_file)) if args.noise_file else None
    with torch.no_grad():
        x, draws, _ = run_sampler(cfg, model, method=args.method, steps=args.steps, seed=args.seed,
                                  batch=args.samples, source=src, mask=mask, eta=args.eta, strength=args.strength,
                                  jump_length=args.jump_length, jump_n_sample=args.jump_n_sample, noise=noise)
    from PIL import Image

    imgs = ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    grid = np.concatenate(list(imgs), axis=1)
    Image.fromarray(grid).save(args.out)
    print(f"wrote {args.out} ({args.samples} samples, {draws} noise draws)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
