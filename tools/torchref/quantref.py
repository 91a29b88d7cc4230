#!/usr/bin/python3
"""Generate PyTorch reference fixtures for engine/quant's fake quantization.

With Debian's python3-torch, in float32, it writes
engine/quant/testdata/fakequant.json: for each case an input, the
parameters, the output of torch.fake_quantize_per_tensor_affine or
torch.fake_quantize_per_channel_affine, an upstream gradient and the
input's gradient (the straight-through estimator: the upstream gradient
where the rounded value fell inside [quant_min, quant_max], 0 elsewhere).
The inputs include exact ties (x/scale = k + 0.5, which round half to
even), values far outside the range and zeros.

Run from the repository root with the system Python, which has torch:

    /usr/bin/python3 tools/torchref/quantref.py
"""
import json
import os

import torch

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def enc(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def inputs(shape, scale, gen):
    """Random values spanning beyond the range, with ties and zeros mixed in."""
    x = torch.randn(shape, generator=gen) * 3
    flat = x.reshape(-1)
    n = flat.numel()
    for i in range(0, n, 5):  # exact ties k + 0.5 steps
        flat[i] = (int(torch.randint(-140, 140, (1,), generator=gen)) + 0.5) * scale
    for i in range(2, n, 11):
        flat[i] = 0.0
    return x


def per_tensor(name, shape, scale, zp, qmin, qmax, gen):
    x = inputs(shape, scale, gen).requires_grad_(True)
    y = torch.fake_quantize_per_tensor_affine(x, scale, zp, qmin, qmax)
    g = torch.randn(shape, generator=gen)
    y.backward(g)
    return {"name": name, "kind": "per_tensor", "x": enc(x), "scale": [scale], "zero_point": [zp],
            "axis": -1, "quant_min": qmin, "quant_max": qmax, "y": enc(y), "grad_out": enc(g), "grad_x": enc(x.grad)}


def per_channel(name, shape, axis, scales, zps, qmin, qmax, gen):
    x = inputs(shape, min(scales), gen).requires_grad_(True)
    s = torch.tensor(scales, dtype=torch.float32)
    z = torch.tensor(zps, dtype=torch.int32)
    y = torch.fake_quantize_per_channel_affine(x, s, z, axis, qmin, qmax)
    g = torch.randn(shape, generator=gen)
    y.backward(g)
    return {"name": name, "kind": "per_channel", "x": enc(x), "scale": [float("%.9g" % v) for v in s.tolist()],
            "zero_point": zps, "axis": axis, "quant_min": qmin, "quant_max": qmax,
            "y": enc(y), "grad_out": enc(g), "grad_x": enc(x.grad)}


def main():
    gen = torch.Generator().manual_seed(14)
    cases = [
        per_tensor("int8 symmetric", [4, 7], 0.05, 0, -128, 127, gen),
        per_tensor("int8 affine", [3, 5, 4], 0.031, -17, -128, 127, gen),
        per_tensor("uint8 affine", [40], 0.02, 128, 0, 255, gen),
        per_tensor("4-bit", [6, 6], 0.25, 3, -8, 7, gen),
        per_tensor("coarse scale", [2, 9], 1.5, 0, -128, 127, gen),
        per_channel("axis 0 symmetric", [3, 8], 0, [0.02, 0.05, 0.11], [0, 0, 0], -128, 127, gen),
        per_channel("axis 1 affine", [2, 4, 5], 1, [0.03, 0.01, 0.07, 0.2], [-5, 0, 9, 100], -128, 127, gen),
        per_channel("axis 3 conv-like", [2, 2, 3, 3], 3, [0.04, 0.013, 0.5], [0, -3, 1], -128, 127, gen),
        per_channel("uint8 axis 0", [2, 10], 0, [0.015, 0.09], [128, 10], 0, 255, gen),
    ]
    out = os.path.join(ROOT, "engine", "quant", "testdata", "fakequant.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
