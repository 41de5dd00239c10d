#!/usr/bin/env python3
"""Fixtures for tests/engine/reference_layers.rs: one small random model per layer and attribute
combination of the layers real courses use, with every layer's output computed by
onnxruntime (an independent implementation of the same operators).

    python3 tests/reference/make_layer_reference.py tests/fixtures/reference_layers

Covered: conv with dilation, groups, depthwise, asymmetric pads and "same" padding with an
even kernel; max and average pooling with ceil_mode (with and without a change of size),
count_include_pad 0/1 and asymmetric pads; global max pooling; batch norm over maps and over a
vector; ReLU6, Clip, Hardtanh, ELU, SELU, GELU (erf and tanh), SiLU, Hardswish, Hardsigmoid
(ONNX's and PyTorch's alpha), PReLU per channel and shared; LogSoftmax.

ONNX has no adaptive pooling operator, so for adaptive avg/max pooling the oracle is PyTorch's
F.adaptive_avg_pool2d / F.adaptive_max_pool2d (the layer's definition); `oracle` in each
case's meta.json says which.

Each case folder holds model.json + weights.safetensors (when it has tensors), input.npy
(float32 [C,H,W]) and NN.npy, the output of layer NN (from 01), batch axis removed.
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import save_file

rng = np.random.default_rng(20261130)


def out_size(n, k, s, pb, pe, d=1, ceil=False):
    ext = d * (k - 1) + 1
    span = n + pb + pe - ext
    if ceil:
        o = -(-span // s) + 1
        if (o - 1) * s >= n + pb:
            o -= 1
    else:
        o = span // s + 1
    return o


class Case:
    def __init__(self, name, c, h, w, scale=1.5):
        self.name, self.shape = name, (c, h, w)
        self.input_shape = (c, h, w)
        self.cur = "x"
        self.nodes, self.inits, self.tensors, self.layers, self.outputs = [], [], {}, [], []
        self.x = (rng.normal(0, scale, (c, h, w))).astype(np.float32)
        self.torch_outputs = None

    def tensor(self, name, value):
        value = value.astype(np.float32)
        self.tensors[name] = value
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def add(self, op, layer, shape, inputs=(), **attrs):
        out = f"t{len(self.layers)}"
        self.nodes.append(helper.make_node(op, [self.cur, *inputs], [out], **attrs))
        self.layers.append(layer)
        self.outputs.append((out, shape))
        self.cur, self.shape = out, shape

    def add_nodes(self, nodes, layer, shape):
        """Several ONNX nodes for one layer; the last must write `OUT`, the first read `IN`."""
        out = f"t{len(self.layers)}"
        for n in nodes:
            n.input[:] = [self.cur if i == "IN" else i for i in n.input]
            n.output[:] = [out if o == "OUT" else o for o in n.output]
            self.nodes.append(n)
        self.layers.append(layer)
        self.outputs.append((out, shape))
        self.cur, self.shape = out, shape

    def run(self, opset=20):
        c, h, w = self.input_shape
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])],
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, *s]) for n, s in self.outputs],
            initializer=self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        onnx.checker.check_model(model)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        res = sess.run([n for n, _ in self.outputs], {"x": self.x[None]})
        return [r[0] for r in res]


def conv(case, cout, k, stride=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), groups=1, same=False):
    cin, h, w = case.shape
    name = f"conv{len(case.layers)}"
    wt = rng.normal(0, 0.5, (cout, cin // groups, k[0], k[1]))
    b = rng.normal(0, 0.2, (cout,))
    case.tensor(f"{name}.weight", wt)
    case.tensor(f"{name}.bias", b)
    if same:
        th, tw = dil[0] * (k[0] - 1), dil[1] * (k[1] - 1)
        pads = (th // 2, tw // 2, th - th // 2, tw - tw // 2)
    oh = out_size(h, k[0], stride[0], pads[0], pads[2], dil[0])
    ow = out_size(w, k[1], stride[1], pads[1], pads[3], dil[1])
    layer = {"type": "conv2d", "name": name, "out_channels": cout, "kernel": list(k), "stride": list(stride),
             "padding": "same" if same else list(pads), "dilation": list(dil), "groups": groups}
    case.add("Conv", layer, (cout, oh, ow), [f"{name}.weight", f"{name}.bias"], kernel_shape=list(k),
             strides=list(stride), pads=list(pads), dilations=list(dil), group=groups)


def pool(case, mode, k, s, pads, ceil, include=1):
    c, h, w = case.shape
    oh = out_size(h, k, s, pads[0], pads[2], 1, ceil)
    ow = out_size(w, k, s, pads[1], pads[3], 1, ceil)
    layer = {"type": "pool2d", "mode": mode, "kernel": k, "stride": s, "padding": list(pads), "ceil_mode": bool(ceil)}
    attrs = dict(kernel_shape=[k, k], strides=[s, s], pads=list(pads), ceil_mode=int(ceil))
    if mode == "avg":
        layer["count_include_pad"] = bool(include)
        attrs["count_include_pad"] = include
        case.add("AveragePool", layer, (c, oh, ow), **attrs)
    else:
        case.add("MaxPool", layer, (c, oh, ow), **attrs)


def batch_norm(case):
    c = case.shape[0]
    name = f"bn{len(case.layers)}"
    g, b = rng.normal(1, 0.3, c), rng.normal(0, 0.3, c)
    m, v = rng.normal(0, 0.5, c), rng.uniform(0.3, 2.0, c)
    for part, val in [("weight", g), ("bias", b), ("running_mean", m), ("running_var", v)]:
        case.tensor(f"{name}.{part}", val)
    eps = float(rng.choice([1e-5, 1e-3]))
    case.add("BatchNormalization", {"type": "batch_norm", "name": name, "eps": eps}, case.shape,
             [f"{name}.weight", f"{name}.bias", f"{name}.running_mean", f"{name}.running_var"], epsilon=eps)


def flatten(case):
    n = int(np.prod(case.shape))
    case.add("Flatten", {"type": "flatten"}, (n,), axis=1)


def scalar(case, name, v):
    t = numpy_helper.from_array(np.array(v, dtype=np.float32), name)
    case.inits.append(t)
    return name


def activation(case, kind):
    s = case.shape
    i = len(case.layers)
    if kind == "relu6":
        case.add("Clip", {"type": "relu6"}, s, [scalar(case, f"lo{i}", 0.0), scalar(case, f"hi{i}", 6.0)])
    elif kind == "clip":
        case.add("Clip", {"type": "clip", "min": -0.5, "max": 1.25}, s,
                 [scalar(case, f"lo{i}", -0.5), scalar(case, f"hi{i}", 1.25)])
    elif kind == "clip_min_only":
        case.add("Clip", {"type": "clip", "min": 0.3}, s, [scalar(case, f"lo{i}", 0.3)])
    elif kind == "hardtanh":
        case.add("Clip", {"type": "hardtanh"}, s, [scalar(case, f"lo{i}", -1.0), scalar(case, f"hi{i}", 1.0)])
    elif kind == "elu":
        case.add("Elu", {"type": "elu", "alpha": 0.7}, s, alpha=0.7)
    elif kind == "selu":
        case.add("Selu", {"type": "selu"}, s)
    elif kind == "gelu":
        case.add("Gelu", {"type": "gelu"}, s)
    elif kind == "gelu_tanh":
        case.add("Gelu", {"type": "gelu", "approximate": "tanh"}, s, approximate="tanh")
    elif kind == "silu":
        sig = f"sig{i}"
        case.add_nodes([helper.make_node("Sigmoid", ["IN"], [sig]), helper.make_node("Mul", ["IN", sig], ["OUT"])],
                       {"type": "silu"}, s)
    elif kind == "hardswish":
        case.add("HardSwish", {"type": "hardswish"}, s)
    elif kind == "hardsigmoid_onnx":
        case.add("HardSigmoid", {"type": "hardsigmoid", "alpha": 0.2, "beta": 0.5}, s, alpha=0.2, beta=0.5)
    elif kind == "hardsigmoid_torch":
        case.add("HardSigmoid", {"type": "hardsigmoid"}, s, alpha=1.0 / 6.0, beta=0.5)
    elif kind in ("prelu", "prelu_shared"):
        c = s[0]
        n = c if kind == "prelu" else 1
        name = f"prelu{i}"
        slope = rng.uniform(-0.5, 0.8, n).astype(np.float32)
        case.tensors[f"{name}.weight"] = slope
        shape = [n, 1, 1] if len(s) == 3 else [n]
        case.inits.append(numpy_helper.from_array(slope.reshape(shape), f"{name}.slope"))
        case.add("PRelu", {"type": "prelu", "name": name, "num_parameters": n}, s, [f"{name}.slope"])
    elif kind == "leaky_relu":
        case.add("LeakyRelu", {"type": "leaky_relu", "slope": 0.2}, s, alpha=0.2)
    else:
        raise ValueError(kind)


ACTIVATIONS = ["relu6", "clip", "clip_min_only", "hardtanh", "elu", "selu", "gelu", "gelu_tanh", "silu",
               "hardswish", "hardsigmoid_onnx", "hardsigmoid_torch", "prelu", "prelu_shared"]


def cases():
    out = []
    dims = lambda: (int(rng.integers(7, 14)), int(rng.integers(7, 14)))
    # Convolutions.
    conv_variants = [
        ("conv_dilation", dict(cout=3, k=(3, 3), dil=(2, 2))),
        ("conv_dilation_rect_stride", dict(cout=4, k=(2, 3), stride=(2, 1), dil=(3, 2), pads=(1, 2, 1, 2))),
        ("conv_groups", dict(cout=4, k=(3, 3), groups=2, pads=(1, 1, 1, 1))),
        ("conv_groups3_stride", dict(cout=6, k=(3, 2), groups=3, stride=(2, 2))),
        ("conv_depthwise", dict(cout=4, k=(3, 3), groups=4, pads=(1, 1, 1, 1))),
        ("conv_depthwise_mult_dilated", dict(cout=8, k=(3, 3), groups=4, dil=(2, 2), pads=(2, 2, 2, 2))),
        ("conv_asym_pads", dict(cout=3, k=(3, 3), pads=(0, 1, 2, 0))),
        ("conv_same_even", dict(cout=3, k=(4, 2), same=True)),
        ("conv_same_even_dilated", dict(cout=2, k=(2, 4), dil=(2, 1), same=True)),
    ]
    for name, kw in conv_variants:
        cin = 4 if ("group" in name or "depthwise" in name) else int(rng.integers(1, 4))
        if "groups3" in name:
            cin = 3
        h, w = dims()
        # Wide rows for one case so the direct (vector) kernel runs too.
        if name in ("conv_depthwise", "conv_dilation", "conv_same_even"):
            w = 24
        case = Case(name, cin, h, w)
        conv(case, **kw)
        out.append(case)
    # Pooling: ceil_mode with and without a change of size, count_include_pad, asymmetric pads.
    pool_variants = [
        ("max_ceil_changes", "max", 5, 2, 2, (0, 0, 0, 0), 1, 1),
        ("max_ceil_same_size", "max", 6, 2, 2, (0, 0, 0, 0), 1, 1),
        ("max_ceil_pad_dropped", "max", 7, 2, 2, (1, 1, 1, 1), 1, 1),
        ("max_ceil_k3s2p1", "max", 10, 3, 2, (1, 1, 1, 1), 1, 1),
        ("max_asym_pads", "max", 9, 3, 2, (0, 1, 1, 0), 0, 1),
        ("avg_include_pad", "avg", 9, 3, 2, (1, 1, 1, 1), 0, 1),
        ("avg_exclude_pad", "avg", 9, 3, 2, (1, 1, 1, 1), 0, 0),
        ("avg_ceil_include_pad", "avg", 8, 3, 2, (1, 1, 1, 1), 1, 1),
        ("avg_ceil_exclude_pad", "avg", 8, 3, 2, (1, 1, 1, 1), 1, 0),
        ("avg_ceil_nopad", "avg", 7, 2, 2, (0, 0, 0, 0), 1, 1),
        ("avg_ceil_nopad_exclude", "avg", 7, 2, 2, (0, 0, 0, 0), 1, 0),
        ("avg_asym_exclude", "avg", 9, 2, 2, (0, 0, 1, 1), 0, 0),
        ("avg_asym_include", "avg", 9, 2, 2, (1, 0, 0, 1), 0, 1),
    ]
    for name, mode, n, k, s, pads, ceil, include in pool_variants:
        case = Case(name, 2, n, n + 1)
        pool(case, mode, k, s, pads, ceil, include)
        out.append(case)
    case = Case("global_max_pool", 3, 7, 9)
    case.add("GlobalMaxPool", {"type": "global_max_pool"}, (3, 1, 1))
    out.append(case)
    # Batch norm over maps, then over a vector.
    case = Case("batch_norm_maps", 3, 6, 7)
    batch_norm(case)
    out.append(case)
    case = Case("batch_norm_vector", 2, 3, 2)
    flatten(case)
    batch_norm(case)
    out.append(case)
    # Every activation, on maps, and a few on a vector; log-softmax.
    for kind in ACTIVATIONS:
        case = Case(f"act_{kind}", 3, 5, 6, scale=3.0)
        activation(case, kind)
        out.append(case)
    for kind in ["gelu", "prelu", "elu", "hardswish"]:
        case = Case(f"act_{kind}_vector", 2, 3, 3, scale=3.0)
        flatten(case)
        activation(case, kind)
        out.append(case)
    case = Case("log_softmax", 2, 3, 3, scale=4.0)
    flatten(case)
    case.add("LogSoftmax", {"type": "log_softmax"}, (18,), axis=1)
    out.append(case)
    return out


def adaptive_cases():
    """(name, case, outputs) with PyTorch as the oracle."""
    out = []
    for name, mode, n, size in [
        ("adaptive_avg_divides", "avg", (8, 12), (4, 3)),
        ("adaptive_avg_not_dividing", "avg", (7, 10), (3, 4)),
        ("adaptive_avg_upsamples", "avg", (3, 5), (5, 7)),
        ("adaptive_max_divides", "max", (6, 6), (3, 2)),
        ("adaptive_max_not_dividing", "max", (9, 11), (4, 5)),
        ("adaptive_avg_to_one", "avg", (5, 7), (1, 1)),
    ]:
        case = Case(name, 3, *n)
        case.layers.append({"type": "adaptive_pool2d", "mode": mode, "output": list(size)})
        x = torch.from_numpy(case.x)[None]
        y = F.adaptive_avg_pool2d(x, size) if mode == "avg" else F.adaptive_max_pool2d(x, size)
        out.append((case, [y[0].numpy()]))
    return out


def write(out_dir, case, results, oracle):
    d = os.path.join(out_dir, case.name)
    os.makedirs(d, exist_ok=True)
    c, h, w = case.input_shape
    spec = {"format": "convscope/1", "name": case.name, "description": f"expected outputs from {oracle}",
            "input": {"channels": c, "height": h, "width": w}, "layers": case.layers}
    if case.tensors:
        spec["weights"] = "weights.safetensors"
        save_file({k: np.ascontiguousarray(v.astype(np.float32)) for k, v in case.tensors.items()},
                  os.path.join(d, "weights.safetensors"))
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(spec, f, indent=1)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"oracle": oracle}, f)
    np.save(os.path.join(d, "input.npy"), case.x)
    for j, r in enumerate(results):
        np.save(os.path.join(d, f"{j + 1:02}.npy"), np.asarray(r, dtype=np.float32))


def main():
    out_dir = sys.argv[1]
    n = 0
    for case in cases():
        results = case.run()
        for r, (_, shape) in zip(results, case.outputs):
            assert r.shape == tuple(shape), (case.name, r.shape, shape)
        write(out_dir, case, results, f"onnxruntime {ort.__version__}")
        n += 1
    for case, results in adaptive_cases():
        write(out_dir, case, results, f"torch {torch.__version__}")
        n += 1
    print(f"wrote {n} cases to {out_dir}")


if __name__ == "__main__":
    main()
