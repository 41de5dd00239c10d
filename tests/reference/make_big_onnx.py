#!/usr/bin/env python3
"""torchvision's AlexNet, VGG11-BN and VGG-16 with random weights, exported to ONNX with both
of torch's exporters, with onnxruntime's value of every tensor: too big to commit (0.2 to
0.5 GB each), so written to a folder outside the repository for the ignored test
`big_torchvision_nets_match_onnxruntime` in tests/engine/onnx_import.rs:

    python3 tests/reference/make_big_onnx.py /tmp/convscope-big
    CONVSCOPE_BIG_ONNX=/tmp/convscope-big cargo test --release --test engine onnx_import -- --ignored --nocapture

VGG-16 is exported for the memory check only (no per-stage values): see docs/performance.md
("Big ONNX files: time and memory").
"""
import os
import sys

import numpy as np
import torch
import torchvision
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from make_onnx_models import every_value, export  # noqa: E402

torch.manual_seed(20261130)


def main(out):
    os.makedirs(out, exist_ok=True)
    x = torch.rand(1, 3, 224, 224)
    np.save(os.path.join(out, "input.npy"), x.numpy()[0])
    nets = {
        "alexnet": torchvision.models.alexnet(weights=None),
        "vgg11-bn": torchvision.models.vgg11_bn(weights=None),
    }
    for name, net in nets.items():
        net.eval()
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
            print(f"{name}-{exp}: {os.path.getsize(path)} bytes")
    vgg16 = torchvision.models.vgg16(weights=None).eval()
    export(vgg16, x, os.path.join(out, "vgg16-ts.onnx"), "ts")
    print("vgg16-ts:", os.path.getsize(os.path.join(out, "vgg16-ts.onnx")), "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/convscope-big")
