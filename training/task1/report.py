"""Writes docs/task1-eval.md and docs/task1/*.png from training/runs/task1/results.json.

Every number and image in the doc comes from that file and the sample shards
it points to; nothing is typed by hand."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image

from .classifier import FEATURE_DIM, WEIGHTS
from .export import TASK1
from .shards import REPO, finished_prefix

DOC = REPO / "docs" / "task1-eval.md"
IMG_DIR = REPO / "docs" / "task1"
FULL_N_DDIM, FULL_N_DDPM = 10000, 2000
# network calls per sample of the full plan: 10k x 50 + 10k x 100 (DDIM) + 2k x 1000 (DDPM)
FULL_CALLS_PER_MODEL = FULL_N_DDIM * 50 + FULL_N_DDIM * 100 + FULL_N_DDPM * 1000


def grid(images: np.ndarray, cols: int, scale: int = 2) -> Image.Image:
    """uint8 [N, H, W] or [N, 3, H, W] -> one PNG-ready grid, 2 px gaps, nearest upscaling."""
    if images.ndim == 4:
        images = images.transpose(0, 2, 3, 1)
    else:
        images = np.repeat(images[..., None], 3, -1)
    n, h, w, _ = images.shape
    rows = -(-n // cols)
    canvas = np.full((rows * (h + 2) + 2, cols * (w + 2) + 2, 3), 255, np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        canvas[2 + r * (h + 2): 2 + r * (h + 2) + h, 2 + c * (w + 2): 2 + c * (w + 2) + w] = im
    pil = Image.fromarray(canvas)
    return pil.resize((pil.width * scale, pil.height * scale), Image.NEAREST)


def fmt(v, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    return f"{v:,.{digits}f}"


def _spread(r: dict, key: str) -> str:
    """A precision or recall value, with its spread over reference subsets where measured."""
    std = r.get(f"{key}Std")
    return fmt(r[key], 3) if std is None else f"{fmt(r[key], 3)} ± {fmt(std, 3)}"


def _fid_table(res: dict) -> list[str]:
    out = ["| model | schedule | training step | sampler | samples | FID ↓ | IS ↑ | precision ↑ | recall ↑ | most frequent class |",
           "|---|---|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in res["rows"]:
        fid = fmt(r["fid"]) if r["n"] > FEATURE_DIM else f"n/a (n ≤ {FEATURE_DIM})"
        n = f"first {r['n']:,}" if r.get("subset") else f"{r['n']:,}"
        out.append(f"| {r['model']} | {r['schedule']} | {fmt(r['step'], 0) if r['step'] is not None else '—'} | "
                   f"{r['steps']} | {n} | {fid} | {fmt(r['is'])} ± {fmt(r['isStd'])} | "
                   f"{_spread(r, 'precision')} | {_spread(r, 'recall')} | "
                   f"{r.get('topClass', '—')} ({100 * r.get('topClassShare', 0):.0f} %) |")
    return out


def _sample_grids(res: dict) -> list[str]:
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    lines = []
    for r in res["rows"]:
        if "dir" not in r or r.get("subset"):
            continue
        imgs = finished_prefix(TASK1 / r["dir"])[:64]
        name = f"samples-{r['model']}-{r['steps'].lower().replace(' ', '')}.png"
        grid(imgs, 8).save(IMG_DIR / name, optimize=True)
        lines.append(f"![{r['model']} {r['steps']}, first {len(imgs)} samples](task1/{name})")
        lines.append(f"*{r['model']} (step {r['step']:,}), {r['steps']}: the first {len(imgs)} samples (seeds 0…{len(imgs) - 1}).*")
        lines.append("")
    from .classifier import load_split

    test, _ = load_split("test")
    grid(test[:64], 8).save(IMG_DIR / "real-test.png", optimize=True)
    lines += ["![real test images](task1/real-test.png)", "*The first 64 test-set images, for comparison.*", ""]
    return lines


def _repaint_section(rp: dict) -> list[str]:
    out = [f"Model: `{rp['model']}` at training step {rp['step']:,}. {rp['images']} test images "
           f"(fixed random choice, seed {rp['seed']}), one mask of each kind per image, {rp['k']} samples per "
           f"(image, mask). Grey levels 0–255; L1 is over the hole; PSNR and SSIM (scikit-image, data range 255, "
           "7×7 window) over the whole 32×32 image, known pixels included as the convention is; the hole's share of "
           "the image differs by mask kind, so compare methods within a kind. Diversity = mean pairwise L1 between "
           "the samples of one (image, mask) over the hole.", "",
           "| mask | method | steps | network calls / sample | hole L1 ↓ | L1 of the samples' mean ↓ | PSNR dB ↑ | SSIM ↑ | diversity |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rp["rows"]:
        method = r["method"] + (f" (jump {r['jumpLength']}, ×{r['jumpNSample']})" if r["method"] == "repaint" else "")
        out.append(f"| {r['kind']} | {method} | {r['steps']} | {r['networkCalls']} | {fmt(r['holeL1'])} | "
                   f"{fmt(r['holeL1OfMean'])} | {fmt(r['psnr'])} | {fmt(r['ssim'], 3)} | {fmt(r['diversityHoleL1'])} |")
    out += ["", "Resampling gain (positive = RePaint better), per mask kind:", "",
            "| mask | hole L1 vs replace, same steps | hole L1 vs replace, same calls | SSIM vs same steps | SSIM vs same calls |",
            "|---|---:|---:|---:|---:|"]
    by = {(r["kind"], r["method"]): r for r in rp["rows"]}
    for kind in rp["kinds"]:
        a, b, c = by[(kind, "repaint")], by[(kind, "replace")], by[(kind, "replace-equal-calls")]
        out.append(f"| {kind} | {fmt(b['holeL1'] - a['holeL1'])} | {fmt(c['holeL1'] - a['holeL1'])} | "
                   f"{fmt(a['ssim'] - b['ssim'], 3)} | {fmt(a['ssim'] - c['ssim'], 3)} |")
    # grids: original, masked, one sample of each method, Telea
    folder = TASK1 / rp["folder"]
    data = np.load(folder / "filled.npz")
    originals = data["originals"]
    cols = min(8, rp["images"])
    out.append("")
    for ki, kind in enumerate(rp["kinds"]):
        mask = data[f"mask_{kind}"][:cols]
        masked = np.where(mask > 0.5, 128, originals[:cols]).astype(np.uint8)
        rows = [originals[:cols], masked]
        for name in ("repaint", "replace", "replace-equal-calls"):
            f = data[name].reshape(len(rp["kinds"]), rp["images"], rp["k"], 32, 32)
            rows.append(np.clip(np.round(f[ki, :cols, 0]), 0, 255).astype(np.uint8))
        from .repaint_study import telea

        rows.append(np.clip(np.round(telea(originals[:cols], mask)[:, 0]), 0, 255).astype(np.uint8))
        name = f"repaint-{kind}.png"
        grid(np.concatenate(rows), cols).save(IMG_DIR / name, optimize=True)
        out += [f"![RePaint study, {kind}](task1/{name})",
                f"*{kind}: rows are the original, the masked input (hole grey), RePaint, replacement at the same "
                "steps, replacement at the same network calls, Telea.*", ""]
    return out


def _speed_section(res: dict, args) -> list[str]:
    out = []
    sp = res.get("speed")
    if sp:
        busy = max((r.get("loadavg1min") or 0) for r in sp["rows"]) > 3
        load = ("training and other jobs shared the 2 cores (load averages far above 2), so absolute times are "
                "noisy and the ratio is the measurement" if busy else
                "nothing else ran (the 1-minute load of about 2 is the measurement's own 2 threads); the ratio is "
                "the measurement, absolute times depend on the CPU")
        out += [f"Same weights (`{sp['model']}`), same seeds, DDIM, each row's two paths measured back to back; "
                f"{load}. The two paths' outputs differ by at most "
                f"{max(r['maxAbsDiffU8'] for r in sp['rows'])} uint8 level(s).", "",
                "| batch | steps | threads | load (1 min) | TS + ONNX Runtime ms / sample-call | PyTorch ms / sample-call | speed-up | max Δ (uint8 levels) | pixels differing |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sp["rows"]:
            out.append(f"| {r['batch']} | {r['steps']} | {r['threads']} | {fmt(r.get('loadavg1min'), 1)} | "
                       f"{fmt(r['tsMsPerSampleCall'])} | "
                       f"{fmt(r['torchMsPerSampleCall'])} | {fmt(r['speedupTsOverTorch'])}× | {r['maxAbsDiffU8']} | "
                       f"{100 * r['shareOfPixelsDiffering']:.3f} % |")
        out.append("")
    timing = res.get("sampleTiming", {})
    # batches of >= 100 stand for the full plan's 250-sample shards; tiny DDPM batches cost more per sample
    per_call = [t["msPerSampleCall"] for v in timing.values() for t in v if t["samples"] >= 100]
    if per_call:
        ms = float(np.median(per_call))
        hours = FULL_CALLS_PER_MODEL * ms / 1000 / 3600
        out += [f"Cost of the full plan: {FULL_CALLS_PER_MODEL / 1e6:.1f} M sample-network-calls per model "
                f"({FULL_N_DDIM:,} × 50 + {FULL_N_DDIM:,} × 100 DDIM, {FULL_N_DDPM:,} × 1000 DDPM). At the median "
                f"{ms:.1f} ms per sample-call measured in this run's sampling shards of ≥ 100 samples "
                f"({len(per_call)} shards, range {min(per_call):.0f}–{max(per_call):.0f} ms), that is about **{hours:.1f} h per model, {2 * hours:.1f} h for cosine and linear**; the "
                "RePaint study at its defaults (100 images × 4 masks × 4 samples; 100 + 25 + 100 calls) adds "
                f"{1600 * 225 * ms / 1000 / 3600:.1f} h. These times were measured while training and other jobs "
                "shared the 2 cores (see the load column); time a shard with `speed` on the machine that will run "
                "the full counts before planning.", ""]
    return out


def write_report(res: dict, args) -> Path:
    if "fid" not in res:
        raise SystemExit("results.json has no scores yet: run the sample and score stages first")
    fid = res["fid"]
    clf = fid["classifier"]
    ns = sorted({r["n"] for r in fid["rows"] if "dir" in r and not r.get("subset")})
    full = all(r["n"] >= (FULL_N_DDPM if r["steps"] == "DDPM 1000" else FULL_N_DDIM) for r in fid["rows"] if "dir" in r and not r.get("subset"))
    lines = ["# Task 1 evaluation: the Fashion-MNIST DDPMs", "",
             f"*Generated by `training/fmnist_eval.py report` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
             "from `training/runs/task1/results.json` (copied to `docs/task1/results.json`); do not edit by hand, "
             "re-run the script.*", ""]
    sampled = [r for r in fid["rows"] if "dir" in r and not r.get("subset")]
    headline_full = bool(sampled) and sampled[0]["steps"] == "DDIM 50" and sampled[0]["n"] >= FULL_N_DDIM
    if not full and headline_full:
        rest = sorted({r["n"] for r in sampled[1:]})
        lines += [f"> **Counts.** The headline row ({sampled[0]['model']}, DDIM 50) has the plan's "
                  f"{sampled[0]['n']:,} samples. The comparison rows (other step counts, the linear schedule) have "
                  f"{', '.join(f'{n:,}' for n in rest)} samples each, to fit the 2-core CPU's time; the headline is "
                  "also scored on its first samples at those counts, so every comparison is read at equal n, "
                  "beside the real-data row of the same count.", ""]
    elif not full:
        lines += [f"> **Reduced counts.** This run used {', '.join(f'{n:,}' for n in ns)} samples per row instead "
                  f"of the plan's {FULL_N_DDIM:,} (DDIM 50 and 100 steps) and {FULL_N_DDPM:,} (DDPM 1000 steps), "
                  "and early checkpoints (training steps below). It proves the pipeline end to end; its numbers are "
                  "not the Task 1 result. Compare each row with the real-data row of the same sample count: FID "
                  "and precision/recall depend strongly on the count.", ""]
    if args.note:
        lines += [args.note, ""]
    lines += ["## Feature space", "",
              "FID is normally computed in Inception-v3's pool features; those weights cannot be downloaded on this "
              "offline machine (and Inception is a poor judge of 28×28 grey clothing anyway), so every metric here "
              "uses a classifier trained here on the Fashion-MNIST labels "
              f"(`training/task1/classifier.py`, weights `training/task1/{WEIGHTS.name}`, "
              f"{WEIGHTS.stat().st_size / 1e6:.1f} MB): three conv–BN–ReLU–pool blocks and a {FEATURE_DIM}-unit "
              f"dense layer; its {FEATURE_DIM}-d penultimate activations are the features and its softmax gives the "
              f"Inception-Score analogue. {clf['parameters']:,} parameters, {clf['epochs']} epochs "
              f"({clf['trainSeconds']:.0f} s on the shared CPU), **test accuracy {100 * clf['testAccuracySaved']:.2f} %** "
              f"(design target ≥ 90 %). Numbers in this feature space are not comparable with published "
              "Inception FIDs.", "",
              "Metrics (`training/task1/metrics.py`, tested against closed forms in "
              "`training/tests/test_task1_metrics.py`): FID = Fréchet distance between Gaussians fitted to the "
              f"samples' features and to the {fid['realReference']}'s (scipy `sqrtm`); IS = exp E KL(p(y|x) ‖ p(y)) "
              "over 10 splits (1 split below 100 samples; mean ± std; 10 classes make 10 the maximum); precision/recall after Kynkäänniemi et al. (2019), "
              "k = 3, against as many random train images as there are samples: the k-NN radii, and so precision, "
              "change a lot from one random reference subset to another (a few outlying train images with wide "
              "balls cover many odd samples), so both are the mean ± standard deviation over 5 reference subsets, "
              "the same 5 for every row of one sample count. The DDPMs are trained on grey "
              "images replicated to 3 channels; a sample's channel mean is the grey image scored (early checkpoints "
              "still put different values in the 3 channels, seen as colour in the grids, which the grey "
              "conversion hides). The DDPMs were trained with random horizontal flips; the reference statistics "
              "use the unflipped train set. Each real-data row uses a random subset of the test set of its size "
              "(fixed per size).", "",
              "## Sample quality", ""]
    lines += _fid_table(fid)
    lines += ["", "The real test set scored against the train set is the reference: a perfect model would match "
              "its row at the same sample count. The last column is the classifier's most frequent label among "
              "the samples (10 % for a balanced set). k-NN precision alone can be high for collapsed samples: if "
              "they all land in one small region that a few real points' k-NN balls cover, nearly all count as "
              "realistic; read it together with recall, IS and that column.", ""]
    if fid.get("notSampledYet"):
        lines += ["Rows of the plan whose samples were not all finished when this page was written (a row is "
                  "scored on the samples finished from the first on, which are the same as a smaller run's; resume "
                  "the `sample` stage, then `score` and `report`): " + "; ".join(fid["notSampledYet"]) + ".", ""]
    lines += ["## Sample grids", ""] + _sample_grids(fid)
    if "repaint" in res:
        lines += ["## RePaint vs plain known-region replacement", ""] + _repaint_section(res["repaint"])
    lines += ["## Sampling path and cost", "",
              "Samples come from the shipped path: the TypeScript sampler (`src/main/diffusion/sampler.ts`) with the "
              "ONNX denoiser in its worker thread (`src/main/inference`), driven by `scripts/sample-fmnist.mjs`, on "
              "ONNX exports of the runs' EMA weights. Sample *i* of a run always uses seed *i* (one generator per "
              "sample), so shards are reproducible and resumable. The PyTorch reference sampler was timed against "
              "it on the same weights and seeds:", ""]
    lines += _speed_section(res, args)
    lines += ["## Reproducing and running the full counts", "",
              "```sh",
              "node scripts/build.mjs                                   # the inference worker",
              "/usr/bin/python3 training/fmnist_eval.py classifier      # only if the weights file is missing",
              "/usr/bin/python3 training/fmnist_eval.py shipped         # this page's models (else `all` exports the runs' current checkpoints)",
              "nohup nice -n 10 /usr/bin/python3 training/fmnist_eval.py all > training/runs/task1/all.log 2>&1 &",
              "# after a stop: run the same command; finished shards are kept",
              "```", "",
              "`all` exports the current checkpoints of `fmnist-ddpm` and `fmnist-linear` (a new export folder per "
              "training step, so samples of different steps never mix), samples 10,000 DDIM-50, 10,000 DDIM-100 "
              "and 2,000 DDPM-1000 images of each, scores them, runs the RePaint study (100 test images × 4 mask "
              "kinds × 4 samples) and rewrites this page. Counts: `--n-ddim`, `--n-ddpm`, `--images`, `--k`; "
              "stages can be run one at a time (`sample`, `score`, `repaint`, `report`).", ""]
    DOC.write_text("\n".join(lines))
    return DOC
