#!/usr/bin/env python3
"""Issue 28's list of torchvision classifiers with random weights (random batch-norm
statistics too), exported with both of torch's exporters (TorchScript at opset 17, dynamo at
opset 18), with onnxruntime's value of every float tensor of the graph: far too big to commit,
so written to a folder outside the repository for the ignored test
`torchvision_classifiers_match_onnxruntime` in tests/engine/onnx_idioms.rs:

    python3 tests/reference/make_torchvision_onnx.py /tmp/tv [NAME...]
    CONVSCOPE_TV_ONNX=/tmp/tv cargo test --release --test engine torchvision_classifiers -- --ignored --nocapture

The input is 160x160 (every net pools adaptively; smaller maps keep the stored values and the
run short), 224x224 for VGG-16 and AlexNet, whose adaptive pooling would otherwise upsample. Networks are exported one at a time; give names to make only some.
"""
import os
import sys

import torch
import torchvision
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from make_graph_onnx import randomize_bn  # noqa: E402
from make_idiom_onnx import export  # noqa: E402
from make_onnx_models import every_value  # noqa: E402

NETS = [
    "resnet34", "resnet50", "resnext50_32x4d", "wide_resnet50_2", "densenet121", "googlenet",
    "inception_v3", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0",
    "shufflenet_v2_x1_0", "mnasnet1_0", "regnet_x_400mf", "regnet_y_400mf", "convnext_tiny",
    "vgg16", "alexnet", "squeezenet1_0",
]


def make(name):
    kwargs = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
    return randomize_bn(getattr(torchvision.models, name)(weights=None, **kwargs)).eval()


def main(out, only=None):
    os.makedirs(out, exist_ok=True)
    for name in NETS:
        if only and name not in only:
            continue
        torch.manual_seed(20261205)
        net = make(name)
        # VGG's and AlexNet's adaptive pooling must not upsample (7x7 and 6x6 at 224).
        side = 224 if name in ("vgg16", "alexnet") else 160
        x = torch.rand(1, 3, side, side)
        for exp in ("ts", "dynamo"):
            path = os.path.join(out, f"{name}-{exp}.onnx")
            try:
                export(net, x, path, exp)
            except Exception as e:  # noqa: BLE001 - say which exporter failed and go on
                print(f"{name}-{exp}: export failed: {e}".splitlines()[0], flush=True)
                continue
            values = every_value(path, x.numpy())
            values["input"] = x.numpy()
            save_file(values, os.path.join(out, f"{name}-{exp}.ort.safetensors"))
            print(f"{name}-{exp}: {os.path.getsize(path)} bytes, {len(values)} values", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tv", sys.argv[2:])
