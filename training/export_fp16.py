#!/usr/bin/env python3
"""Make the half-precision (fp16) variant of an exported model.

  /usr/bin/python3 training/export_fp16.py --model-dir models/<id>     # writes model.fp16.onnx, fills the manifest
  /usr/bin/python3 training/export_fp16.py model.onnx model.fp16.onnx  # just the file

Weights, float Constants and activations become float16, except where half
precision is numerically risky in these U-Nets; those nodes stay float32
with Cast nodes around them:
  - normalisation (InstanceNormalization: torch exports GroupNorm as
    Reshape + InstanceNormalization + Reshape + Mul + Add; LayerNormalization,
    GroupNormalization): mean and variance over thousands of values;
  - Softmax: exp of attention logits;
  - the sinusoidal timestep embedding: Sin, Cos and everything that feeds
    them (t goes up to 999; fp16's spacing there is 0.5, and t x freq is a
    phase in radians, so the embedding would be wrong, not just imprecise).
Graph inputs and outputs stay float32 (Casts at the boundary), so callers
feed and read float32 exactly as with the fp32 file. Resize's roi and
scales stay float32 as the ONNX spec types them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

FLOAT, FLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16
FP16_MAX = float(np.finfo(np.float16).max)

# Ops computed in float32 (their float inputs cast up, outputs cast down).
DEFAULT_KEEP_FP32_OPS = frozenset({
    "InstanceNormalization", "LayerNormalization", "GroupNormalization", "BatchNormalization",
    "Softmax", "LogSoftmax", "Sin", "Cos",
})
# Ops whose whole input cone stays float32 too: the timestep embedding's arithmetic on t.
FP32_CONE_OPS = frozenset({"Sin", "Cos"})
# Ops whose output dtype comes from an attribute other than Cast's: kept float32 rather than guessed.
DTYPE_ATTRIBUTE_OPS = frozenset({"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                                 "EyeLike", "Multinomial", "Bernoulli"})
# Float inputs the spec types independently of the data (Resize: roi is T2, scales is tensor(float)).
FP32_INPUTS = {"Resize": frozenset({1, 2}), "Upsample": frozenset({1})}


@dataclass
class Fp16Report:
    fp16_nodes: int = 0
    fp32_nodes: list[str] = field(default_factory=list)  # names (or op types) of nodes kept in float32
    casts_added: int = 0
    tensors_converted: int = 0
    values_clipped: int = 0    # |w| > 65504, clipped to the largest half
    values_flushed: int = 0    # nonzero weights that round to 0 in half precision

    def summary(self) -> str:
        return (f"{self.fp16_nodes} nodes in fp16, {len(self.fp32_nodes)} kept in fp32, {self.casts_added} Casts added, "
                f"{self.tensors_converted} tensors converted ({self.values_clipped} values clipped to ±{FP16_MAX:g}, "
                f"{self.values_flushed} flushed to 0)")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _elem_types(model: onnx.ModelProto) -> dict[str, int]:
    """Element type of every value in the graph, from strict ONNX shape inference."""
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    g = inferred.graph
    types = {v.name: v.type.tensor_type.elem_type for v in [*g.input, *g.output, *g.value_info]
             if v.type.HasField("tensor_type")}
    types.update({t.name: t.data_type for t in g.initializer})
    return types


def _constant_array(node: onnx.NodeProto) -> np.ndarray | None:
    for a in node.attribute:
        if a.name == "value":
            return onnx.numpy_helper.to_array(a.t)
        if a.name == "value_float":
            return np.array(a.f, dtype=np.float32)
        if a.name == "value_floats":
            return np.array(a.floats, dtype=np.float32)
    return None


def _to_half(arr: np.ndarray, report: Fp16Report) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        raise ValueError("a float tensor holds inf or nan; refusing to convert")
    big = np.abs(arr) > FP16_MAX
    report.values_clipped += int(big.sum())
    half = np.clip(arr, -FP16_MAX, FP16_MAX).astype(np.float16)
    report.values_flushed += int(((arr != 0) & (half == 0)).sum())
    report.tensors_converted += 1
    return half


def _fp32_nodes(nodes: list[onnx.NodeProto], keep_ops: frozenset[str]) -> set[int]:
    """Indices of nodes that run in float32: the kept op types and the input cone of Sin/Cos."""
    producer = {o: i for i, n in enumerate(nodes) for o in n.output if o}
    keep = {i for i, n in enumerate(nodes) if n.op_type in keep_ops or n.op_type in DTYPE_ATTRIBUTE_OPS}
    stack = [i for i, n in enumerate(nodes) if n.op_type in FP32_CONE_OPS and n.op_type in keep_ops]
    cone = set(stack)
    while stack:
        for name in nodes[stack.pop()].input:
            j = producer.get(name)
            if j is not None and j not in cone:
                cone.add(j)
                stack.append(j)
    return keep | cone


def convert_to_fp16(model: onnx.ModelProto, keep_fp32_ops: frozenset[str] = DEFAULT_KEEP_FP32_OPS
                    ) -> tuple[onnx.ModelProto, Fp16Report]:
    """An fp16 copy of `model` (float32 inputs and outputs kept); `model` is not modified."""
    for n in model.graph.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in n.attribute):
            raise ValueError(f"{n.op_type} node {n.name!r} has a subgraph; control flow is not supported")
        if n.domain not in ("", "ai.onnx"):
            raise ValueError(f"node {n.name!r} is in domain {n.domain!r}; only standard ONNX ops are supported")
    if any(t.data_location == TensorProto.EXTERNAL for t in model.graph.initializer):
        raise ValueError("models with external data are not supported")
    types = _elem_types(model)
    out = onnx.ModelProto()
    out.CopyFrom(model)
    g = out.graph
    nodes = list(g.node)
    report = Fp16Report()
    is_float = lambda name: bool(name) and types.get(name) == FLOAT  # noqa: E731
    untyped = [o for n in nodes for o in n.output if o and o not in types]
    if untyped:
        raise ValueError(f"shape inference gave no type for {untyped[:5]}; cannot convert safely")

    fp32 = _fp32_nodes(nodes, keep_fp32_ops)
    constants = {n.output[0]: i for i, n in enumerate(nodes) if n.op_type == "Constant" and is_float(n.output[0])}
    # (an initializer that is also a graph input can be overridden by the caller: it stays float32)
    initializers = {t.name: t for t in g.initializer if t.data_type == FLOAT and t.name not in {v.name for v in g.input}}
    graph_outputs = {o.name for o in g.output}

    taken = {v for n in nodes for v in [*n.input, *n.output]} | {v.name for v in g.input} | set(initializers)

    def fresh(base: str) -> str:
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        return name

    # Where each float value is produced, and in which precision (constants: below, from their readers).
    home: dict[str, int] = {v.name: FLOAT for v in g.input if is_float(v.name)}
    for i, n in enumerate(nodes):
        if n.op_type != "Constant":
            home.update({o: FLOAT if i in fp32 else FLOAT16 for o in n.output if is_float(o)})

    # A graph output computed in fp16 is renamed inside the graph and cast back under its own name.
    final_casts: list[onnx.NodeProto] = []
    for name in graph_outputs:
        if home.get(name) != FLOAT16:
            continue
        inner = fresh(f"{name}__fp16")
        for n in nodes:
            for seq in (n.input, n.output):
                for k, v in enumerate(seq):
                    if v == name:
                        seq[k] = inner
        types[inner], home[inner] = FLOAT, FLOAT16
        final_casts.append(helper.make_node("Cast", [inner], [name], name=fresh(f"{name}__to_fp32"), to=FLOAT))

    def reads_fp32(i: int, k: int) -> bool:
        return i in fp32 or k in FP32_INPUTS.get(nodes[i].op_type, ())

    # The precisions each float value is read in.
    wanted: dict[str, set[int]] = {}
    for i, n in enumerate(nodes):
        for k, name in enumerate(n.input):
            if is_float(name):
                wanted.setdefault(name, set()).add(FLOAT if reads_fp32(i, k) else FLOAT16)
    for name in graph_outputs:
        if home.get(name) != FLOAT16 and is_float(name):
            wanted.setdefault(name, set()).add(FLOAT)
    for name in [*initializers, *constants]:
        # A constant read only in float16 is stored in float16; one read in float32 anywhere stays float32.
        home[name] = FLOAT16 if wanted.get(name) == {FLOAT16} else FLOAT

    # Rewrite constants, initializers and Casts in place.
    for name, t in initializers.items():
        if home[name] == FLOAT16:
            t.CopyFrom(onnx.numpy_helper.from_array(_to_half(onnx.numpy_helper.to_array(t), report), name))
    for name, i in constants.items():
        if home[name] == FLOAT16:
            n = nodes[i]
            value = _constant_array(n)
            if value is None:
                raise ValueError(f"Constant {n.name!r} has no dense float value")
            del n.attribute[:]
            n.attribute.append(helper.make_attribute("value", onnx.numpy_helper.from_array(_to_half(value, report), name)))
    for i, n in enumerate(nodes):
        if n.op_type == "Constant":
            continue
        if i in fp32:
            report.fp32_nodes.append(n.name or n.op_type)
            continue
        report.fp16_nodes += 1
        if n.op_type == "Cast":
            to = next(a for a in n.attribute if a.name == "to")
            if to.i == FLOAT:
                to.i = FLOAT16
        elif n.op_type == "ConstantOfShape" and is_float(n.output[0]):
            value = next((a for a in n.attribute if a.name == "value"), None)
            filler = onnx.numpy_helper.to_array(value.t) if value else np.zeros(1, np.float32)
            del n.attribute[:]
            n.attribute.append(helper.make_attribute("value", onnx.numpy_helper.from_array(_to_half(filler, report))))

    # One Cast per value and precision it is read in but not produced in, placed right after its producer.
    casts_after: dict[str, list[onnx.NodeProto]] = {}
    renamed: dict[tuple[str, int], str] = {}
    for name, precisions in wanted.items():
        for p in sorted(precisions - {home[name]}):
            suffix = "fp16" if p == FLOAT16 else "fp32"
            cast_out = fresh(f"{name}__{suffix}")
            renamed[(name, p)] = cast_out
            casts_after.setdefault(name, []).append(
                helper.make_node("Cast", [name], [cast_out], name=fresh(f"{name}__to_{suffix}"), to=p))
    for i, n in enumerate(nodes):
        for k, name in enumerate(n.input):
            p = FLOAT if reads_fp32(i, k) else FLOAT16
            if (name, p) in renamed:
                n.input[k] = renamed[(name, p)]

    produced = {o for n in nodes for o in n.output}
    ordered = [c for name in home if name not in produced for c in casts_after.get(name, [])]  # inputs, initializers
    for n in nodes:
        ordered.append(n)
        for o in n.output:
            ordered.extend(casts_after.get(o, []))
    ordered.extend(final_casts)
    report.casts_added = len(ordered) - len(nodes)
    ordered = [onnx.NodeProto.FromString(n.SerializeToString()) for n in ordered]  # detach before clearing g.node
    del g.node[:]
    g.node.extend(ordered)

    for v in g.value_info:
        if v.type.tensor_type.elem_type == FLOAT and v.name in home:
            v.type.tensor_type.elem_type = home[v.name]
    onnx.checker.check_model(out, full_check=True)  # full_check: strict type inference catches any fp16/fp32 mix-up
    return out, report


def write_fp16_file(src: Path, dst: Path, keep_fp32_ops: frozenset[str] = DEFAULT_KEEP_FP32_OPS) -> Fp16Report:
    model, report = convert_to_fp16(onnx.load(str(src)), keep_fp32_ops)
    onnx.save(model, str(dst))
    return report


def fp16_name(onnx_file: str) -> str:
    return onnx_file[:-len(".onnx")] + ".fp16.onnx" if onnx_file.endswith(".onnx") else onnx_file + ".fp16"


def with_fp16_file(manifest: dict, fp16_file: str, fp16_sha256: str) -> dict:
    """The manifest with fp16File/fp16Sha256 set, in their usual place (after sha256)."""
    out = {}
    for k, v in manifest.items():
        if k in ("fp16File", "fp16Sha256"):
            continue
        out[k] = v
        if k == "sha256":
            out["fp16File"], out["fp16Sha256"] = fp16_file, fp16_sha256
    if "fp16File" not in out:
        out["fp16File"], out["fp16Sha256"] = fp16_file, fp16_sha256
    return out


def add_fp16_to_model_dir(model_dir: Path, keep_fp32_ops: frozenset[str] = DEFAULT_KEEP_FP32_OPS) -> Fp16Report:
    """Converts <dir>/<manifest file> to <name>.fp16.onnx beside it and records it in manifest.json."""
    manifest_path = model_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    src = model_dir / manifest["file"]
    if sha256(src) != manifest["sha256"]:
        raise ValueError(f"{src} does not match the sha256 in {manifest_path}; re-export it first")
    dst = model_dir / fp16_name(manifest["file"])
    report = write_fp16_file(src, dst, keep_fp32_ops)
    manifest_path.write_text(json.dumps(with_fp16_file(manifest, dst.name, sha256(dst)), indent=2) + "\n")
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", nargs="?", type=Path, help="fp32 .onnx file")
    ap.add_argument("dst", nargs="?", type=Path, help="fp16 .onnx file to write")
    ap.add_argument("--model-dir", type=Path, help="a model folder: converts its model and updates its manifest.json")
    ap.add_argument("--keep-fp32", nargs="*", default=[], metavar="OP", help="more op types to keep in float32")
    args = ap.parse_args()
    keep = DEFAULT_KEEP_FP32_OPS | frozenset(args.keep_fp32)
    if args.model_dir:
        if args.src or args.dst:
            ap.error("give either --model-dir or SRC DST")
        report = add_fp16_to_model_dir(args.model_dir, keep)
        manifest = json.loads((args.model_dir / "manifest.json").read_text())
        src, dst = args.model_dir / manifest["file"], args.model_dir / manifest["fp16File"]
    else:
        if not (args.src and args.dst):
            ap.error("give SRC DST or --model-dir")
        src, dst = args.src, args.dst
        report = write_fp16_file(src, dst, keep)
    print(f"wrote {dst} ({dst.stat().st_size / 1e6:.2f} MB, fp32 {src.stat().st_size / 1e6:.2f} MB): {report.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
