"""Runs scripts/sample-fmnist.mjs (TypeScript sampler + ONNX Runtime) and reads its shards."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def run_driver(model_dir: Path, out: Path, *, method: str, steps: str, n: int | None = None, seed: int = 0,
               shard_size: int = 250, threads: int = 2, task_source: Path | None = None,
               task_mask: Path | None = None, jump_length: int = 10, jump_n_sample: int = 1,
               max_shards: int | None = None, nice: int = 10, log=print) -> list[dict]:
    """Samples into ``out`` (resumable); returns the per-shard timing records it printed."""
    cmd = ["nice", "-n", str(nice), "node", str(REPO / "scripts" / "sample-fmnist.mjs"), "--model-dir", str(Path(model_dir).resolve()),
           "--out", str(Path(out).resolve()), "--method", method, "--steps", steps, "--seed", str(seed), "--shard-size", str(shard_size),
           "--threads", str(threads), "--jump-length", str(jump_length), "--jump-n-sample", str(jump_n_sample)]
    if n is not None:
        cmd += ["--n", str(n)]
    if task_source is not None:
        cmd += ["--task-source", str(Path(task_source).resolve()), "--task-mask", str(Path(task_mask).resolve())]
    if max_shards is not None:
        cmd += ["--max-shards", str(max_shards)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    records = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.strip()
        log(f"  {line}")
        if line.startswith("{"):
            records.append(json.loads(line))
    err = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0:
        raise RuntimeError(f"sampling driver failed ({' '.join(cmd)}): {err.strip()}")
    return records


def load_shards(out: Path) -> np.ndarray:
    """All finished samples, uint8 [N, C, H, W] in sample order; refuses an unfinished run."""
    meta = json.loads((out / "meta.json").read_text())
    shards = -(-meta["n"] // meta["shardSize"])
    missing = [k for k in range(shards) if not (out / f"shard-{k:05d}.npy").exists()]
    if missing:
        raise FileNotFoundError(f"{out}: {len(missing)} of {shards} shards are not sampled yet (rerun to resume)")
    return np.concatenate([np.load(out / f"shard-{k:05d}.npy") for k in range(shards)])


def finished_prefix(out: Path) -> np.ndarray:
    """The samples of the shards finished from the first one on, uint8 [N, C, H, W] (N may be 0): a run
    that is still going, or was stopped, is scored on what it has. Samples use seed = index, so a prefix
    of a larger run is the same as a smaller run."""
    meta = json.loads((out / "meta.json").read_text())
    shards = -(-meta["n"] // meta["shardSize"])
    parts = []
    for k in range(shards):
        f = out / f"shard-{k:05d}.npy"
        if not f.exists():
            break
        parts.append(np.load(f))
    return np.concatenate(parts) if parts else np.zeros((0, 0, 0, 0), np.uint8)


def best_finished(candidates: list[Path]) -> tuple[Path, np.ndarray] | None:
    """Of sample folders made with the same settings but different counts, the one with the most finished
    samples (from the first on), and those samples."""
    best = None
    for out in candidates:
        if not (out / "meta.json").exists():
            continue
        imgs = finished_prefix(out)
        if len(imgs) and (best is None or len(imgs) > len(best[1])):
            best = (out, imgs)
    return best


def adopt_shards(out: Path, n: int, expect: dict) -> int:
    """Seeds a new run folder ``out`` (n samples) with the full shards of a finished smaller or larger run of
    the same settings beside it (same parent, same ``{steps}-n*`` family): sample i always uses seed i, so
    shard k of any such run holds the same samples. ``expect`` holds the meta.json fields that must match
    (model sha256, method, steps, shard size, seed, ...). Files are hard-linked (copied across devices).
    Returns the number of shards adopted; an existing run folder is left alone."""
    import os
    import shutil

    if (out / "meta.json").exists():
        return 0
    shard = int(expect["shardSize"])
    wanted = -(-n // shard)
    adopted = 0
    prefix = out.name.rsplit("-n", 1)[0]
    for other in sorted(out.parent.glob(f"{prefix}-n*")):
        meta_file = other / "meta.json"
        if other == out or not meta_file.exists():
            continue
        meta = json.loads(meta_file.read_text())
        if any(meta.get(k) != v for k, v in expect.items()):
            continue
        full = int(meta["n"]) // shard  # a run's last shard may be short: only full ones are the same
        for k in range(min(full, wanted if n % shard == 0 else wanted - 1)):
            src, dst = other / f"shard-{k:05d}.npy", out / f"shard-{k:05d}.npy"
            if not src.exists() or dst.exists():
                continue
            out.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
            adopted += 1
    return adopted


def write_task(source: np.ndarray, mask: np.ndarray, folder: Path) -> tuple[Path, Path]:
    """float32 .npy task files for the driver: source [M, C, H, W] in [-1, 1], mask [M, 1, H, W]."""
    folder.mkdir(parents=True, exist_ok=True)
    s, m = folder / "task-source.npy", folder / "task-mask.npy"
    np.save(s, np.ascontiguousarray(source, dtype="<f4"))
    np.save(m, np.ascontiguousarray(mask, dtype="<f4"))
    return s, m
