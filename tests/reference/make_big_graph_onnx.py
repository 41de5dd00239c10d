#!/usr/bin/env python3
"""torchvision's ResNet-18, MobileNetV2 and SqueezeNet 1.1 with random weights (random batch
norm statistics too), exported to ONNX at opset 17 with both of torch's exporters, with
onnxruntime's value of every tensor: too big to commit (60 to 200 MB each with the values), so
written to a folder outside the repository for the ignored test
`big_torchvision_graphs_match_onnxruntime` in tests/engine/onnx_graph.rs:

    python3 tests/reference/make_big_graph_onnx.py /tmp/convscope-big
    CONVSCOPE_BIG_ONNX=/tmp/convscope-big cargo test --release --test engine big_torchvision_graphs -- --ignored --nocapture
"""
import os
import sys

import numpy as np
import torch
import torchvision
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from make_graph_onnx import export, randomize_bn  # noqa: E402
from make_onnx_models import every_value  # noqa: E402

torch.manual_seed(20261201)


def main(out, only=None):
    os.makedirs(out, exist_ok=True)
    x = torch.rand(1, 3, 224, 224)
    nets = {
        "resnet18": torchvision.models.resnet18,
        "mobilenet_v2": torchvision.models.mobilenet_v2,
        "squeezenet1_1": torchvision.models.squeezenet1_1,
    }
    for name, make in nets.items():
        net = randomize_bn(make(weights=None)).eval()
        if only and name not in only:
            continue
        for exp in ("ts", "dynamo"):
            path = os.path.join(out, f"{name}-{exp}.onnx")
            try:
                export(net, x, path, exp)
            except Exception as e:  # noqa: BLE001
                print(f"{name}-{exp}: export failed: {e}".splitlines()[0])
                continue
            values = every_value(path, x.numpy())
            values["input"] = x.numpy()
            save_file(values, os.path.join(out, f"{name}-{exp}.ort.safetensors"))
            print(f"{name}-{exp}: {os.path.getsize(path)} bytes, {len(values)} values")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/convscope-big", sys.argv[2:])
