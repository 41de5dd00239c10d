#!/usr/bin/env python3
"""PyTorch's CPU training throughput (images/s) on convscope's sample architectures, to put
beside `cargo bench --bench train` (benches/train.rs): the same networks (built from
sample_models/arch/*.json), batch sizes, Adam at lr 1e-3, cross-entropy, seeded random inputs,
and the same number of threads (default: every core, as rayon uses).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    /tmp/venv/bin/python scripts/torch-train-throughput.py [--threads N] [--seconds S]

One step is forward, backward and the optimiser update, as in the bench. Each case warms up
for a few steps, then runs for about S seconds; the median of five such timings is printed.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
CASES = [("digits", [8, 32, 128]), ("fc", [32]), ("shapes", [8, 32, 128]), ("speech", [32])]


def build(arch):
    """The convscope/1 architecture as an nn.Sequential (the layer types the samples use)."""
    spec = arch["input"]
    c, h, w = spec["channels"], spec["height"], spec["width"]
    layers = []
    flat = None
    for layer in arch["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            k = layer["kernel"]
            p = layer.get("padding", 0)
            s = layer.get("stride", 1)
            layers.append(nn.Conv2d(c, layer["out_channels"], k, stride=s, padding=p))
            c = layer["out_channels"]
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind == "pool2d":
            k = layer["kernel"]
            s = layer.get("stride", k)
            pool = nn.MaxPool2d if layer.get("mode", "max") == "max" else nn.AvgPool2d
            layers.append(pool(k, s))
            h, w = (h - k) // s + 1, (w - k) // s + 1
        elif kind == "flatten":
            layers.append(nn.Flatten())
            flat = c * h * w
        elif kind == "dense":
            layers.append(nn.Linear(flat, layer["out_features"]))
            flat = layer["out_features"]
        elif kind == "dropout":
            layers.append(nn.Dropout(layer.get("p", 0.5)))
        elif kind == "softmax":
            pass  # fused into the cross-entropy loss, as convscope's trainer does
        else:
            raise SystemExit(f"{arch['name']}: layer type {kind} not handled here")
    return nn.Sequential(*layers), (spec["channels"], spec["height"], spec["width"]), flat


def measure(name, batch, seconds):
    arch = json.loads((ROOT / "sample_models/arch" / f"{name}.json").read_text())
    torch.manual_seed(7)
    net, shape, classes = build(arch)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand((batch, *shape)) * 2 - 1
    y = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    rates = []
    for _ in range(5):
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            step()
            steps += 1
        rates.append(steps * batch / (time.perf_counter() - start))
    return statistics.median(rates), min(rates), max(rates)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seconds", type=float, default=1.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, batches in CASES:
        for batch in batches:
            median, low, high = measure(name, batch, args.seconds)
            print(f"{name:7} batch {batch:4}: {median:8.0f} images/s ({low:.0f}-{high:.0f})")


if __name__ == "__main__":
    main()
