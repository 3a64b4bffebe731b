#!/usr/bin/env python3
"""Task 1 evaluation of the Fashion-MNIST DDPMs, end to end: sample, score, write the report.

  /usr/bin/python3 training/fmnist_eval.py classifier            # train the feature classifier (minutes)
  /usr/bin/python3 training/fmnist_eval.py speed                 # TS + ONNX Runtime vs PyTorch, same run
  /usr/bin/python3 training/fmnist_eval.py sample  [counts]      # resumable; safe to run under nohup
  /usr/bin/python3 training/fmnist_eval.py score   [counts]      # FID / IS / precision / recall
  /usr/bin/python3 training/fmnist_eval.py repaint [--images 100 --k 4]
  /usr/bin/python3 training/fmnist_eval.py report                # docs/task1-eval.md + docs/task1/*.png
  /usr/bin/python3 training/fmnist_eval.py all     [counts]      # every stage in order
  /usr/bin/python3 training/fmnist_eval.py shipped               # evaluate the shipped step-6,000 pair instead

Counts: --n-ddim (default 10000, for DDIM 50 and 100 steps; --n-ddim100 sets
DDIM 100 apart) and --n-ddpm (default 2000, for DDPM at 1000 steps). Models: --runs (default fmnist-ddpm
fmnist-linear) are exported from their current ckpt.pt to
training/runs/task1/models/<id>-step<N>/ (outside git; the run folders and
models/ are not touched). Samples, timings and scores live under
training/runs/task1/; each stage records its results in results.json there,
and `report` writes the doc from that file only (and keeps a copy of it beside the
doc, docs/task1/results.json, so the numbers survive a machine without the run folders).

`shipped` prepares the pair the page reports on without any run folder: the
shipped models/fmnist-ddpm (ONNX, checked against its manifest's sha256) and the
linear twin from its committed resume checkpoint, both at training step 6,000,
and makes them the models every later stage uses.

Full counts in the background (resumable, restart the same command after a stop):
  nohup nice -n 10 /usr/bin/python3 training/fmnist_eval.py all > training/runs/task1/all.log 2>&1 &
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from task1 import classifier as clf  # noqa: E402
from task1 import metrics  # noqa: E402
from task1.export import TASK1, export_checkpoint, export_run  # noqa: E402
from task1.shards import adopt_shards, best_finished, load_shards, run_driver, write_task  # noqa: E402

RESULTS = TASK1 / "results.json"
REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = REPO_ROOT / "models" / "fmnist-ddpm"
LINEAR_CHECKPOINT = REPO_ROOT / "training" / "checkpoints" / "fmnist-linear.resume.pt"
SAMPLE_PLAN = (("ddim", "ddim50", "n_ddim"), ("ddim", "ddim100", "n_ddim100"), ("ddpm", "1000", "n_ddpm"))
STEP_LABELS = {"ddim50": "DDIM 50", "ddim100": "DDIM 100", "1000": "DDPM 1000"}
SHARD = 250
PR_REFERENCES = 5  # reference subsets precision/recall are averaged over


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_results() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def update_results(key: str, value) -> None:
    r = load_results()
    r[key] = value
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".tmp")
    tmp.write_text(json.dumps(r, indent=1) + "\n")
    os.replace(tmp, RESULTS)


def model_dirs(args) -> list[Path]:
    """The export folders to evaluate: --model-dirs; else those the last export recorded; else (or with
    --export) the runs' current checkpoints, exported once per training step."""
    if args.model_dirs:
        return [Path(d).resolve() for d in args.model_dirs]
    recorded = load_results().get("modelDirs")
    if recorded and not args.export:
        return [TASK1 / "models" / name for name in recorded]
    dirs = []
    for run in args.runs:
        dirs.append(export_run(run))
        log(f"{run}: exported {dirs[-1].name}")
    update_results("modelDirs", [d.name for d in dirs])
    args.export = False  # once per invocation
    return dirs


def planned_count(args, model_index: int, steps: str, count: str) -> int:
    """Samples for one row of the plan. The headline row (the first model, DDIM 50: Task 1's "10,000 samples
    of fmnist-ddpm") always gets its full count; --n-rest caps every other row (the schedule and step-count
    comparisons), which are then read at equal n."""
    n = getattr(args, count)
    if args.n_rest is not None and not (model_index == 0 and steps == "ddim50"):
        n = min(n, args.n_rest)
    return n


def sample_dir(model_dir: Path, steps: str, n: int) -> Path:
    return TASK1 / "samples" / model_dir.name / f"{steps}-n{n}"


def manifest_of(model_dir: Path) -> dict:
    return json.loads((model_dir / "manifest.json").read_text())


# ---------------------------------------------------------------- stages

def stage_classifier(args) -> None:
    r = clf.train(args.epochs, threads=args.threads, log=log)
    clf.save(r["model"], r["info"])
    x_test, y_test = clf.load_split("test")
    r["info"]["testAccuracySaved"] = clf.accuracy(clf.load_classifier(), x_test, y_test)
    clf.save(r["model"], r["info"])
    log(json.dumps(r["info"]))


def stage_shipped(args) -> None:
    """The evaluated pair from committed files only: the shipped cosine model and the linear twin."""
    import hashlib
    import shutil

    man = manifest_of(SHIPPED_MODEL)
    onnx = SHIPPED_MODEL / man["file"]
    digest = hashlib.sha256(onnx.read_bytes()).hexdigest()
    if digest != man["sha256"]:
        raise SystemExit(f"{onnx}: sha256 {digest} does not match its manifest ({man['sha256']})")
    cosine = TASK1 / "models" / f"{man['id']}-step{man['training']['steps']}"
    cosine.mkdir(parents=True, exist_ok=True)
    for f in ("manifest.json", man["file"]):
        dest = cosine / f
        if not dest.exists() or dest.read_bytes() != (SHIPPED_MODEL / f).read_bytes():
            shutil.copyfile(SHIPPED_MODEL / f, dest)
    linear = export_checkpoint(LINEAR_CHECKPOINT)
    lin_steps = manifest_of(linear)["training"]["steps"]
    if lin_steps != man["training"]["steps"]:
        log(f"note: the linear twin's checkpoint is at step {lin_steps:,}, the shipped model at "
            f"{man['training']['steps']:,}: the schedule comparison is not at equal training")
    update_results("modelDirs", [cosine.name, linear.name])
    log(f"evaluating {cosine.name} and {linear.name}")


def weights_dir(dirs: list[Path]) -> Path:
    """The first model folder with PyTorch weights (the shipped model has only its ONNX file)."""
    for d in dirs:
        if (d / "weights.pt").exists():
            return d
    raise SystemExit("no evaluated model folder has weights.pt for the PyTorch reference")


def stage_speed(args) -> None:
    from task1.speed import compare_paths

    d = weights_dir(model_dirs(args))
    rows = []
    for batch in args.speed_batches:
        r = compare_paths(d, batch=batch, steps=args.speed_steps, threads=args.threads, log=log)
        r["loadavg1min"] = os.getloadavg()[0]
        log(json.dumps(r))
        rows.append(r)
    prev = load_results().get("speed", {})
    if prev.get("model") == d.name:  # keep other (batch, threads) settings measured on the same export
        new = {(r["batch"], r["threads"], r["steps"]) for r in rows}
        rows = [r for r in prev["rows"] if (r["batch"], r["threads"], r["steps"]) not in new] + rows
    update_results("speed", {"model": d.name, "rows": rows, "loadavg": os.getloadavg()})


def stage_sample(args) -> None:
    for i, d in enumerate(model_dirs(args)):
        for method, steps, count in SAMPLE_PLAN:
            n = planned_count(args, i, steps, count)
            if n <= 0:
                continue
            out = sample_dir(d, steps, n)
            log(f"{d.name} {method} {steps}: {n} samples -> {out}")
            shard = min(SHARD, n)
            reused = adopt_shards(out, n, {"modelSha256": manifest_of(d)["sha256"], "method": method, "steps": steps,
                                           "shardSize": shard, "seed": 0, "task": None})
            if reused:
                log(f"  {reused} shard(s) taken from a run of the same settings with another count (seed = index)")
            recs = run_driver(d, out, method=method, steps=steps, n=n, shard_size=shard, threads=args.threads,
                              nice=args.nice, log=log)
            if recs:
                timing = load_results().get("sampleTiming", {})
                key = f"{d.name}/{steps}"
                prev = timing.get(key, [])
                load = os.getloadavg()[0]
                timing[key] = prev + [{"msPerSampleCall": r["msPerSampleCall"], "samples": r["samples"],
                                       "loadavg1min": load} for r in recs]
                update_results("sampleTiming", timing)


def _features(images: np.ndarray, model) -> tuple[np.ndarray, np.ndarray]:
    return clf.features_and_probs(model, images)


def _score(fake_f, fake_p, real_stats, real_pool_f) -> dict:
    n = len(fake_f)
    # Precision/recall compare with as many train images as there are samples. The k-NN radii, and so
    # precision, change a lot from one random reference subset to another (a few outlying train images with
    # wide balls cover many odd samples), so both are the mean over PR_REFERENCES subsets, fixed per n so that
    # rows of equal n share them, with their spread.
    pr = np.array([metrics.precision_recall(
        real_pool_f[np.random.default_rng([n, j]).choice(len(real_pool_f), min(n, len(real_pool_f)), replace=False)],
        fake_f, k=3) for j in range(PR_REFERENCES)])
    p, r = pr.mean(0)
    p_std, r_std = pr.std(0)
    is_mean, is_std = metrics.inception_score(fake_p, splits=10 if n >= 100 else 1)
    counts = np.bincount(fake_p.argmax(1), minlength=len(clf.CLASSES))
    return {"n": n, "fid": metrics.frechet_distance(*metrics.gaussian_stats(fake_f), *real_stats),
            "is": is_mean, "isStd": is_std, "precision": float(p), "precisionStd": float(p_std),
            "recall": float(r), "recallStd": float(r_std), "prReferences": PR_REFERENCES,
            "topClass": clf.CLASSES[int(counts.argmax())], "topClassShare": float(counts.max() / n)}


def real_features(model) -> tuple[np.ndarray, ...]:
    """Train and test set features and softmax, cached per classifier weights file."""
    import hashlib

    digest = hashlib.sha256(clf.WEIGHTS.read_bytes()).hexdigest()[:16]
    cache = TASK1 / f"real-features-{digest}.npz"
    if cache.exists():
        z = np.load(cache)
        return z["train_f"], z["train_p"], z["test_f"], z["test_p"]
    log("features of the train and test sets")
    train_f, train_p = _features(clf.load_split("train")[0], model)
    test_f, test_p = _features(clf.load_split("test")[0], model)
    np.savez(cache, train_f=train_f, train_p=train_p, test_f=test_f, test_p=test_p)
    return train_f, train_p, test_f, test_p


def stage_score(args) -> None:
    model = clf.load_classifier()
    train_f, train_p, test_f, test_p = real_features(model)
    train_stats = metrics.gaussian_stats(train_f)
    model_rows, skipped = [], []
    for i, d in enumerate(model_dirs(args)):
        man = manifest_of(d)
        for method, steps, count in SAMPLE_PLAN:
            n = planned_count(args, i, steps, count)
            if n <= 0:
                continue
            planned = sample_dir(d, steps, n)
            # The planned run, else the larger or smaller run of the same settings with the most finished samples.
            found = best_finished([planned] + sorted(planned.parent.glob(f"{steps}-n*")))
            label = f"{man['id']} (step {man['training']['steps']:,}) {STEP_LABELS[steps]}"
            if found is None:
                log(f"skipped: {planned}: no finished shard yet")
                skipped.append(f"{label}, {n:,} samples")
                continue
            out, imgs = found
            if len(imgs) < n:
                log(f"{label}: {len(imgs):,} of the planned {n:,} samples finished; scored on those")
                skipped.append(f"{label}: {len(imgs):,} of {n:,} samples finished, scored on those")
            else:
                imgs = imgs[:n]
            f, p = _features(imgs, model)
            base = {"model": man["id"], "schedule": man["schedule"]["type"], "steps": STEP_LABELS[steps],
                    "step": man["training"]["steps"], "dir": str(out.relative_to(TASK1))}
            model_rows.append((base, f, p))
    # FID is biased by the sample count: every larger set is also scored on its first N samples, for each
    # --compare-n and each other row's count, so schedules and step counts are compared at equal n.
    sizes = {len(f) for _, f, _ in model_rows} | {k for k in args.compare_n if k > 0}
    counts = {len(f) for _, f, _ in model_rows} | {k for _, f, _ in model_rows for k in sizes if k < len(f)}
    rows = []
    for n in sorted(counts | {10000}):  # the real-data reference at each sample count used (FID is biased upward at small n)
        idx = np.random.default_rng(1_000_000 + n).choice(len(test_f), min(n, len(test_f)), replace=False)
        rows.append({"model": "real test set", "schedule": "—", "steps": "—", "step": None,
                     **_score(test_f[idx], test_p[idx], train_stats, train_f)})
        log(f"reference n={n}: {rows[-1]}")
    for base, f, p in model_rows:
        rows.append({**base, **_score(f, p, train_stats, train_f)})
        log(f"{base['dir']}: {rows[-1]}")
        for k in sorted(sizes, reverse=True):
            if k < len(f):
                rows.append({**base, "subset": k, **_score(f[:k], p[:k], train_stats, train_f)})
    info = torch_load_info()
    update_results("fid", {"rows": rows, "classifier": info, "realReference": "Fashion-MNIST train set (60,000)",
                           "notSampledYet": skipped})


def torch_load_info() -> dict:
    import torch

    return torch.load(clf.WEIGHTS, map_location="cpu")["info"]


def stage_repaint(args) -> None:
    from task1 import repaint_study as rs

    d = model_dirs(args)[0]
    man = manifest_of(d)
    if man["schedule"]["type"] != "cosine":
        log(f"note: the RePaint study runs on {man['id']} ({man['schedule']['type']})")
    tasks = rs.build_tasks(args.images, args.kinds, args.k, seed=args.seed)
    folder = TASK1 / "repaint" / f"{d.name}-i{args.images}-k{args.k}-s{args.seed}"
    src_file, mask_file = write_task(tasks["source"], tasks["mask"], folder)
    s, j, r = args.repaint_steps, args.jump_length, args.jump_n_sample
    calls = rs.network_calls("repaint", s, j, r)
    methods = [("repaint", dict(method="repaint", steps=str(s), jump_length=j, jump_n_sample=r)),
               ("replace", dict(method="ddpm", steps=str(s))),
               ("replace-equal-calls", dict(method="ddpm", steps=str(calls)))]
    n_kinds, n_img, k = len(args.kinds), args.images, args.k
    out_rows, grids = [], {}
    for name, spec in methods:
        out = folder / (f"{name}-{spec['steps']}" + (f"-j{j}r{r}" if name == "repaint" else ""))
        log(f"RePaint study: {name} {spec} on {len(tasks['source'])} rows -> {out}")
        t0 = time.time()
        recs = run_driver(d, out, task_source=src_file, task_mask=mask_file, shard_size=args.shard_size,
                          threads=args.threads, nice=args.nice, seed=args.seed + 100_000, log=log, **spec)
        filled = rs.to_grey(load_shards(out)).reshape(n_kinds, n_img, k, 32, 32)
        ms = [x["msPerSampleCall"] for x in recs]
        grids[name] = filled
        for ki, kind in enumerate(args.kinds):
            sc = rs.score(filled[ki], tasks["originals"], tasks["masks"][kind])
            out_rows.append({"method": name, "kind": kind, "steps": int(spec["steps"]),
                             "networkCalls": rs.network_calls(spec["method"], int(spec["steps"]), j, r),
                             "jumpLength": j if name == "repaint" else None,
                             "jumpNSample": r if name == "repaint" else 1, **sc})
        log(f"  {name}: {time.time() - t0:.0f} s{f', {np.median(ms):.1f} ms per sample-call' if ms else ''}")
    for ki, kind in enumerate(args.kinds):
        tel = rs.telea(tasks["originals"], tasks["masks"][kind])
        sc = rs.score(tel, tasks["originals"], tasks["masks"][kind])
        out_rows.append({"method": "telea (no model)", "kind": kind, "steps": 0, "networkCalls": 0,
                         "jumpLength": None, "jumpNSample": None, **sc})
    np.savez_compressed(folder / "filled.npz", **{k_: v for k_, v in grids.items()}, originals=tasks["originals"],
                        **{f"mask_{kind}": tasks["masks"][kind] for kind in args.kinds})
    update_results("repaint", {"model": man["id"], "step": man["training"]["steps"], "images": n_img, "k": k,
                               "kinds": list(args.kinds), "seed": args.seed, "rows": out_rows,
                               "folder": str(folder.relative_to(TASK1)), "testIndices": [int(i) for i in tasks["pick"]]})


def stage_report(args) -> None:
    from task1.report import write_report

    res = load_results()
    path = write_report(res, args)
    copy = path.parent / "task1" / "results.json"
    copy.write_text(json.dumps(res, indent=1) + "\n")
    log(f"wrote {path} and {copy}")


# ---------------------------------------------------------------- CLI

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["classifier", "shipped", "speed", "sample", "score", "repaint", "report", "all"])
    ap.add_argument("--runs", nargs="+", default=["fmnist-ddpm", "fmnist-linear"])
    ap.add_argument("--model-dirs", nargs="+", help="evaluate these exported model folders instead of --runs")
    ap.add_argument("--export", action="store_true", help="re-export the runs' current checkpoints (all does)")
    ap.add_argument("--n-ddim", type=int, default=10000, help="samples for DDIM 50 and 100 steps")
    ap.add_argument("--n-ddim100", type=int, help="samples for DDIM 100 steps if not --n-ddim")
    ap.add_argument("--n-ddpm", type=int, default=2000, help="samples for DDPM 1000 steps (0 skips it)")
    ap.add_argument("--n-rest", type=int,
                    help="cap every row but the headline (first model, DDIM 50) at this many samples")
    ap.add_argument("--compare-n", type=int, nargs="+", default=[2000],
                    help="also score every larger sample set on its first N samples, for each N given (equal-n comparisons; 0 = off)")
    ap.add_argument("--threads", type=int, default=2, help="ONNX Runtime / PyTorch intra-op threads")
    ap.add_argument("--nice", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=4, help="classifier epochs")
    ap.add_argument("--speed-batches", type=int, nargs="+", default=[8, 64])
    ap.add_argument("--speed-steps", type=int, default=10)
    ap.add_argument("--images", type=int, default=100, help="RePaint study: test images")
    ap.add_argument("--k", type=int, default=4, help="RePaint study: samples per image and mask")
    ap.add_argument("--kinds", nargs="+", default=["centre-box", "random-boxes", "irregular", "half-image"])
    ap.add_argument("--repaint-steps", type=int, default=25)
    ap.add_argument("--jump-length", type=int, default=5)
    ap.add_argument("--jump-n-sample", type=int, default=4)
    ap.add_argument("--shard-size", type=int, default=200, help="RePaint study rows per shard")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--note", default="", help="a sentence for the report (e.g. the load during the run)")
    args = ap.parse_args()
    if args.n_ddim100 is None:
        args.n_ddim100 = args.n_ddim
    if args.images < 1 or args.k < 1 or min(args.n_ddim, args.n_ddim100, args.n_ddpm, args.n_rest or 0) < 0:
        ap.error("counts must be positive")
    stages = {"classifier": stage_classifier, "shipped": stage_shipped, "speed": stage_speed, "sample": stage_sample, "score": stage_score,
              "repaint": stage_repaint, "report": stage_report}
    if args.stage == "all":
        args.export = True
        if not clf.WEIGHTS.exists():
            stage_classifier(args)
        for name in ("speed", "sample", "score", "repaint", "report"):
            log(f"== {name}")
            stages[name](args)
    else:
        stages[args.stage](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
