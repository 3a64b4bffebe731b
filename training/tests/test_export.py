"""The export path: a guided-diffusion-layout checkpoint -> ONNX + manifest, verified in ONNX Runtime.

Uses a reduced-width model of the places256 topology with deterministic
(untrained) weights in a temporary folder: this proves the conversion path
only; nothing here is shipped.
"""
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import onnx
import pytest
import torch

from inpaint_training.config import create_model, make_config
from make_guided_diffusion_fixture import fill_by_name

TRAINING = Path(__file__).resolve().parents[1]
REPO = TRAINING.parent
MANIFEST_KEYS = ["schemaVersion", "id", "name", "kind", "resolution", "channels", "valueRange", "prediction",
                 "varianceType", "schedule", "timestepInput", "inputs", "output", "file", "sha256", "fp16File",
                 "fp16Sha256", "licence", "card", "training"]
REDUCED_SET = ["image_size=32", "model_channels=32", "num_head_channels=16", "attention_resolutions=[16,8,4]"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    cfg = make_config("places256", image_size=32, model_channels=32, num_head_channels=16,
                      attention_resolutions=(16, 8, 4))
    model = create_model(cfg)
    fill_by_name(model)
    torch.save({k: v.half() for k, v in model.state_dict().items()}, tmp / "gd.pt")  # fp16, as some releases
    res = subprocess.run([sys.executable, str(TRAINING / "export_onnx.py"), "--guided-diffusion-checkpoint",
                          str(tmp / "gd.pt"), "--preset", "places256", "--set", *REDUCED_SET, "--out",
                          str(tmp / "model"), "--check-dir", str(tmp / "check"), "--licence", "test only", "--fp16"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    return tmp


def test_manifest_schema_and_hash(exported):
    m = json.loads((exported / "model" / "manifest.json").read_text())
    assert list(m) == MANIFEST_KEYS
    assert m["kind"] == "unconditional" and "conditioning" not in m
    assert m["inputs"] == {"x": {"name": "x", "layout": "NCHW", "channels": 3}, "t": {"name": "t", "dtype": "float32"}}
    assert m["output"] == {"name": "out", "layout": "NCHW", "channels": 6}
    assert m["varianceType"] == "learned-range" and m["schedule"] == {"type": "linear", "timesteps": 1000}
    digest = hashlib.sha256((exported / "model" / "model.onnx").read_bytes()).hexdigest()
    assert m["sha256"] == digest


def test_onnx_graph_is_opset17_with_dynamic_axes(exported):
    g = onnx.load(str(exported / "model" / "model.onnx"))
    onnx.checker.check_model(g)
    assert {o.domain or "ai.onnx": o.version for o in g.opset_import}["ai.onnx"] == 17
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    ins = {v.name: v for v in g.graph.input}
    assert dims(ins["x"]) == ["N", 3, "H", "W"] and dims(ins["t"]) == ["N"]
    assert ins["t"].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert dims(g.graph.output[0]) == ["N", 6, "H", "W"] and g.graph.output[0].name == "out"


@pytest.mark.skipif(shutil.which("node") is None or not (REPO / "node_modules" / "onnxruntime-node").exists(),
                    reason="node/onnxruntime-node not installed")
def test_onnxruntime_matches_pytorch(exported):
    res = subprocess.run(["node", str(TRAINING / "check_onnx.mjs"), str(exported / "model"), str(exported / "check"),
                          "1e-4"], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "OK" in res.stdout


def test_fp16_variant_is_in_the_manifest(exported):
    m = json.loads((exported / "model" / "manifest.json").read_text())
    fp16 = exported / "model" / "model.fp16.onnx"
    assert m["fp16File"] == "model.fp16.onnx"
    assert m["fp16Sha256"] == hashlib.sha256(fp16.read_bytes()).hexdigest()
    assert 0.5 < fp16.stat().st_size / (exported / "model" / "model.onnx").stat().st_size < 0.55


@pytest.mark.skipif(shutil.which("node") is None or not (REPO / "node_modules" / "onnxruntime-node").exists(),
                    reason="node/onnxruntime-node not installed")
def test_fp16_onnxruntime_close_to_pytorch_float32(exported):
    # Measured 6.3e-3 and 7.0e-3 (max |out| 2.2 and 2.6: ~3.5 fp16 ulps of the output, after 6 levels of
    # fp16 convolutions); with the timestep embedding in fp16 too, 1.5e-2 at t = 999.
    res = subprocess.run(["node", str(TRAINING / "check_onnx.mjs"), str(exported / "model"), str(exported / "check"),
                          "1e-2", "--fp16"], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "OK" in res.stdout



def test_manifest_carries_the_measured_working_edge(tmp_path):
    from export_onnx import manifest
    cfg = make_config("tiny")
    onnx_file = tmp_path / "model.onnx"
    onnx_file.write_bytes(b"not a model; only hashed here")
    assert "workingEdge" not in manifest(cfg, tmp_path, onnx_file, "t", "test only", {})
    m = manifest(cfg, tmp_path, onnx_file, "t", "test only", {}, working_edge=64)
    assert m["workingEdge"] == 64 and list(m).index("workingEdge") == list(m).index("timestepInput") + 1
