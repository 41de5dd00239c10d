#!/usr/bin/env python3
"""Small PyTorch nets written with the idioms torchvision and course students use that need
more than a chain of convolutions (issue 28): a one-input concatenation (DenseNet's first
dense layer), ShuffleNetV2's split and channel shuffle, ConvNeXt's block (7x7 depthwise,
LayerNorm over channels via permute, Linear on channels, GELU, layer scale) and its
LayerNorm2d, nn.Upsample (nearest, bilinear with and without align_corners), reflect and
replicate padding, and squeeze-and-excitation written with nn.Linear and view / unsqueeze /
[:, :, None, None]; and LayerNorm spelt out node by node (what TorchScript writes below
opset 17): LayerNorm over channels written with mean(1, keepdim=True), and the ConvNeXt net
again at opset 13. Each is exported by both of torch's exporters (TorchScript `ts` at opset
17, or 13 where the net's entry says so, dynamo at opset 18), with
onnxruntime's value of every float tensor of the graph, as fixtures for
tests/engine/onnx_idioms.rs (same layout as make_onnx_models.py):

    python3 tests/reference/make_idiom_onnx.py tests/fixtures/onnx [NAME...]

Weights are random (seeded); the nets are kept tiny so the fixtures stay small.
"""
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from make_onnx_models import every_value  # noqa: E402

torch.manual_seed(20261205)


class OneCat(nn.Module):
    """torchvision's DenseNet concatenates a list of one tensor in its first dense layer."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 6, 3, padding=1)
        self.c2 = nn.Conv2d(6, 4, 1)

    def forward(self, x):
        x = self.c1(x)
        y = torch.cat([x], 1)
        y = self.c2(torch.relu(y))
        return torch.cat([x, y], 1)


def channel_shuffle(x, groups):
    # torchvision.models.shufflenetv2.channel_shuffle
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(b, -1, h, w)


class Shuffle(nn.Module):
    """ShuffleNetV2's two units: the strided one (two branches) and the one that splits its
    input in halves with chunk; both end with a channel shuffle."""

    def __init__(self, c=8):
        super().__init__()
        h = c // 2
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, padding=1), nn.ReLU())
        self.b1 = nn.Sequential(nn.Conv2d(c, c, 3, 2, 1, groups=c), nn.Conv2d(c, h, 1), nn.ReLU())
        self.b2 = nn.Sequential(nn.Conv2d(c, h, 1), nn.ReLU(), nn.Conv2d(h, h, 3, 2, 1, groups=h),
                                nn.Conv2d(h, h, 1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(h, h, 1), nn.ReLU(), nn.Conv2d(h, h, 3, 1, 1, groups=h),
                                nn.Conv2d(h, h, 1), nn.ReLU())

    def forward(self, x):
        x = self.stem(x)
        x = channel_shuffle(torch.cat((self.b1(x), self.b2(x)), 1), 2)
        x1, x2 = x.chunk(2, dim=1)
        x = channel_shuffle(torch.cat((x1, self.b3(x2)), 1), 2)
        return x.mean([2, 3])


class LayerNorm2d(nn.LayerNorm):
    """torchvision.models.convnext.LayerNorm2d: LayerNorm over channels via permute."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """torchvision.models.convnext.CNBlock (no stochastic depth at inference)."""

    def __init__(self, dim):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, 7, padding=3, groups=dim),
            Permute([0, 2, 3, 1]),
            nn.LayerNorm(dim, eps=1e-6),
            nn.Linear(dim, 4 * dim),
            nn.GELU(),
            nn.Linear(4 * dim, dim),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.rand(dim, 1, 1) + 0.5)

    def forward(self, x):
        return self.layer_scale * self.block(x) + x


class Permute(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


def convnext_small():
    def ln(c):
        n = LayerNorm2d(c, eps=1e-6)
        with torch.no_grad():
            n.weight.uniform_(0.5, 1.5)
            n.bias.uniform_(-0.3, 0.3)
        return n

    return nn.Sequential(
        nn.Conv2d(3, 8, 2, stride=2), ln(8), CNBlock(8),
        ln(8), nn.Conv2d(8, 12, 2, stride=2), CNBlock(12),
        nn.AdaptiveAvgPool2d(1), ln(12), nn.Flatten(1), nn.Linear(12, 5),
    )


def upsample():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(4, 4, 3, padding=1), nn.Upsample(scale_factor=2, mode="bilinear"),
        nn.Conv2d(4, 4, 3, stride=2), nn.Upsample(size=(9, 11), mode="bilinear", align_corners=True),
        nn.Conv2d(4, 3, 1), nn.Upsample(size=(13, 16), mode="nearest"),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )


def padding_modes():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), nn.ReLU(),
        nn.Conv2d(4, 4, 5, padding=2, padding_mode="replicate"), nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding="same", padding_mode="reflect"), nn.ReLU(),
        nn.ReflectionPad2d((1, 2, 0, 1)), nn.Conv2d(4, 4, 3), nn.ReplicationPad2d(2),
        nn.MaxPool2d(2), nn.Flatten(),
    )


class SqueezeExciteLinear(nn.Module):
    """Squeeze-and-excitation as courses write it: nn.Linear on the pooled vector, then the
    weights back to [b, c, 1, 1] by view, unsqueeze or None-indexing."""

    def __init__(self, c, hidden, how):
        super().__init__()
        self.fc1 = nn.Linear(c, hidden)
        self.fc2 = nn.Linear(hidden, c)
        self.how = how

    def forward(self, x):
        b, c, _, _ = x.shape
        s = F.adaptive_avg_pool2d(x, 1).view(b, c) if self.how == "view" else x.mean((2, 3))
        s = torch.sigmoid(self.fc2(torch.relu(self.fc1(s))))
        if self.how == "view":
            s = s.view(b, c, 1, 1)
        elif self.how == "unsqueeze":
            s = s.unsqueeze(-1).unsqueeze(-1)
        else:
            s = s[:, :, None, None]
        return x * s


def se_linear():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
        SqueezeExciteLinear(8, 4, "view"),
        nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
        SqueezeExciteLinear(8, 2, "unsqueeze"),
        SqueezeExciteLinear(8, 2, "none"),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5),
    )


class LayerNorm2dMean(nn.Module):
    """LayerNorm over the channels of [b, c, h, w] as the ConvNeXt repository's
    `channels_first` LayerNorm and courses write it: the mean and variance over dim 1, kept,
    then `(x - u) / sqrt(s + eps)` and a weight and bias per channel. The square is `pow(2)`
    or `d * d`; `affine=False` leaves weight and bias out."""

    def __init__(self, c, eps=1e-6, square="pow", affine=True):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(c) + 0.5) if affine else None
        self.bias = nn.Parameter(torch.rand(c) - 0.5) if affine else None
        self.eps, self.square = eps, square

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        d = x - u
        s = (d.pow(2) if self.square == "pow" else d * d).mean(1, keepdim=True)
        x = d / torch.sqrt(s + self.eps)
        if self.weight is None:
            return x
        return self.weight[:, None, None] * x + self.bias[:, None, None]


def layer_norm_mean():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), LayerNorm2dMean(8), nn.GELU(),
        nn.Conv2d(8, 6, 3, stride=2), LayerNorm2dMean(6, eps=1e-5, square="mul", affine=False),
        nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 4),
    )


# Each net's exports: the exporter, and the opset (TorchScript below 17 spells LayerNorm out
# node by node, ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add).
BOTH = (("ts", 17), ("dynamo", 18))
NETS = {
    "one-cat": (OneCat, (1, 3, 6, 7), BOTH),
    "shuffle": (Shuffle, (1, 3, 8, 6), BOTH),
    "convnext-small": (convnext_small, (1, 3, 12, 8), BOTH),
    "upsample": (upsample, (1, 3, 7, 6), BOTH),
    "pad-modes": (padding_modes, (1, 3, 11, 9), BOTH),
    "se-linear": (se_linear, (1, 3, 10, 9), BOTH),
    "ln-mean": (layer_norm_mean, (1, 3, 7, 6), (("ts", 13), ("dynamo", 18))),
    "convnext-13": (convnext_small, (1, 3, 8, 8), (("ts", 13),)),
}


def export(net, x, path, exp, opset=None):
    if exp == "dynamo":
        program = torch.onnx.export(net, (x,), dynamo=True, opset_version=opset or 18,
                                    input_names=["input"], output_names=["output"])
        program.save(path)
    else:
        torch.onnx.export(net, (x,), path, dynamo=False, opset_version=opset or 17,
                          input_names=["input"], output_names=["output"])


def main(out, only=None):
    os.makedirs(out, exist_ok=True)
    for name, (make, shape, exports) in NETS.items():
        # Every net is made (the random stream stays the same), only the chosen written.
        net = make().eval()
        x = torch.randn(*shape)
        if only and name not in only:
            continue
        for exp, opset in exports:
            path = os.path.join(out, f"{name}-{exp}.onnx")
            try:
                export(net, x, path, exp, opset)
            except Exception as e:  # noqa: BLE001 - say which exporter failed and go on
                print(f"{name}-{exp}: export failed: {e}".splitlines()[0])
                continue
            values = every_value(path, x.numpy())
            values["input"] = x.numpy()
            with torch.no_grad():
                want = net(x).numpy()
            err = abs(values["output"] - want).max()
            assert err < 1e-4, f"{name}-{exp}: onnxruntime and torch differ by {err}"
            ref = os.path.join(out, f"{name}-{exp}.ort.safetensors")
            save_file(values, ref)
            ops = sorted({n.op_type for n in onnx.load(path).graph.node})
            print(f"{name}-{exp}: {os.path.getsize(path)} + {os.path.getsize(ref)} bytes, "
                  f"{len(values)} values, ops {ops}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/onnx", sys.argv[2:])
