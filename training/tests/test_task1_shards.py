"""Scoring what a sampling run has finished: the shards from the first one on."""
from __future__ import annotations

import json

import numpy as np

from task1.shards import best_finished, finished_prefix, load_shards


def make_run(folder: Path, n: int, shard: int, done: list[int]) -> np.ndarray:
    """A run of n samples whose sample i is filled with the value i % 251 (its seed); only the shards in done exist."""
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"n": n, "shardSize": shard}))
    every = np.stack([np.full((3, 4, 4), i % 251, np.uint8) for i in range(n)])
    for k in done:
        np.save(folder / f"shard-{k:05d}.npy", every[k * shard:(k + 1) * shard])
    return every


def test_finished_prefix_stops_at_the_first_missing_shard(tmp_path):
    every = make_run(tmp_path / "a", n=10, shard=3, done=[0, 1, 3])
    got = finished_prefix(tmp_path / "a")
    assert got.shape == (6, 3, 4, 4)
    assert np.array_equal(got, every[:6])  # shard 3 is finished but lies after the gap
    make_run(tmp_path / "b", n=10, shard=3, done=[0, 1, 2, 3])
    assert np.array_equal(finished_prefix(tmp_path / "b"), every)  # the last shard is short
    assert np.array_equal(load_shards(tmp_path / "b"), every)
    make_run(tmp_path / "c", n=10, shard=3, done=[1])
    assert len(finished_prefix(tmp_path / "c")) == 0


def test_best_finished_picks_the_run_with_most_finished_samples(tmp_path):
    make_run(tmp_path / "ddim100-n2000", n=8, shard=2, done=[0, 1, 2, 3])      # complete: 8
    make_run(tmp_path / "ddim100-n10000", n=20, shard=2, done=[0, 1, 2, 3, 4])  # 10 finished
    make_run(tmp_path / "ddim100-n50", n=4, shard=2, done=[0, 1])                # complete: 4
    out, imgs = best_finished(sorted(tmp_path.glob("ddim100-n*")) + [tmp_path / "not-made"])
    assert out.name == "ddim100-n10000" and len(imgs) == 10
    assert [int(x[0, 0, 0]) for x in imgs] == list(range(10))
    assert best_finished([tmp_path / "not-made"]) is None
