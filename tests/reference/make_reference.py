#!/usr/bin/env python3
"""Builds random convscope/1 models and their expected activations with onnxruntime, an
independent implementation of the same layers, as fixtures for tests/engine/reference_onnx.rs.

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install numpy onnx onnxruntime safetensors
    /tmp/ref/bin/python tests/reference/make_reference.py tests/fixtures/reference

Each case folder holds model.json + weights.safetensors, input.npy (float32 [C,H,W], the
network input) and NN.npy: onnxruntime's output of layer NN (from 01), batch axis removed.
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import save_file

rng = np.random.default_rng(20261128)


def conv_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def random_case(index):
    """A random stack: some conv/activation/pool blocks, then flatten + dense (+ softmax)."""
    c = int(rng.integers(1, 4))
    h, w = int(rng.integers(9, 21)), int(rng.integers(9, 21))
    layers, nodes, inits, tensors = [], [], [], {}
    cur, shape = "x", (c, h, w)
    outputs = []

    def add(node_fn, layer, new_shape):
        nonlocal cur, shape
        name = f"t{len(layers)}"
        nodes.extend(node_fn(cur, name))
        layers.append(layer)
        outputs.append((name, new_shape))
        cur, shape = name, new_shape

    blocks = int(rng.integers(1, 3))
    for b in range(blocks):
        cin, hh, ww = shape
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        ph, pw = int(rng.integers(0, 3)), int(rng.integers(0, 3))
        oh, ow = conv_out(hh, kh, sh, ph), conv_out(ww, kw, sw, pw)
        if oh < 2 or ow < 2:
            kh = kw = 1; sh = sw = 1; ph = pw = 0; oh, ow = hh, ww
        cout = int(rng.integers(2, 6))
        lname = f"conv{b}"
        wt = rng.normal(0, 0.5, (cout, cin, kh, kw)).astype(np.float32)
        bias = rng.normal(0, 0.2, (cout,)).astype(np.float32)
        tensors[f"{lname}.weight"] = wt
        tensors[f"{lname}.bias"] = bias
        inits += [numpy_helper.from_array(wt, f"{lname}.weight"), numpy_helper.from_array(bias, f"{lname}.bias")]
        add(lambda i, o, lname=lname, kh=kh, kw=kw, sh=sh, sw=sw, ph=ph, pw=pw: [helper.make_node(
            "Conv", [i, f"{lname}.weight", f"{lname}.bias"], [o], kernel_shape=[kh, kw], strides=[sh, sw], pads=[ph, pw, ph, pw])],
            {"type": "conv2d", "name": lname, "out_channels": cout, "kernel": [kh, kw], "stride": [sh, sw], "padding": [ph, pw]},
            (cout, oh, ow))
        act = ["relu", "leaky_relu", "sigmoid", "tanh"][int(rng.integers(0, 4))]
        if act == "relu":
            add(lambda i, o: [helper.make_node("Relu", [i], [o])], {"type": "relu"}, shape)
        elif act == "leaky_relu":
            add(lambda i, o: [helper.make_node("LeakyRelu", [i], [o], alpha=0.1)], {"type": "leaky_relu", "slope": 0.1}, shape)
        elif act == "sigmoid":
            add(lambda i, o: [helper.make_node("Sigmoid", [i], [o])], {"type": "sigmoid"}, shape)
        else:
            add(lambda i, o: [helper.make_node("Tanh", [i], [o])], {"type": "tanh"}, shape)
        cin, hh, ww = shape
        k = int(rng.integers(2, 4))
        s = int(rng.integers(1, 4))
        p = int(rng.integers(0, k // 2 + 1))
        oh, ow = conv_out(hh, k, s, p), conv_out(ww, k, s, p)
        if oh >= 1 and ow >= 1:
            mode = ["max", "avg"][int(rng.integers(0, 2))]
            op = "MaxPool" if mode == "max" else "AveragePool"
            extra = {} if mode == "max" else {"count_include_pad": 1}
            add(lambda i, o, op=op, k=k, s=s, p=p, extra=extra: [helper.make_node(
                op, [i], [o], kernel_shape=[k, k], strides=[s, s], pads=[p, p, p, p], **extra)],
                {"type": "pool2d", "mode": mode, "kernel": k, "stride": s, "padding": p}, (cin, oh, ow))
    if rng.integers(0, 3) == 0:
        add(lambda i, o: [helper.make_node("GlobalAveragePool", [i], [o])], {"type": "global_avg_pool"}, (shape[0], 1, 1))
    n = int(np.prod(shape))
    add(lambda i, o: [helper.make_node("Flatten", [i], [o], axis=1)], {"type": "flatten"}, (n,))
    add(lambda i, o: [helper.make_node("Identity", [i], [o])], {"type": "dropout", "p": 0.5}, (n,))
    classes = int(rng.integers(2, 8))
    wt = rng.normal(0, 0.3, (classes, n)).astype(np.float32)
    bias = rng.normal(0, 0.2, (classes,)).astype(np.float32)
    tensors["fc.weight"], tensors["fc.bias"] = wt, bias
    inits += [numpy_helper.from_array(wt, "fc.weight"), numpy_helper.from_array(bias, "fc.bias")]
    add(lambda i, o: [helper.make_node("Gemm", [i, "fc.weight", "fc.bias"], [o], transB=1)],
        {"type": "dense", "name": "fc", "out_features": classes}, (classes,))
    add(lambda i, o: [helper.make_node("Softmax", [i], [o], axis=1)], {"type": "softmax"}, (classes,))

    graph = helper.make_graph(
        nodes, f"case{index}",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, *s]) for name, s in outputs],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    x = rng.normal(0, 1, (c, h, w)).astype(np.float32)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    results = sess.run([name for name, _ in outputs], {"x": x[None]})
    spec = {
        "format": "convscope/1", "name": f"reference-case{index}",
        "description": "random model; expected outputs from onnxruntime",
        "input": {"channels": c, "height": h, "width": w},
        "weights": "weights.safetensors", "layers": layers,
    }
    return spec, tensors, x, [(r[0], s) for r, (_, s) in zip(results, outputs)]


def main():
    out_dir = sys.argv[1]
    for i in range(12):
        spec, tensors, x, results = random_case(i)
        d = os.path.join(out_dir, f"case{i:02}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "model.json"), "w") as f:
            json.dump(spec, f, indent=1)
        save_file(tensors, os.path.join(d, "weights.safetensors"))
        np.save(os.path.join(d, "input.npy"), x)
        for j, (r, shape) in enumerate(results):
            assert r.shape == tuple(shape), (r.shape, shape)
            np.save(os.path.join(d, f"{j + 1:02}.npy"), r.astype(np.float32))
    print(f"wrote 12 cases to {out_dir}; onnxruntime {ort.__version__}")


if __name__ == "__main__":
    main()
