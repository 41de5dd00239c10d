#!/usr/bin/env python3
"""Captum's attribution maps (issue 29) on the sample models digits-max and shapes-max and on
small graph nets exported to ONNX (a ResNet-style, a DenseNet-style and a MobileNet-style
net), as fixtures for the Rust attribution tests; and, with --big, the same on torchvision's
ResNet-18 and MobileNetV2 (random weights, random batch-norm statistics: see calibrated_bn for
MobileNetV2's; 3x224x224), which
are too big to commit and go to a folder outside the repository:

    /work/venv/bin/python tests/reference/make_attribution_reference.py [--out DIR] [NAME...]
    /work/venv/bin/python tests/reference/make_attribution_reference.py --big /tmp/attr-tv

Needs torch, torchvision, captum 0.9, onnx, onnxruntime, safetensors and pillow (only to
regenerate; the tests read the committed files). DIR defaults to tests/fixtures/attribution.
NAME picks some of: digits-max, shapes-max, resnet-small, dense-small, mobile-se (with --big:
resnet18, mobilenet_v2). Every net is seeded on its own, so one can be remade alone.

Each net NAME gets NAME.captum.safetensors (and NAME.onnx for the graph nets), float32:

    input            [C,H,W]  the network input (already normalised for the sample models)
    logits           [K]      the class scores: the output before a final softmax/log_softmax
    gradient         [C,H,W]  Saliency(f).attribute(x, target=k, abs=False): d logit_k / d x
    gradient_class_J [C,H,W]  the same for a second class J (the runner-up), see `second_class`
    gradxinput       [C,H,W]  InputXGradient(f).attribute(x, target=k) = x * gradient
    smoothgrad       [C,H,W]  NoiseTunnel(Saliency(f)).attribute(x, nt_type="smoothgrad",
                              nt_samples=8, stdevs=sigma, target=k, abs=False)
    smoothgrad_noise [N,C,H,W] the N=8 noise draws Captum added: sample i is x + noise[i], and
                              smoothgrad = (1/N) * sum_i d logit_k / d x at x + noise[i]
    gradcam/LABEL    [h,w]    LayerGradCam(f, layer).attribute(x, target=k,
                              relu_attributions=True) at the layer's own h x w:
                              ReLU(sum_c alpha_c A_c), alpha_c = mean over h,w of d logit_k / d A_c
    occlusion_P_S    [H,W]    Occlusion(f).attribute(x, target=k, sliding_window_shapes=(C,P,P),
                              strides=(C,S,S), baselines=b), channel 0 (all channels are equal)
    baseline         [C]      b, the occlusion baseline per channel

Conventions (the Rust side implements exactly these):
- k, the target, is the predicted class (argmax of the logits); the score is logit k, taken
  before the net's final softmax or log_softmax (both sample models end in softmax, dense-small
  ends in LogSoftmax; the others end in a linear layer).
- sigma = 0.15 * (x.max() - x.min()), an absolute standard deviation; torch is seeded before
  the NoiseTunnel call, and the draws are stored, so nobody needs torch's generator.
- Occlusion baseline: for the sample models mid-grey 0.5 normalised per channel,
  b_c = (0.5 - mean_c) / std_c; for the ONNX nets b = 0.
- Captum's occlusion, read from captum/attr/_core/occlusion.py and feature_ablation.py: the
  window (all channels, P x P) starts at rows 0, S, 2S, ..., (n_h - 1) S with
  n_h = ceil((H - P) / S) + 1 (the same for columns). The last start can lie past H - P: that
  window is cut off at the border (only its rows < H are occluded), it is not shifted back.
  Every start is used in every row, so because S <= P every pixel is covered at least once.
  For each window position w, d_w = score(x) - score(x with the window's pixels set to b), and
      occlusion[i, j] = sum of d_w over the windows covering (i, j) / number of those windows.
  The script checks this formula against Captum.
- Grad-CAM layers: for sample models LABEL is the JSON layer name, which is also the convscope
  stage name; the map is of that layer's output. For ONNX nets LABEL is the torch module path,
  and the metadata `gradcam.LABEL.stage` holds the ONNX node name that computes the module's
  output (a convscope stage is named after its ONNX node) and `gradcam.LABEL.onnx_output` that
  node's output tensor. Layers are chosen whose output is a node of their own after BN folding
  (ReLU, Add, Mul, Concat, pooling), among them the last stage with spatial maps.
- Metadata (safetensors' string map): target, second_class, score, stdevs, nt_samples,
  baseline, occlusion (list of P_S), gradcam (list of LABELs) and gradcam.LABEL.*, model, input,
  maxpool_ties (max-pooling windows whose positive maximum is shared: there the gradient goes to
  the first maximum in row-major order, as in PyTorch; digits-max has hundreds, from its
  uniform background, and its gradient maps depend on that rule).

Checks printed for every net: Captum's gradient against central differences in float64 at a
few pixels, torch against onnxruntime (logits and each Grad-CAM layer), SmoothGrad recomputed
from the stored draws, occlusion recomputed by the formula above, and for the sample models
the top class of the digit or shape.
"""
import argparse
import copy
import gzip
import json
import math
import os
import sys
from collections import OrderedDict

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
from captum.attr import InputXGradient, LayerGradCam, NoiseTunnel, Occlusion, Saliency
from PIL import Image
from safetensors.numpy import save

sys.path.insert(0, os.path.dirname(__file__))
from make_graph_onnx import ResNetSmall, export, mobile_se, randomize_bn  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20261229
NT_SAMPLES = 8
NOISE_FACTOR = 0.15


# --- the sample models, rebuilt in torch -------------------------------------------------


def sample_net(name):
    """The convscope/1 model NAME as an nn.Sequential whose children carry the JSON layer
    names, without a final softmax (the score is the logit before it), and its spec."""
    path = os.path.join(REPO, "sample_models", f"{name}.json")
    with open(path) as f:
        spec = json.load(f)
    from safetensors.numpy import load_file

    weights = load_file(os.path.join(os.path.dirname(path), spec["weights"]))
    c, h, w = spec["input"]["channels"], spec["input"]["height"], spec["input"]["width"]
    layers = list(spec["layers"])
    last = None
    if layers[-1]["type"] in ("softmax", "log_softmax"):
        last = layers.pop()["type"]
    mods = OrderedDict()
    shape = (c, h, w)
    for i, layer in enumerate(layers):
        kind, lname = layer["type"], layer.get("name", f"{layer['type']}{i}")
        if kind == "conv2d":
            m = nn.Conv2d(shape[0], layer["out_channels"], layer["kernel"], layer.get("stride", 1),
                          layer.get("padding", 0), bias=layer.get("bias", True))
            m.weight.data = torch.from_numpy(weights[f"{lname}.weight"])
            if m.bias is not None:
                m.bias.data = torch.from_numpy(weights[f"{lname}.bias"])
        elif kind == "relu":
            m = nn.ReLU()
        elif kind == "pool2d":
            pool = nn.MaxPool2d if layer["mode"] == "max" else nn.AvgPool2d
            m = pool(layer["kernel"], layer.get("stride", layer["kernel"]), layer.get("padding", 0))
        elif kind == "flatten":
            m = nn.Flatten()
        elif kind == "dense":
            m = nn.Linear(int(np.prod(shape)), layer["out_features"], bias=layer.get("bias", True))
            m.weight.data = torch.from_numpy(weights[f"{lname}.weight"])
            if m.bias is not None:
                m.bias.data = torch.from_numpy(weights[f"{lname}.bias"])
        else:
            raise ValueError(f"{name}: layer type {kind} is not rebuilt here")
        mods[lname] = m
        with torch.no_grad():
            shape = tuple(m(torch.zeros(1, *shape)).shape[1:])
    return nn.Sequential(mods).eval(), spec, last


def mnist_digit(index=0):
    """Test image INDEX of tests/fixtures/mnist-small as [1,28,28] in [0,1], and its label."""
    d = os.path.join(REPO, "tests", "fixtures", "mnist-small")
    with gzip.open(os.path.join(d, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(d, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return images[index], int(labels[index])


def shapes_picture(seed=SEED):
    """A 64x64 RGB triangle on a noisy, graded, striped background, drawn the way
    src/data/shapes.rs draws its set (numpy's generator, so not one of its images), as uint8
    [3,64,64]."""
    rng = np.random.default_rng(seed)
    side = 64
    background = rng.random(3)
    colour = rng.random(3)
    while np.linalg.norm(colour - background) < 0.6:
        colour = rng.random(3)
    gradient = rng.uniform(-0.2, 0.2, 2)
    stripe_angle, stripe_period, stripe_amount = rng.uniform(0, math.pi), rng.uniform(4, 12), 0.1
    noise = 0.05
    radius, cx, cy, angle = 15.0, 30.0, 34.0, rng.uniform(0, 2 * math.pi)
    normals = [math.radians(a) for a in (270, 30, 150)]
    out = np.zeros((3, side, side), np.uint8)
    for y in range(side):
        for x in range(side):
            covered = 0.0
            for sy, sx in ((0.25, 0.25), (0.25, 0.75), (0.75, 0.25), (0.75, 0.75)):
                dx, dy = x + sx - cx, y + sy - cy
                u = (math.cos(angle) * dx + math.sin(angle) * dy) / radius
                v = (-math.sin(angle) * dx + math.cos(angle) * dy) / radius
                if all(u * math.cos(a) + v * math.sin(a) <= 0.5 for a in normals):
                    covered += 0.25
            fx, fy = x / side - 0.5, y / side - 0.5
            phase = (fx * math.cos(stripe_angle) + fy * math.sin(stripe_angle)) * side
            texture = stripe_amount * math.sin(phase * 2 * math.pi / stripe_period)
            for c in range(3):
                bg = background[c] + gradient[0] * fx + gradient[1] * fy + texture
                value = bg * (1 - covered) + colour[c] * covered + rng.uniform(-noise, noise)
                out[c, y, x] = round(min(max(value, 0.0), 1.0) * 255)
    return out


def normalised(pixels, spec):
    """uint8 [C,H,W] -> (pixels/255 - mean_c) / std_c in float32, as the JSON's input says."""
    mean = np.array(spec["input"]["mean"], np.float32)[:, None, None]
    std = np.array(spec["input"]["std"], np.float32)[:, None, None]
    return ((pixels.astype(np.float32) / np.float32(255) - mean) / std).astype(np.float32)


# --- the small graph nets -------------------------------------------------------------------


class DenseLayer(nn.Module):
    """DenseNet's layer: BN-ReLU-conv 3x3, its maps concatenated to its input."""

    def __init__(self, cin, growth):
        super().__init__()
        self.norm = nn.BatchNorm2d(cin)
        self.conv = nn.Conv2d(cin, growth, 3, padding=1, bias=False)

    def forward(self, x):
        return torch.cat([x, self.conv(torch.relu(self.norm(x)))], 1)


def dense_small():
    """DenseNet in small: two dense blocks of two layers (growth 4), a transition (BN-ReLU,
    1x1 conv, 2x2 average pooling), a final BN-ReLU, global average pooling, a linear layer
    and LogSoftmax (so the score is the Gemm output before it)."""
    return nn.Sequential(OrderedDict(
        stem=nn.Conv2d(3, 8, 3, padding=1, bias=False),
        block1=nn.Sequential(DenseLayer(8, 4), DenseLayer(12, 4)),
        trans=nn.Sequential(nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 8, 1, bias=False), nn.AvgPool2d(2)),
        block2=nn.Sequential(DenseLayer(8, 4), DenseLayer(12, 4)),
        norm=nn.BatchNorm2d(16),
        relu=nn.ReLU(),
        pool=nn.AdaptiveAvgPool2d(1),
        flatten=nn.Flatten(),
        fc=nn.Linear(16, 10),
        logsoftmax=nn.LogSoftmax(dim=1),
    ))


def scorer(net):
    """The net up to its logits: a final Softmax/LogSoftmax dropped."""
    if isinstance(net, nn.Sequential) and isinstance(net[-1], (nn.Softmax, nn.LogSoftmax)):
        return net[:-1]
    return net


# Each graph net: maker, input shape, Grad-CAM layers (torch module paths, the last spatial
# stage first), occlusion (P, S) settings. (6, 4) on 20x20 puts a window at 16..21, cut off.
GRAPH_NETS = {
    "resnet-small": (ResNetSmall, (1, 3, 20, 20), ["l2", "l1"], [(4, 2), (6, 4)]),
    "dense-small": (dense_small, (1, 3, 24, 24), ["relu", "block1"], [(4, 2)]),
    "mobile-se": (mobile_se, (1, 3, 24, 24), ["4", "4.body.6"], [(4, 2)]),
}
BIG_NETS = {
    "resnet18": (["layer4", "layer3"], [(32, 16)]),
    "mobilenet_v2": (["features", "features.13"], [(32, 16)]),
}


def calibrated_bn(net, side=224, batch=8):
    """Random BN scales and shifts, and running statistics measured on random inputs (one
    training-mode pass) and then moved at random (mean by up to 0.1 standard deviation,
    variance by a factor 0.8 to 1.25, at least 0.01). MobileNetV2 needs this: with randomize_bn's statistics,
    unrelated to what reaches each BN, its 52 BNs drown the input in their offsets, and the
    class score's gradient is 1e-12 (no attribution to check). ResNet-18's skip connections
    carry the input through, so it keeps randomize_bn, like the other scripts."""
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for m in bns:
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.3, 0.3)
            m.reset_running_stats()
            m.momentum = None  # a plain average over the pass
        net.train()
        net(torch.randn(batch, 3, side, side))
        net.eval()
        for m in bns:
            m.running_mean += torch.empty_like(m.running_mean).uniform_(-0.1, 0.1) * m.running_var.sqrt()
            m.running_var *= torch.empty_like(m.running_var).uniform_(0.8, 1.25)
            # Channels that are nearly constant on random inputs measure a variance near 0
            # (down to 2e-5), and 1/sqrt(var) then magnifies float32 rounding so much that
            # torch's float32 gradient is 3e-3 of the map's range off the float64 one
            # (2.5e-7 with this floor).
            m.running_var.clamp_(min=0.01)
    return net


# --- attribution --------------------------------------------------------------------------


def fmt(v):
    return repr(float(v))


def occlusion_by_formula(f, x, k, p, s, b):
    """The documented occlusion formula, written out (to check it against Captum)."""
    _, c, h, w = x.shape
    starts = lambda n: [i * s for i in range(math.ceil((n - p) / s) + 1)]  # noqa: E731
    total, count = torch.zeros(h, w, dtype=torch.float64), torch.zeros(h, w, dtype=torch.float64)
    occluded, where = [], []
    for y0 in starts(h):
        for x0 in starts(w):
            xo = x.clone()
            xo[:, :, y0:y0 + p, x0:x0 + p] = b.view(1, c, 1, 1)
            occluded.append(xo)
            where.append((y0, x0))
    with torch.no_grad():
        base = f(x)[0, k].double()
        scores = torch.cat([f(torch.cat(occluded[i:i + 64])) for i in range(0, len(occluded), 64)])
    for (y0, x0), sc in zip(where, scores[:, k].double()):
        total[y0:y0 + p, x0:x0 + p] += base - sc
        count[y0:y0 + p, x0:x0 + p] += 1
    return (total / count).float(), int(count.min())


def finite_difference_check(f, x, k, grad, picks=12, eps=1e-5):
    """Differences of logit k in float64 at the pixels of largest |gradient| and a few random
    ones. Where the forward and backward differences disagree the score has a kink there
    (a ReLU at zero, a max-pooling tie: no derivative to check) and the pixel is skipped; at the
    others, the worst error of the central difference as a fraction of max |gradient|."""
    f64 = copy.deepcopy(f).double()
    x64 = x.double()
    flat = grad.abs().flatten()
    scale = float(flat.max())
    gen = torch.Generator().manual_seed(SEED)
    idx = list(flat.topk(picks // 2).indices) + list(torch.randint(0, flat.numel(), (picks - picks // 2,), generator=gen))
    worst, kinks = 0.0, 0
    with torch.no_grad():
        at = float(f64(x64)[0, k])
        for i in idx:
            xp, xm = x64.clone(), x64.clone()
            xp.view(-1)[i] += eps
            xm.view(-1)[i] -= eps
            up, down = (float(f64(xp)[0, k]) - at) / eps, (at - float(f64(xm)[0, k])) / eps
            if abs(up - down) > 1e-3 * scale:
                kinks += 1
                continue
            worst = max(worst, abs((up + down) / 2 - float(grad.flatten()[i])))
    return worst / scale, len(idx) - kinks, kinks


def max_pool_ties(f, x):
    """Max-pooling windows whose maximum is positive and shared by two or more inputs, over
    all nn.MaxPool2d modules: there the gradient goes to the first maximum in row-major
    order within the window (PyTorch's rule, and convscope's), and its value depends on it."""
    ties, hooks = [0], []

    def count(m, inp, out):
        k, s, p = m.kernel_size, m.stride, m.padding
        h = torch.nn.functional.pad(inp[0], (p, p, p, p) if isinstance(p, int) else (p[1], p[1], p[0], p[0]),
                                    value=float("-inf"))
        u = torch.nn.functional.unfold(h, k, stride=s)
        u = u.view(h.shape[1], -1, u.shape[-1])
        mx = u.max(1).values
        ties[0] += int((((u == mx[:, None]).sum(1) > 1) & (mx > 0)).sum())

    for m in f.modules():
        if isinstance(m, nn.MaxPool2d):
            hooks.append(m.register_forward_hook(count))
    with torch.no_grad():
        f(x)
    for h in hooks:
        h.remove()
    return ties[0]


def attributions(f, x, layers, occlusions, baseline, seed):
    """Every map for the net f (logits out) at x [1,C,H,W]: tensors, metadata, checks."""
    f.eval()
    with torch.no_grad():
        logits = f(x)[0]
    top = logits.argsort(descending=True)
    k, second = int(top[0]), int(top[1])
    t = {"input": x[0], "logits": logits, "baseline": baseline}
    t["gradient"] = Saliency(f).attribute(x, target=k, abs=False)[0]
    t[f"gradient_class_{second}"] = Saliency(f).attribute(x, target=second, abs=False)[0]
    t["gradxinput"] = InputXGradient(f).attribute(x.clone().requires_grad_(), target=k)[0]

    stdev = float(NOISE_FACTOR * (x.max() - x.min()))
    seen = []

    def recording(inp):
        seen.append(inp.detach().clone())
        return f(inp)

    torch.manual_seed(seed)
    t["smoothgrad"] = NoiseTunnel(Saliency(recording)).attribute(
        x, nt_type="smoothgrad", nt_samples=NT_SAMPLES, stdevs=stdev, target=k, abs=False)[0]
    assert len(seen) == 1 and seen[0].shape[0] == NT_SAMPLES, [s.shape for s in seen]
    t["smoothgrad_noise"] = seen[0] - x
    # The Rust side feeds x + noise: check that gives Captum's noisy inputs bit for bit, and
    # that the mean of the gradients there is Captum's map.
    exact = bool(torch.equal(x + t["smoothgrad_noise"], seen[0]))
    again = Saliency(f).attribute(x + t["smoothgrad_noise"], target=k, abs=False).mean(0)
    sg_err = float((again - t["smoothgrad"]).abs().max() / t["smoothgrad"].abs().max())

    meta = {"target": str(k), "second_class": str(second), "stdevs": fmt(stdev),
            "stdevs_rule": f"{NOISE_FACTOR} * (x.max() - x.min())", "nt_samples": str(NT_SAMPLES),
            "baseline": ",".join(fmt(v) for v in baseline), "gradcam": ",".join(l for l, _ in layers)}
    acts = {}
    for label, module in layers:
        cam = LayerGradCam(f, module).attribute(x, target=k, relu_attributions=True)
        assert cam.shape[:2] == (1, 1), cam.shape
        t[f"gradcam/{label}"] = cam[0, 0]
        got = []
        hook = module.register_forward_hook(lambda m, i, o: got.append(o.detach().clone()))
        with torch.no_grad():
            f(x)
        hook.remove()
        acts[label] = got[-1]

    names = []
    occl_err, min_cover = 0.0, None
    c = x.shape[1]
    for p, s in occlusions:
        b = baseline.view(1, c, 1, 1).expand_as(x).contiguous()
        occ = Occlusion(f).attribute(x, target=k, sliding_window_shapes=(c, p, p), strides=(c, s, s),
                                     baselines=b, perturbations_per_eval=32)[0]
        assert all(torch.equal(occ[0], occ[i]) for i in range(c)), "channels differ"
        t[f"occlusion_{p}_{s}"] = occ[0]
        mine, cover = occlusion_by_formula(f, x, k, p, s, baseline)
        occl_err = max(occl_err, float((mine - occ[0]).abs().max() / occ[0].abs().max().clamp_min(1e-12)))
        min_cover = cover if min_cover is None else min(min_cover, cover)
        names.append(f"{p}_{s}")
    meta["occlusion"] = ",".join(names)

    fd, smooth, kinks = finite_difference_check(f, x, k, t["gradient"])
    # How far float32 rounding alone moves the gradient: autograd in float64, over the map.
    x64 = x.double().requires_grad_()
    copy.deepcopy(f).double()(x64)[0, k].backward()
    g64 = x64.grad[0]
    f64_rel = float((t["gradient"].double() - g64).abs().max() / (g64.max() - g64.min()))
    margin = float(logits[k] - logits[second])
    ties = max_pool_ties(f, x)
    meta["maxpool_ties"] = str(ties)
    checks = {"fd_rel": fd, "f64_rel": f64_rel, "fd_pixels": smooth, "fd_kinks": kinks, "ties": ties, "smoothgrad_rel": sg_err, "noise_exact": exact,
              "occlusion_formula_rel": occl_err, "min_windows_per_pixel": min_cover,
              "top_margin": margin}
    tensors = {n: v.detach().float().contiguous().numpy() for n, v in t.items()}
    return tensors, meta, checks, acts, k


def onnx_stage(path, x, act):
    """The ONNX node whose output equals the torch activation `act`: (tensor, node, op)."""
    from make_onnx_models import every_value

    values = every_value(path, x.numpy())
    graph = onnx.load(path).graph
    producer = {o: n for n in graph.node for o in n.output}
    want = act.numpy()
    scale = max(1.0, float(np.abs(want).max()))
    hits = [(name, producer[name].name, producer[name].op_type, float(np.abs(v - want).max()))
            for name, v in values.items()
            if v.shape == want.shape and name in producer and np.abs(v - want).max() <= 1e-4 * scale]
    if len(hits) != 1:
        raise RuntimeError(f"{path}: {len(hits)} ONNX values match the layer: {hits}")
    return hits[0]


def module_at(net, path):
    m = net
    for part in path.split("."):
        m = m[int(part)] if part.isdigit() else getattr(m, part)
    return m


def onnx_check(path, x, net, logits, final):
    """Max abs difference between onnxruntime's output and torch's."""
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    out = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0][0]
    with torch.no_grad():
        want = net(x)[0].numpy()
    if final is None:
        assert np.array_equal(want, logits.detach().numpy())
    return float(np.abs(out - want).max())


def write(out, name, tensors, meta):
    path = os.path.join(out, f"{name}.captum.safetensors")
    meta = dict(meta, torch=torch.__version__, captum=__import__("captum").__version__)
    # safetensors writes its header maps in hash order; sort them, so that running the script
    # again gives the same bytes.
    raw = save(tensors, metadata=meta)
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    meta = dict(sorted(header.pop("__metadata__").items()))
    header = {"__metadata__": meta, **dict(sorted(header.items()))}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + raw[8 + n:])
    return path


def report(name, checks, extra, files):
    sizes = " + ".join(f"{os.path.basename(p)} {os.path.getsize(p)} B" for p in files)
    parts = [f"target {extra['target']} (margin {checks['top_margin']:.3g} over {extra['second_class']})",
             f"FD gradient err {checks['fd_rel']:.2e} of max|grad| at {checks['fd_pixels']} pixels "
             f"({checks['fd_kinks']} at kinks skipped); {checks['ties']} tied max-pool windows",
             f"float32 gradient vs float64 autograd {checks['f64_rel']:.1e} of the map's range",
             f"smoothgrad from stored noise {checks['smoothgrad_rel']:.1e} (x+noise exact: {checks['noise_exact']})",
             f"occlusion formula vs Captum {checks['occlusion_formula_rel']:.1e}, "
             f">= {checks['min_windows_per_pixel']} window(s) per pixel"]
    parts += [f"{k} {v}" for k, v in extra.items() if k not in ("target", "second_class")]
    print(f"{name}: {sizes}\n    " + "\n    ".join(parts), flush=True)


# --- the three kinds of net -----------------------------------------------------------------


def do_sample(out, name, seed):
    net, spec, last = sample_net(name)
    if name.startswith("digits"):
        pixels, label = mnist_digit(0)
        pixels = pixels[None]
        source = f"tests/fixtures/mnist-small t10k image 0 (label {label})"
    else:
        pixels, label = shapes_picture(seed), 2
        source = f"a triangle drawn like src/data/shapes.rs (numpy seed {seed}), {name}.png"
    Image.fromarray(pixels[0] if pixels.shape[0] == 1 else pixels.transpose(1, 2, 0)).save(
        os.path.join(out, f"{name}.png"))
    x = torch.from_numpy(normalised(pixels, spec))[None]
    mean = np.array(spec["input"]["mean"], np.float32)
    std = np.array(spec["input"]["std"], np.float32)
    baseline = torch.from_numpy(((np.float32(0.5) - mean) / std).astype(np.float32))
    layers = {"digits-max": ["pool2", "conv2"], "shapes-max": ["pool2", "relu2_1"]}[name]
    occl = [(4, 4), (4, 2)] if name.startswith("digits") else [(6, 4)]
    tensors, meta, checks, _, k = attributions(
        net, x, [(l, getattr(net, l)) for l in layers], occl, baseline, seed)
    meta.update({"model": f"sample_models/{name}.json",
                 "input": f"{source}; (pixel/255 - mean_c)/std_c with the JSON's mean and std; "
                          f"the picture is {name}.png",
                 "score": f"logit before the final {last}" if last else "output",
                 "baseline_rule": "(0.5 - mean_c) / std_c"})
    for l in layers:
        meta[f"gradcam.{l}.stage"] = l
    path = write(out, name, tensors, meta)
    report(name, checks, {"target": meta["target"], "second_class": meta["second_class"],
                          "true label": label, "labels": spec["labels"][k]},
           [path, os.path.join(out, f"{name}.png")])


def do_graph(out, name, net, x, layers, occl, seed, onnx_name=None):
    final = type(net[-1]).__name__ if isinstance(net, nn.Sequential) and isinstance(
        net[-1], (nn.Softmax, nn.LogSoftmax)) else None
    f = scorer(net)
    onnx_path = os.path.join(out, f"{onnx_name or name}.onnx")
    export(net, x, onnx_path, "ts")
    baseline = torch.zeros(x.shape[1])
    tensors, meta, checks, acts, _ = attributions(
        f, x, [(l, module_at(f, l)) for l in layers], occl, baseline, seed)
    meta.update({"model": os.path.basename(onnx_path),
                 "input": f"torch.randn (seed {seed}), fed to the ONNX file as it is",
                 "score": f"logit before the final {final} (the Gemm output)" if final else "output",
                 "baseline_rule": "0"})
    ort_err = onnx_check(onnx_path, x, net, torch.from_numpy(tensors["logits"]), final)
    extra = {"target": meta["target"], "second_class": meta["second_class"],
             "onnxruntime vs torch (output)": f"{ort_err:.2e}"}
    for l in layers:
        tensor, node, op, err = onnx_stage(onnx_path, x, acts[l])
        meta[f"gradcam.{l}.stage"] = node
        meta[f"gradcam.{l}.onnx_output"] = tensor
        meta[f"gradcam.{l}.op"] = op
        extra[f"gradcam {l}"] = f"node {node!r} ({op}, output {tensor!r}, {tuple(acts[l].shape[2:])}), ort vs torch {err:.1e}"
    path = write(out, onnx_name or name, tensors, meta)
    report(name, checks, extra, [onnx_path, path])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "attribution"))
    ap.add_argument("--big", metavar="DIR", help="make resnet18 and mobilenet_v2 into DIR instead")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    chosen = lambda n: not args.names or n in args.names  # noqa: E731
    torch.set_num_threads(max(1, (os.cpu_count() or 1)))
    if args.big:
        import torchvision

        os.makedirs(args.big, exist_ok=True)
        for i, (name, (layers, occl)) in enumerate(BIG_NETS.items()):
            if not chosen(name):
                continue
            torch.manual_seed(SEED + 100 + i)
            net = getattr(torchvision.models, name)(weights=None)
            net = (calibrated_bn(net) if name == "mobilenet_v2" else randomize_bn(net)).eval()
            x = torch.randn(1, 3, 224, 224)
            do_graph(args.big, name, net, x, layers, occl, SEED + 100 + i)
        return
    os.makedirs(args.out, exist_ok=True)
    for i, name in enumerate(["digits-max", "shapes-max"]):
        if chosen(name):
            torch.manual_seed(SEED + i)
            do_sample(args.out, name, SEED + i)
    for i, (name, (make, shape, layers, occl)) in enumerate(GRAPH_NETS.items()):
        if chosen(name):
            torch.manual_seed(SEED + 10 + i)
            net = randomize_bn(make()).eval()
            x = torch.randn(*shape)
            do_graph(args.out, name, net, x, layers, occl, SEED + 10 + i)
    total = sum(os.path.getsize(os.path.join(args.out, n)) for n in os.listdir(args.out))
    print(f"{args.out}: {total} bytes in all")


if __name__ == "__main__":
    main()
