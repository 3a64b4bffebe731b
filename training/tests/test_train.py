"""Training runs, checkpoints and resumes bit-for-bit (micro model on Fashion-MNIST)."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

TRAINING = Path(__file__).resolve().parents[1]
MICRO = ["model_channels=32", "channel_mult=[1,2]", "num_res_blocks=1", "attention_resolutions=[16]",
         "batch_size=2", "log_every=1", "threads=1"]


def train(runs, name, steps, resume=False):
    cmd = [sys.executable, str(TRAINING / "train.py"), "--config", "fmnist", "--name", name, "--runs-dir", str(runs),
           "--max-steps", str(steps), "--set", *MICRO] + (["--resume"] if resume else [])
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    return torch.load(runs / name / "ckpt.pt", map_location="cpu")


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").exists(), reason="dataset-fashion-mnist missing")
def test_resume_is_bit_exact(tmp_path):
    straight = train(tmp_path, "a", 4)
    train(tmp_path, "b", 2)
    resumed = train(tmp_path, "b", 4, resume=True)
    assert straight["step"] == resumed["step"] == 4
    for k in straight["ema"]:
        assert torch.equal(straight["ema"][k], resumed["ema"][k]), k
    for k in straight["model"]:
        assert torch.equal(straight["model"][k], resumed["model"][k]), k
    rows = (tmp_path / "b" / "loss.csv").read_text().strip().splitlines()
    assert rows[0].startswith("step,") and len(rows) == 5  # header + steps 1-4 across both sessions
    # the 4-step run moved away from its initialisation
    init = train(tmp_path, "c", 1)
    assert any(not torch.equal(init["model"][k], straight["model"][k]) for k in init["model"])
