"""The fp16 converter (training/export_fp16.py) on the shipped graphs and on small made-up ones.

Here: structure and types (checked by ONNX's strict type inference, independently
of the converter's own bookkeeping). Numbers: test_export.py runs an fp16 export
in onnxruntime-node against PyTorch in float32, and
src/main/inference/fp16.test.ts compares fp16 with fp32 for tiny-inpaint, per
call and over a whole DDIM sample.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import pytest
from onnx import TensorProto, helper

from export_fp16 import convert_to_fp16, sha256

TRAINING = Path(__file__).resolve().parents[1]
MODELS = TRAINING.parent / "models"
FLOAT, FLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16
FP32_OPS = {"InstanceNormalization", "Softmax", "Sin", "Cos"}


@pytest.fixture(scope="module", params=["tiny-inpaint", "fmnist-ddpm"])
def converted(request, tmp_path_factory):
    src = MODELS / request.param / "model.onnx"
    model, report = convert_to_fp16(onnx.load(str(src)))
    dst = tmp_path_factory.mktemp("fp16") / "model.fp16.onnx"
    onnx.save(model, str(dst))
    return src, dst, report


def readers(g: onnx.GraphProto) -> dict[str, list[tuple[onnx.NodeProto, int]]]:
    out: dict[str, list[tuple[onnx.NodeProto, int]]] = {}
    for n in g.node:
        for k, name in enumerate(n.input):
            out.setdefault(name, []).append((n, k))
    return out


def timestep_cone(g: onnx.GraphProto) -> set[str]:
    """Names of the nodes that feed Sin/Cos (the timestep embedding's arithmetic), Sin/Cos included."""
    producer = {o: n for n in g.node for o in n.output}
    cone, stack = set(), [n for n in g.node if n.op_type in ("Sin", "Cos")]
    while stack:
        n = stack.pop()
        if n.name in cone:
            continue
        cone.add(n.name)
        stack.extend(producer[i] for i in n.input if i in producer)
    return cone


def elem_types(model: onnx.ModelProto) -> dict[str, int]:
    g = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True).graph
    types = {v.name: v.type.tensor_type.elem_type for v in [*g.input, *g.output, *g.value_info]}
    types.update({t.name: t.data_type for t in g.initializer})
    return types


def test_valid_with_float32_inputs_and_outputs(converted):
    src, dst, _ = converted
    a, b = onnx.load(str(src)), onnx.load(str(dst))
    onnx.checker.check_model(b, full_check=True)
    assert [o.version for o in b.opset_import] == [o.version for o in a.opset_import]
    for va, vb in [*zip(a.graph.input, b.graph.input), *zip(a.graph.output, b.graph.output)]:
        assert vb.name == va.name and vb.type.tensor_type.elem_type == FLOAT
        assert vb.type == va.type  # same dims (N, H, W dynamic) too


def test_every_float_weight_is_fp16_except_where_read_in_fp32(converted):
    _, dst, report = converted
    g = onnx.load(str(dst)).graph
    cone, read_by = timestep_cone(g), readers(g)
    tensors = {t.name: t.data_type for t in g.initializer}
    tensors.update({n.output[0]: n.attribute[0].t.data_type for n in g.node if n.op_type == "Constant"})
    kept = {}
    for name, dtype in tensors.items():
        if dtype == FLOAT:
            kept[name] = [(n.op_type, k) for n, k in read_by[name]]
            for n, k in read_by[name]:
                assert n.op_type in FP32_OPS or n.name in cone or (n.op_type == "Resize" and k >= 1), (name, n.op_type)
    n16 = sum(d == FLOAT16 for d in tensors.values())
    assert n16 == report.tensors_converted and n16 > 100
    # every weight of a Conv, Gemm or the GroupNorm affine (Mul/Add after InstanceNormalization) is half
    for n in g.node:
        if n.op_type in ("Conv", "Gemm"):
            assert all(tensors[i] == FLOAT16 for i in n.input[1:]), n.name
    # what stays float32: InstanceNormalization's unit scale/zero bias, the frequencies t is multiplied by, Resize scales
    assert {op for uses in kept.values() for op, _ in uses} <= {"InstanceNormalization", "Mul", "Resize"}


def test_heavy_ops_run_in_fp16_and_risky_ones_in_fp32(converted):
    _, dst, report = converted
    model = onnx.load(str(dst))
    g, types = model.graph, elem_types(model)
    cone = timestep_cone(g)
    for n in g.node:
        if n.op_type in ("Conv", "Gemm", "Einsum", "Sigmoid", "Resize"):
            assert types[n.input[0]] == FLOAT16, n.name
        if n.op_type in FP32_OPS or n.name in cone:
            assert all(types[i] == FLOAT for i in n.input if i and types.get(i) in (FLOAT, FLOAT16)), n.name
            assert all(types[o] == FLOAT for o in n.output if types.get(o) in (FLOAT, FLOAT16)), n.name
    assert {n.op_type for n in g.node if n.name in cone} == {"Cast", "Unsqueeze", "Mul", "Sin", "Cos", "Constant"}
    assert sorted(report.fp32_nodes) == sorted(
        n.name for n in g.node if (n.op_type in FP32_OPS or n.name in cone) and n.op_type != "Constant")
    # Casts to float32 appear only in front of float32 ops and graph outputs, plus t's own Cast
    read_by = readers(g)
    outputs = {o.name for o in g.output}
    for n in g.node:
        if n.op_type == "Cast" and n.attribute[0].i == FLOAT:
            assert n.output[0] in outputs or n.name in cone or all(
                r.op_type in FP32_OPS for r, _ in read_by[n.output[0]]), n.name


def test_about_half_the_size(converted):
    src, dst, _ = converted
    ratio = dst.stat().st_size / src.stat().st_size
    assert 0.5 < ratio < 0.55, ratio  # weights halve; names, graph and the few fp32 constants do not


def _copy_without_fp16(model_dir):
    """The shipped tiny-inpaint as it was before its fp16 file was made: no file, no manifest entry."""
    shutil.copytree(MODELS / "tiny-inpaint", model_dir)
    (model_dir / "model.fp16.onnx").unlink(missing_ok=True)
    m = json.loads((model_dir / "manifest.json").read_text())
    (model_dir / "manifest.json").write_text(json.dumps({**m, "fp16File": None, "fp16Sha256": None}, indent=2))


def test_model_dir_gets_an_fp16_file_and_manifest_entry(tmp_path):
    model_dir = tmp_path / "tiny-inpaint"
    _copy_without_fp16(model_dir)
    before = json.loads((model_dir / "manifest.json").read_text())
    res = subprocess.run([sys.executable, str(TRAINING / "export_fp16.py"), "--model-dir", str(model_dir)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    after = json.loads((model_dir / "manifest.json").read_text())
    assert list(after) == list(before)
    assert after["fp16File"] == "model.fp16.onnx" and after["fp16Sha256"] == sha256(model_dir / "model.fp16.onnx")
    assert {k: v for k, v in after.items() if not k.startswith("fp16")} == \
        {k: v for k, v in before.items() if not k.startswith("fp16")}
    assert sha256(model_dir / "model.onnx") == before["sha256"]


def test_model_dir_refuses_a_file_that_does_not_match_its_manifest(tmp_path):
    model_dir = tmp_path / "m"
    _copy_without_fp16(model_dir)
    m = json.loads((model_dir / "manifest.json").read_text())
    (model_dir / "manifest.json").write_text(json.dumps({**m, "sha256": "0" * 64}))
    res = subprocess.run([sys.executable, str(TRAINING / "export_fp16.py"), "--model-dir", str(model_dir)],
                         capture_output=True, text=True)
    assert res.returncode != 0 and "does not match" in res.stderr
    assert not (model_dir / "model.fp16.onnx").exists()


def test_casts_resize_scales_shared_and_out_of_range_constants():
    """x -> Mul(w) -> Cast(int64) -> Cast(float) -> Resize(scales) -> Add(w) -> Mul(k) -> Add(Sin(k)) -> Softmax."""
    w = onnx.numpy_helper.from_array(np.array([[[[1e5]]]], np.float32), "w")  # beyond fp16's range
    k = onnx.numpy_helper.from_array(np.array([0.1], np.float32), "k")  # read in fp16 (Mul) and fp32 (Sin)
    scales = onnx.numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")
    nodes = [
        helper.make_node("Mul", ["x", "w"], ["a"], name="mul"),
        helper.make_node("Cast", ["a"], ["i"], name="to_int", to=TensorProto.INT64),
        helper.make_node("Cast", ["i"], ["f"], name="to_float", to=FLOAT),
        helper.make_node("Resize", ["f", "", "scales"], ["r"], name="resize", mode="nearest"),
        helper.make_node("Add", ["r", "w"], ["s"], name="add"),
        helper.make_node("Mul", ["s", "k"], ["m"], name="mul_k"),
        helper.make_node("Sin", ["k"], ["sk"], name="sin"),
        helper.make_node("Add", ["m", "sk"], ["p"], name="add_sin"),
        helper.make_node("Softmax", ["p"], ["out"], name="softmax", axis=-1),
    ]
    x = helper.make_tensor_value_info("x", FLOAT, ["N", 1, 2, 2])
    out = helper.make_tensor_value_info("out", FLOAT, ["N", 1, 4, 4])
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [out], [w, k, scales]),
                              opset_imports=[helper.make_opsetid("", 17)])
    fp16, report = convert_to_fp16(model)
    g = fp16.graph
    inits = {t.name: t for t in g.initializer}
    assert inits["w"].data_type == FLOAT16 and inits["scales"].data_type == FLOAT and inits["k"].data_type == FLOAT
    assert onnx.numpy_helper.to_array(inits["w"]).item() == np.finfo(np.float16).max and report.values_clipped == 1
    by_name = {n.name: n for n in g.node}
    assert by_name["to_float"].attribute[0].i == FLOAT16
    types = elem_types(fp16)
    assert types["f"] == types["r"] == types["m"] == types[by_name["mul_k"].input[1]] == FLOAT16
    assert types["sk"] == FLOAT and types[by_name["softmax"].input[0]] == FLOAT
    assert g.output[0].name == "out" and by_name["softmax"].output[0] == "out"  # Softmax is fp32: no cast at the end
    assert sorted(report.fp32_nodes) == ["sin", "softmax"]
    assert report.casts_added == 4  # x and k to fp16, Sin's output to fp16, Softmax's input to fp32
