"""The `shipped` stage refuses a model file that is not the one its manifest names."""
from __future__ import annotations

import hashlib
import json

import pytest

import fmnist_eval


def test_shipped_refuses_an_onnx_file_whose_sha256_differs_from_the_manifest(tmp_path, monkeypatch):
    shipped = tmp_path / "fmnist-ddpm"
    shipped.mkdir()
    (shipped / "model.onnx").write_bytes(b"not the exported network")
    manifest = {"id": "fmnist-ddpm", "file": "model.onnx", "training": {"steps": 6000},
                "sha256": hashlib.sha256(b"the exported network").hexdigest()}
    (shipped / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(fmnist_eval, "SHIPPED_MODEL", shipped)
    monkeypatch.setattr(fmnist_eval, "TASK1", tmp_path / "task1")
    with pytest.raises(SystemExit, match="does not match its manifest"):
        fmnist_eval.stage_shipped(None)
    assert not (tmp_path / "task1").exists()  # nothing was set up from the wrong file


def test_the_speed_stage_uses_the_first_model_folder_that_has_pytorch_weights(tmp_path):
    onnx_only, with_weights = tmp_path / "a", tmp_path / "b"
    onnx_only.mkdir()
    with_weights.mkdir()
    (with_weights / "weights.pt").write_bytes(b"")
    assert fmnist_eval.weights_dir([onnx_only, with_weights]) == with_weights
    with pytest.raises(SystemExit, match="weights.pt"):
        fmnist_eval.weights_dir([onnx_only])
