#!/usr/bin/env python3
"""Exports small PyTorch CNNs to ONNX with both of torch's exporters and stores onnxruntime's
output of every node, as fixtures for tests/engine/onnx_import.rs. Needs torch, onnx, onnxruntime,
onnxscript and safetensors (only to regenerate; the tests read the committed files):

    python3 tests/reference/make_onnx_models.py tests/fixtures/onnx [NAME...]

For each net NAME and exporter EXP (ts = TorchScript, dynamo = torch.export, ts-keep =
TorchScript keeping batch normalisation and dropout as nodes) it writes
NAME-EXP.onnx and NAME-EXP.ort.safetensors: the input under "input" ([1,C,H,W]) and
onnxruntime's value of every float tensor the graph computes, by ONNX value name.
With --big it also exports torchvision's AlexNet and VGG11-BN (random weights) to /tmp and
prints their max errors against convscope (see docs/performance.md, "Imported ONNX models,
stage by stage"); those are too big to commit.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
from safetensors.numpy import save_file

torch.manual_seed(20261130)


class LeNet5(nn.Module):
    """LeCun et al. 1998 on 28x28 MNIST: tanh and average pooling."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.s2 = nn.AvgPool2d(2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.s4 = nn.AvgPool2d(2)
        self.f5 = nn.Linear(400, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = self.s2(torch.tanh(self.c1(x)))
        x = self.s4(torch.tanh(self.c3(x)))
        x = torch.flatten(x, 1)
        x = torch.tanh(self.f5(x))
        x = torch.tanh(self.f6(x))
        return self.out(x)


def vgg_bn():
    """VGG-style: conv-BN-ReLU blocks, max pooling, global average pooling, dropout, LogSoftmax."""

    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]

    net = nn.Sequential(
        *block(3, 8), *block(8, 8), nn.MaxPool2d(2),
        *block(8, 16), *block(16, 16), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.5),
        nn.Linear(16, 10), nn.LogSoftmax(dim=1),
    )
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.3, 0.3)
    return net


def mixed():
    """Modern activations with dilated, grouped and depthwise convolutions, ceil_mode pooling
    and count_include_pad=False."""
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=2, dilation=2), nn.ReLU6(),
        nn.Conv2d(8, 8, 3, padding=1, groups=4), nn.ELU(),
        nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.GELU(),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.Conv2d(8, 16, 1), nn.SiLU(),
        nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), nn.Hardswish(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5),
    )


def acts():
    """The rest of the layer set: PReLU, SELU, LeakyReLU, Hardtanh, Hardsigmoid, tanh-GELU,
    "same" padding with an even kernel (asymmetric), ceil_mode pooling that changes the size,
    ZeroPad2d before average and max pooling, a dilated depthwise convolution, global max
    pooling and BatchNorm1d."""
    net = nn.Sequential(
        nn.Conv2d(3, 8, 4, padding="same"), nn.PReLU(8),
        nn.MaxPool2d(2, ceil_mode=True),
        nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8), nn.SELU(),
        nn.ZeroPad2d((1, 0, 1, 0)), nn.AvgPool2d(2),
        nn.Conv2d(8, 12, 3, padding=1), nn.ReLU(),
        nn.ZeroPad2d((0, 1, 0, 1)), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(12, 12, 1), nn.Hardtanh(), nn.LeakyReLU(0.1), nn.Hardsigmoid(),
        nn.GELU(approximate="tanh"),
        nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(12, 10), nn.BatchNorm1d(10),
        nn.LogSoftmax(dim=1),
    )
    with torch.no_grad():
        net[1].weight.uniform_(0.05, 0.4)
        bn = net[-2]
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.3, 0.3)
    return net


def tiny():
    """The worked example of docs/own-models.md: small enough to read."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4 * 4 * 4, 3), nn.Softmax(dim=1),
    )


NETS = {
    "lenet5": (LeNet5, (1, 1, 28, 28)),
    "vgg-bn": (vgg_bn, (1, 3, 32, 32)),
    "mixed": (mixed, (1, 3, 33, 33)),
    "tiny": (tiny, (1, 1, 8, 8)),
    "acts": (acts, (1, 3, 29, 29)),
}


def export(net, x, path, exp):
    if exp == "ts-keep":
        # Batch normalisation and dropout kept as their own nodes (not folded into the conv).
        torch.onnx.export(net, (x,), path, dynamo=False, opset_version=13,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                          input_names=["input"], output_names=["output"])
    elif exp == "dynamo":
        program = torch.onnx.export(net, (x,), dynamo=True, input_names=["input"], output_names=["output"])
        program.save(path)
    else:
        torch.onnx.export(net, (x,), path, dynamo=False, opset_version=13,
                          input_names=["input"], output_names=["output"])


def every_value(path, x):
    """onnxruntime's value of every float tensor in the graph, by name."""
    model = onnx.load(path)
    inferred = onnx.shape_inference.infer_shapes(model)
    known = {o.name for o in model.graph.output}
    for vi in inferred.graph.value_info:
        if vi.type.tensor_type.elem_type == onnx.TensorProto.FLOAT and vi.name not in known:
            model.graph.output.append(vi)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    values = session.run(names, {session.get_inputs()[0].name: x})
    return {n: np.ascontiguousarray(v) for n, v in zip(names, values) if v.dtype == np.float32}


def main(out, only=None):
    os.makedirs(out, exist_ok=True)
    for name, (make, shape) in NETS.items():
        # Every net is made (the random stream stays the same), only the chosen written.
        net = make().eval()
        x = torch.randn(*shape)
        if only and name not in only:
            continue
        if name == "tiny":
            np.save(os.path.join(out, "tiny-input.npy"), x.numpy()[0])
        exporters = ("ts", "dynamo", "ts-keep") if name in ("vgg-bn", "acts") else ("ts", "dynamo")
        for exp in exporters:
            path = os.path.join(out, f"{name}-{exp}.onnx")
            try:
                export(net, x, path, exp)
            except Exception as e:  # noqa: BLE001 - say which exporter failed and go on
                print(f"{name}-{exp}: export failed: {e}".splitlines()[0])
                continue
            values = every_value(path, x.numpy())
            values["input"] = x.numpy()
            save_file(values, os.path.join(out, f"{name}-{exp}.ort.safetensors"))
            ops = sorted({n.op_type for n in onnx.load(path).graph.node})
            print(f"{name}-{exp}: {os.path.getsize(path)} bytes, {len(values)} values, ops {ops}")


if __name__ == "__main__":
    # make_onnx_models.py [OUT [NAME...]]: all nets, or only those named.
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/onnx", sys.argv[2:])
