#!/usr/bin/env python3
"""Small branching PyTorch nets (residual blocks, SqueezeNet's Fire modules, a MobileNet-style
inverted residual with squeeze-and-excitation) exported to ONNX at opset 17 with both of
torch's exporters, with onnxruntime's value of every float tensor of the graph, as fixtures for
tests/engine/onnx_graph.rs (same layout as make_onnx_models.py):

    python3 tests/reference/make_graph_onnx.py tests/fixtures/onnx [NAME...]

Each NAME-EXP.onnx gets NAME-EXP.ort.safetensors: the input under "input" ([1,C,H,W]) and
every value by ONNX name. Weights and batch-norm statistics are random (seeded).
"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from make_onnx_models import every_value  # noqa: E402

torch.manual_seed(20261201)


def randomize_bn(net):
    """Batch-norm statistics far from the identity, so that folding or skipping them shows."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
    return net


class Basic(nn.Module):
    """ResNet's basic block: two 3x3 conv-BN, the input added back (through a strided 1x1
    conv-BN when the size or width changes), then ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        skip = x if self.down is None else self.down(x)
        return torch.relu(y + skip)


class ResNetSmall(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.l1 = Basic(8, 8, 1)
        self.l2 = Basic(8, 12, 2)
        self.head = nn.Linear(12, 10)

    def forward(self, x):
        x = self.l2(self.l1(self.pool(self.stem(x))))
        x = nn.functional.adaptive_avg_pool2d(x, 1)
        return self.head(torch.flatten(x, 1))


class Fire(nn.Module):
    """SqueezeNet's Fire module: a 1x1 squeeze, then 1x1 and 3x3 expands side by side,
    concatenated along channels."""

    def __init__(self, cin, squeeze, e1, e3):
        super().__init__()
        self.s = nn.Conv2d(cin, squeeze, 1)
        self.e1 = nn.Conv2d(squeeze, e1, 1)
        self.e3 = nn.Conv2d(squeeze, e3, 3, padding=1)

    def forward(self, x):
        x = torch.relu(self.s(x))
        return torch.cat([torch.relu(self.e1(x)), torch.relu(self.e3(x))], 1)


def fire_small():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(8, 4, 6, 6), Fire(12, 4, 6, 6), nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(12, 6, 8, 8),
        nn.Dropout(0.5), nn.Conv2d(16, 5, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )


class SqueezeExcite(nn.Module):
    def __init__(self, c, hidden):
        super().__init__()
        self.fc1 = nn.Conv2d(c, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, c, 1)

    def forward(self, x):
        s = nn.functional.adaptive_avg_pool2d(x, 1)
        s = nn.functional.hardsigmoid(self.fc2(torch.relu(self.fc1(s))))
        return x * s


class InvertedResidual(nn.Module):
    """MobileNetV2/V3's block: 1x1 expand, 3x3 depthwise, squeeze-and-excitation, 1x1 project
    (no activation), the input added back."""

    def __init__(self, c, expand):
        super().__init__()
        h = c * expand
        self.body = nn.Sequential(
            nn.Conv2d(c, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
            nn.Conv2d(h, h, 3, 1, 1, groups=h, bias=False), nn.BatchNorm2d(h), nn.Hardswish(),
            SqueezeExcite(h, 4),
            nn.Conv2d(h, c, 1, bias=False), nn.BatchNorm2d(c),
        )

    def forward(self, x):
        return x + self.body(x)


def mobile_se():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
        InvertedResidual(8, 3), InvertedResidual(8, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4),
    )


NETS = {
    "resnet-small": (ResNetSmall, (1, 3, 20, 20)),
    "fire-small": (fire_small, (1, 3, 33, 33)),
    "mobile-se": (mobile_se, (1, 3, 16, 16)),
}


def export(net, x, path, exp):
    if exp == "dynamo":
        program = torch.onnx.export(net, (x,), dynamo=True, opset_version=17,
                                    input_names=["input"], output_names=["output"])
        program.save(path)
    else:
        torch.onnx.export(net, (x,), path, dynamo=False, opset_version=17,
                          input_names=["input"], output_names=["output"])


def main(out, only=None):
    os.makedirs(out, exist_ok=True)
    for name, (make, shape) in NETS.items():
        net = randomize_bn(make()).eval()
        x = torch.randn(*shape)
        if only and name not in only:
            continue
        for exp in ("ts", "dynamo"):
            path = os.path.join(out, f"{name}-{exp}.onnx")
            try:
                export(net, x, path, exp)
            except Exception as e:  # noqa: BLE001 - say which exporter failed and go on
                print(f"{name}-{exp}: export failed: {e}".splitlines()[0])
                continue
            values = every_value(path, x.numpy())
            values["input"] = x.numpy()
            ref = os.path.join(out, f"{name}-{exp}.ort.safetensors")
            save_file(values, ref)
            ops = sorted({n.op_type for n in onnx.load(path).graph.node})
            print(f"{name}-{exp}: {os.path.getsize(path)} + {os.path.getsize(ref)} bytes, "
                  f"{len(values)} values, ops {ops}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/onnx", sys.argv[2:])
