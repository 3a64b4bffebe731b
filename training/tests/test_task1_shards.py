"""Scoring what a sampling run has finished: the shards from the first one on."""
from __future__ import annotations

import json

import numpy as np

from task1.shards import adopt_shards, best_finished, finished_prefix, load_shards


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


def test_adopt_shards_links_the_full_shards_of_a_run_with_the_same_settings(tmp_path):
    settings = {"modelSha256": "abc", "method": "ddpm", "steps": "1000", "shardSize": 2, "seed": 0, "task": None}
    every = make_run(tmp_path / "1000-n5", n=5, shard=2, done=[0, 1, 2])  # shard 2 is short (sample 4 only)
    (tmp_path / "1000-n5" / "meta.json").write_text(json.dumps({**settings, "n": 5}))
    other = tmp_path / "1000-n4"  # another seed: its samples differ and must not be taken (it sorts first)
    other.mkdir()
    (other / "meta.json").write_text(json.dumps({**settings, "seed": 7, "n": 4}))
    for k in range(2):
        np.save(other / f"shard-{k:05d}.npy", np.full((2, 3, 4, 4), 200, np.uint8))

    out = tmp_path / "1000-n8"
    assert adopt_shards(out, 8, settings) == 2  # shards 0 and 1 of the n5 run; its short shard 2 is not taken
    assert sorted(p.name for p in out.iterdir()) == ["shard-00000.npy", "shard-00001.npy"]
    (out / "meta.json").write_text(json.dumps({**settings, "n": 8}))
    assert np.array_equal(finished_prefix(out), every[:4])

    # A smaller run takes only what it needs, and never the last (short) shard of its own count.
    small = tmp_path / "1000-n3"
    assert adopt_shards(small, 3, settings) == 1
    assert [p.name for p in small.iterdir()] == ["shard-00000.npy"]
    # Other settings (model, steps) are never mixed in, and a folder that already has meta.json is left alone.
    assert adopt_shards(tmp_path / "1000-n6", 6, {**settings, "modelSha256": "other"}) == 0
    assert adopt_shards(out, 8, settings) == 0
