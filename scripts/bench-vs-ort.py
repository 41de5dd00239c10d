#!/usr/bin/env python3
"""Our convolution kernels against onnxruntime on the same layers, in one run.

1. `cargo bench --bench conv_kernels` (ours: every distinct conv shape of ResNet-18 and
   MobileNetV2 at 224x224 from benches/conv_shapes.json, each network's set on 1 and 2
   threads, VGG11-BN's whole forward pass).
2. The same layers in onnxruntime (each shape a one-Conv model; VGG11-BN the whole network
   with the same layer list as `zoo::vgg11_bn`), timed with intra_op_num_threads 1 and 2.
3. A table: ours vs onnxruntime, per shape and per network, with GFLOP/s.

4. With `--models DIR`: whole networks at 224x224 (resnet18-ts.onnx, mobilenet_v2-ts.onnx,
   efficientnet_b0-ts.onnx, mobilenet_v3_large-ts.onnx in DIR; `--make-models` writes the
   missing ones there first: torchvision's networks with random weights and random batch-norm
   statistics, torch's TorchScript exporter at opset 17, as tests/reference/
   make_big_graph_onnx.py exports the first two), `convscope bench --model` (its forward pass
   on one thread and on two, `--threads 2`, or on all cores for builds without the flag)
   against onnxruntime on the same file, interleaved round by round, the best median of the
   rounds each, and the ratio ours / onnxruntime. `--ours NAME=BINARY` (repeatable) times
   several builds of convscope in the same rounds, e.g. the one before a change and the one
   after; `--nets` picks some of the networks, or other files of DIR by name (the whole
   torchvision set of tests/reference/make_torchvision_onnx.py, say: `--models /tmp/tv --nets
   googlenet-ts mnasnet1_0-ts`), each fed at its own input size. Set CONVSCOPE_ISA (docs/performance.md) to time
   one instruction-set path.

Needs onnx, onnxruntime and numpy (a virtual environment with them). Run from the repository
root:
    python3 scripts/bench-vs-ort.py [--skip-cargo] [--skip-kernels]
        [--models /tmp/convscope-big [--make-models] [--rounds 3] [--nets resnet18-ts ...]
         [--ours new=target/release/convscope]]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def out_side(r):
    return (r["h"] + 2 * r["p"] - r["k"]) // r["s"] + 1


def macs(r):
    o = out_side(r)
    return r["o"] * (r["c"] // r["groups"]) * r["k"] * r["k"] * o * o


def conv_model(r, rng):
    per_in = r["c"] // r["groups"]
    w = rng.uniform(-0.1, 0.1, (r["o"], per_in, r["k"], r["k"])).astype(np.float32)
    b = rng.uniform(-0.1, 0.1, r["o"]).astype(np.float32)
    node = helper.make_node(
        "Conv", ["x", "w", "b"], ["y"], kernel_shape=[r["k"]] * 2, strides=[r["s"]] * 2,
        pads=[r["p"]] * 4, group=r["groups"])
    o = out_side(r)
    graph = helper.make_graph(
        [node], "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, r["c"], r["h"], r["h"]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, r["o"], o, o])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def vgg11_bn_model(rng):
    """VGG11-BN as `zoo::vgg11_bn` builds it (random weights; the timing is what matters)."""
    nodes, inits = [], []
    x, channels, n = "x", 3, 0

    def init(name, a):
        inits.append(numpy_helper.from_array(a.astype(np.float32), name))
        return name

    for widths in [[64], [128], [256, 256], [512, 512], [512, 512]]:
        for width in widths:
            n += 1
            w = init(f"w{n}", rng.uniform(-0.05, 0.05, (width, channels, 3, 3)))
            b = init(f"b{n}", rng.uniform(-0.1, 0.1, width))
            nodes.append(helper.make_node("Conv", [x, w, b], [f"c{n}"], kernel_shape=[3, 3],
                                          pads=[1, 1, 1, 1]))
            bn = [init(f"bn{n}_{t}", rng.uniform(0.5, 1.5, width)) for t in "smbv"]
            nodes.append(helper.make_node("BatchNormalization", [f"c{n}"] + bn, [f"n{n}"]))
            nodes.append(helper.make_node("Relu", [f"n{n}"], [f"r{n}"]))
            x, channels = f"r{n}", width
        nodes.append(helper.make_node("MaxPool", [x], [f"p{n}"], kernel_shape=[2, 2],
                                      strides=[2, 2]))
        x = f"p{n}"
    nodes.append(helper.make_node("Flatten", [x], ["f"]))
    x = "f"
    for i, (fin, fout) in enumerate([(25088, 4096), (4096, 4096), (4096, 1000)]):
        w = init(f"fw{i}", rng.uniform(-0.01, 0.01, (fout, fin)))
        b = init(f"fb{i}", np.zeros(fout))
        nodes.append(helper.make_node("Gemm", [x, w, b], [f"g{i}"], transB=1))
        x = f"g{i}"
        if i < 2:
            nodes.append(helper.make_node("Relu", [x], [f"gr{i}"]))
            x = f"gr{i}"
    graph = helper.make_graph(
        nodes, "vgg11_bn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 1000])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def session(model, threads):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])


def median_seconds(sess, feed, budget=1.0, least=5):
    for _ in range(2):
        sess.run(None, feed)
    times, start = [], time.perf_counter()
    while len(times) < least or time.perf_counter() - start < budget:
        t = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def criterion_median(group, bench, folder=None):
    """Our median in seconds, from criterion's saved estimate (None when not run). `folder`:
    the bench's folder as criterion named it, when already known (found by `find_our`)."""
    safe = lambda s: "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in s)
    path = os.path.join(ROOT, "target", "criterion", safe(group), folder or safe(bench), "new",
                        "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"] * 1e-9
    except OSError:
        return None


def find_our(group, prefix):
    base = os.path.join(ROOT, "target", "criterion", group)
    if not os.path.isdir(base):
        return None, None
    for entry in sorted(os.listdir(base)):
        path = os.path.join(base, entry, "new", "benchmark.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            name = json.load(f)["function_id"]
        if name.startswith(prefix + " "):
            return criterion_median(group, None, folder=entry), name[len(prefix) + 1:]
    return None, None


NETWORKS = ["resnet18-ts", "mobilenet_v2-ts", "efficientnet_b0-ts", "mobilenet_v3_large-ts"]


def make_models(folder, names):
    """The networks of step 4 that are not in `folder` yet, exported there (weights only: the
    reference values that make_big_graph_onnx.py stores too are not needed to time them)."""
    missing = [n for n in names if not os.path.exists(os.path.join(folder, n + ".onnx"))]
    if not missing:
        return
    import torch
    import torchvision
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    from make_graph_onnx import export, randomize_bn
    os.makedirs(folder, exist_ok=True)
    for name in missing:
        torch.manual_seed(20261201)
        net = randomize_bn(getattr(torchvision.models, name[:-len("-ts")])(weights=None)).eval()
        path = os.path.join(folder, name + ".onnx")
        export(net, torch.rand(1, 3, 224, 224), path, "ts")
        print(f"{name}: wrote {path} ({os.path.getsize(path)} bytes)", flush=True)


def whole_networks(args):
    """Step 4: whole ONNX networks, ours and onnxruntime's, round by round."""
    ours = [o.split("=", 1) for o in args.ours] or [
        ["ours", os.path.join(ROOT, "target", "release", "convscope")]]
    names = args.nets or NETWORKS
    if args.make_models:
        make_models(args.models, [n for n in names if n in NETWORKS])
    print(f"\nwhole networks (onnxruntime {ort.__version__}; best of {args.rounds} rounds; "
          f"ms per forward pass; load {os.getloadavg()[0]:.2f}; "
          f"CONVSCOPE_ISA={os.environ.get('CONVSCOPE_ISA', '')})")
    rng = np.random.default_rng(2)
    for name in names:
        path = os.path.join(args.models, name + ".onnx")
        if not os.path.exists(path):
            print(f"{name}: {path} missing (--make-models writes it)")
            continue
        model = onnx.load(path)
        # The file's own input size (inception_v3 is 299x299), 224x224 where a dim is open.
        dims = [d.dim_value or 0 for d in model.graph.input[0].type.tensor_type.shape.dim]
        shape = (1, 3, 224, 224) if len(dims) != 4 or 0 in dims else tuple(dims)
        feed = {model.graph.input[0].name: rng.uniform(-1, 1, shape).astype(np.float32)}
        sessions = {th: session(model, th) for th in (1, 2)}
        best = {}
        layers = {}
        for _ in range(args.rounds):
            for th in (1, 2):
                t = median_seconds(sessions[th], feed, budget=2.0) * 1e3
                best[f"ort {th}t"] = min(best.get(f"ort {th}t", t), t)
            for label, binary in ours:
                helptext = subprocess.run([binary, "bench", "--help"], capture_output=True,
                                          text=True).stdout
                # Builds from before `--no-sweep` time three sweeps too.
                flags = ["--no-sweep"] if "--no-sweep" in helptext else []
                run = lambda extra: json.loads(subprocess.run(
                    [binary, "bench", "--model", path, "--iters", str(args.iters)] + flags
                    + extra, cwd=ROOT, check=True, capture_output=True,
                    text=True).stdout.strip().splitlines()[-1])
                r = run([])
                t = r["forward_us"] / 1e3
                best[f"{label} 1t"] = min(best.get(f"{label} 1t", t), t)
                layers[label] = r["layer_us"]
                # Two threads: `--threads 2` where the build has it, else all cores (two here).
                if "--threads" in helptext:
                    t = run(["--threads", "2"])["forward_us"] / 1e3
                else:
                    t = r["forward_all_threads_us"] / 1e3
                best[f"{label} 2t"] = min(best.get(f"{label} 2t", t), t)
        print(f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in best.items()))
        for label, _ in ours:
            print(f"  {label} / onnxruntime: " + ", ".join(
                f"{th}t {best[f'{label} {th}t'] / best[f'ort {th}t']:.2f}" for th in (1, 2)))
        for label, _ in ours:
            by_type = {}
            for entry in layers[label]:
                kind = entry.get("kernel") or "".join(
                    c for c in entry["layer"].split(".")[-1] if not c.isdigit()).strip("_")
                by_type[kind] = by_type.get(kind, 0.0) + entry["us"] / 1e3
            print(f"  {label} per layer type, 1 thread (ms): " + ", ".join(
                f"{k} {v:.2f}" for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-cargo", action="store_true", help="use the last cargo bench run")
    ap.add_argument("--skip-kernels", action="store_true", help="only the whole networks")
    ap.add_argument("--models", help="folder of the whole networks' ONNX files")
    ap.add_argument("--make-models", action="store_true",
                    help="export the networks missing from --models first")
    ap.add_argument("--nets", nargs="+",
                    help=f"these files of --models (name without .onnx; default {NETWORKS}, "
                    "the only ones --make-models writes)")
    ap.add_argument("--ours", action="append", default=[], help="NAME=path of a convscope")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iters", type=int, default=40)
    args = ap.parse_args()
    if args.skip_kernels:
        return whole_networks(args)
    if not args.skip_cargo:
        subprocess.run(["cargo", "bench", "--bench", "conv_kernels"], cwd=ROOT, check=True)
    with open(os.path.join(ROOT, "benches", "conv_shapes.json")) as f:
        shapes = json.load(f)
    rng = np.random.default_rng(1)
    print(f"onnxruntime {ort.__version__}")
    for net in ["resnet18", "mobilenetv2"]:
        rows = [r for r in shapes if r["net"] == net]
        totals = {1: 0.0, 2: 0.0}
        ours_total = 0.0
        print(f"\n{net}: shape | count | kernel | ours 1t ms | ort 1t ms | ort 2t ms | "
              f"ours GFLOP/s | ort GFLOP/s")
        for r in rows:
            model = conv_model(r, rng)
            feed = {"x": rng.uniform(-1, 1, (1, r["c"], r["h"], r["h"])).astype(np.float32)}
            t = {th: median_seconds(session(model, th), feed, budget=0.5) for th in (1, 2)}
            for th in (1, 2):
                totals[th] += t[th] * r["count"]
            ours, kernel = find_our(f"{net}-1t", r["name"])
            if ours is not None:
                ours_total += ours * r["count"]
            flops = 2 * macs(r)
            fmt = lambda s: f"{s * 1e3:.3f}" if s is not None else "-"
            gf = lambda s: f"{flops / s / 1e9:.1f}" if s else "-"
            print(f"{r['name']} ({r['c']}->{r['o']} k{r['k']} s{r['s']} g{r['groups']} "
                  f"@{r['h']}) | {r['count']} | {kernel or '-'} | {fmt(ours)} | {fmt(t[1])} | "
                  f"{fmt(t[2])} | {gf(ours)} | {gf(t[1])}")
        total_flops = 2 * sum(macs(r) * r["count"] for r in rows)
        ours1 = criterion_median(f"{net}-all", "1t")
        ours2 = criterion_median(f"{net}-all", "2t")
        print(f"{net} total ({total_flops / 1e9:.2f} GFLOP): ours 1t "
              f"{ours1 * 1e3 if ours1 else float('nan'):.1f} ms, 2t "
              f"{ours2 * 1e3 if ours2 else float('nan'):.1f} ms "
              f"(sum of per-shape 1t medians {ours_total * 1e3:.1f} ms); onnxruntime 1t "
              f"{totals[1] * 1e3:.1f} ms, 2t {totals[2] * 1e3:.1f} ms")
    model = vgg11_bn_model(rng)
    feed = {"x": rng.uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32)}
    t = {th: median_seconds(session(model, th), feed, budget=4.0) for th in (1, 2)}
    ours = {th: criterion_median("vgg11bn-forward", f"{th}t") for th in (1, 2)}
    fmt = lambda s: f"{s * 1e3:.1f}" if s else "-"
    print(f"\nvgg11_bn forward: ours 1t {fmt(ours[1])} ms, 2t {fmt(ours[2])} ms; onnxruntime "
          f"1t {fmt(t[1])} ms, 2t {fmt(t[2])} ms")
    if args.models:
        whole_networks(args)


if __name__ == "__main__":
    sys.exit(main())
