#!/usr/bin/python3
"""Generate PyTorch reference fixtures for engine/tensor.

For every op, on fixed inputs of several shapes (broadcasting included),
this computes the forward value and, for differentiable ops, the gradient
of sum(weight * op(inputs)) with respect to each input, using Debian's
python3-torch in float32. It writes engine/tensor/testdata/torchref.json;
the Go tests (torchref_test.go) compare against it, so they need no PyTorch.

Run from the repository root with the system Python, which has torch:

    /usr/bin/python3 tools/torchref/gen.py

The op names and argument names match the table in torchref_test.go.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "engine", "tensor", "testdata", "torchref.json")
MARGIN = 0.05  # distance kept from kinks (relu at 0, clamp bounds, ties)


def alldims(x, dims):
    return tuple(range(x.dim())) if dims is None else tuple(dims)


def sl(x, a):
    idx = (slice(None),) * (a["dim"] % x.dim()) + (slice(a["start"], a["end"], a["step"]),)
    return x[idx]


# name -> function(list of input tensors, args dict) -> output tensor
OPS = {
    "neg": lambda x, a: -x[0],
    "exp": lambda x, a: x[0].exp(),
    "log": lambda x, a: x[0].log(),
    "sqrt": lambda x, a: x[0].sqrt(),
    "abs": lambda x, a: x[0].abs(),
    "sin": lambda x, a: x[0].sin(),
    "cos": lambda x, a: x[0].cos(),
    "tanh": lambda x, a: x[0].tanh(),
    "sigmoid": lambda x, a: x[0].sigmoid(),
    "relu": lambda x, a: x[0].relu(),
    "gelu": lambda x, a: F.gelu(x[0]),
    "leakyRelu": lambda x, a: F.leaky_relu(x[0], a["slope"]),
    "clamp": lambda x, a: x[0].clamp(a["lo"], a["hi"]),
    "add": lambda x, a: x[0] + x[1],
    "sub": lambda x, a: x[0] - x[1],
    "mul": lambda x, a: x[0] * x[1],
    "div": lambda x, a: x[0] / x[1],
    "pow": lambda x, a: x[0] ** x[1],
    "maximum": lambda x, a: torch.maximum(x[0], x[1]),
    "minimum": lambda x, a: torch.minimum(x[0], x[1]),
    "addScalar": lambda x, a: x[0] + a["scalar"],
    "subScalar": lambda x, a: x[0] - a["scalar"],
    "mulScalar": lambda x, a: x[0] * a["scalar"],
    "divScalar": lambda x, a: x[0] / a["scalar"],
    "powScalar": lambda x, a: x[0] ** a["scalar"],
    "eq": lambda x, a: (x[0] == x[1]).float(),
    "ne": lambda x, a: (x[0] != x[1]).float(),
    "lt": lambda x, a: (x[0] < x[1]).float(),
    "le": lambda x, a: (x[0] <= x[1]).float(),
    "gt": lambda x, a: (x[0] > x[1]).float(),
    "ge": lambda x, a: (x[0] >= x[1]).float(),
    "where": lambda x, a: torch.where(x[0] != 0, x[1], x[2]),
    "sum": lambda x, a: x[0].sum(dim=alldims(x[0], a["dims"]), keepdim=a["keepdim"]),
    "mean": lambda x, a: x[0].mean(dim=alldims(x[0], a["dims"]), keepdim=a["keepdim"]),
    "amax": lambda x, a: x[0].amax(dim=alldims(x[0], a["dims"]), keepdim=a["keepdim"]),
    "amin": lambda x, a: x[0].amin(dim=alldims(x[0], a["dims"]), keepdim=a["keepdim"]),
    "maxDim": lambda x, a: x[0].max(a["dim"], keepdim=a["keepdim"]).values,
    "maxDimIndices": lambda x, a: x[0].max(a["dim"], keepdim=a["keepdim"]).indices.float(),
    "minDim": lambda x, a: x[0].min(a["dim"], keepdim=a["keepdim"]).values,
    "minDimIndices": lambda x, a: x[0].min(a["dim"], keepdim=a["keepdim"]).indices.float(),
    "var": lambda x, a: torch.var(x[0], dim=alldims(x[0], a["dims"]), correction=a["correction"], keepdim=a["keepdim"]),
    "std": lambda x, a: torch.std(x[0], dim=alldims(x[0], a["dims"]), correction=a["correction"], keepdim=a["keepdim"]),
    "logsumexp": lambda x, a: torch.logsumexp(x[0], dim=alldims(x[0], a["dims"]), keepdim=a["keepdim"]),
    "softmax": lambda x, a: torch.softmax(x[0], dim=a["dim"]),
    "logSoftmax": lambda x, a: torch.log_softmax(x[0], dim=a["dim"]),
    "argmax": lambda x, a: x[0].argmax(dim=a["dim"], keepdim=a["keepdim"]).float(),
    "argmin": lambda x, a: x[0].argmin(dim=a["dim"], keepdim=a["keepdim"]).float(),
    "argmaxAll": lambda x, a: x[0].argmax().float(),
    "argminAll": lambda x, a: x[0].argmin().float(),
    "sumAll": lambda x, a: x[0].sum(),
    "meanAll": lambda x, a: x[0].mean(),
    "reshape": lambda x, a: x[0].reshape(a["shape"]),
    "view": lambda x, a: x[0].view(a["shape"]),
    "contiguous": lambda x, a: x[0].contiguous(),
    "clone": lambda x, a: x[0].clone(),
    "permute": lambda x, a: x[0].permute(a["perm"]),
    "transpose": lambda x, a: x[0].transpose(a["d0"], a["d1"]),
    "transposeReshape": lambda x, a: x[0].transpose(a["d0"], a["d1"]).reshape(a["shape"]),
    "expand": lambda x, a: x[0].expand(a["shape"]),
    "squeeze": lambda x, a: x[0].squeeze(*a["dims"]) if a["dims"] else x[0].squeeze(),
    "unsqueeze": lambda x, a: x[0].unsqueeze(a["dim"]),
    "flatten": lambda x, a: x[0].flatten(a["start"], a["end"]),
    "narrow": lambda x, a: x[0].narrow(a["dim"], a["start"], a["length"]),
    "slice": lambda x, a: sl(x[0], a),
    "select": lambda x, a: x[0].select(a["dim"], a["index"]),
    "matmul": lambda x, a: x[0] @ x[1],
    "cat": lambda x, a: torch.cat(x, a["dim"]),
    "stack": lambda x, a: torch.stack(x, a["dim"]),
    "gather": lambda x, a: torch.gather(x[0], a["dim"], x[1].long()),
    "indexSelect": lambda x, a: torch.index_select(x[0], a["dim"], x[1].long()),
    "oneHot": lambda x, a: F.one_hot(x[0].long(), a["numClasses"]).float(),
    "pad": lambda x, a: F.pad(x[0], a["pads"], value=a["value"]),
    "unfold": lambda x, a: F.unfold(x[0], a["kernel"], dilation=a["dilation"], padding=a["padding"], stride=a["stride"]),
    "conv2d": lambda x, a: F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, dilation=a["dilation"], padding=a["padding"], stride=a["stride"]),
    "addInPlace": lambda x, a: x[0].clone().add_(x[1]),
    "mulInPlace": lambda x, a: x[0].clone().mul_(x[1]),
    "mulScalarInPlace": lambda x, a: x[0].clone().mul_(a["scalar"]),
    "copyInPlace": lambda x, a: x[0].clone().copy_(x[1]),
    "subInPlace": lambda x, a: x[0].clone().sub_(x[1]),
    "divInPlace": lambda x, a: x[0].clone().div_(x[1]),
    "addScalarInPlace": lambda x, a: x[0].clone().add_(a["scalar"]),
    "clampInPlace": lambda x, a: x[0].clone().clamp_(a["lo"], a["hi"]),
    # fill_ and zero_ on a graph tensor: the result stays in the graph
    # with a zero gradient to the old value.
    "fillInPlace": lambda x, a: x[0].mul(1).fill_(a["value"]),
    "zeroInPlace": lambda x, a: x[0].mul(1).zero_(),
    # A small network, to check that ops compose: softmax cross-entropy
    # of a two-layer MLP, averaged over the batch.
    "mlp": lambda x, a: -(torch.log_softmax((x[0] @ x[1] + x[2]).tanh() @ x[3], 1) * x[4]).sum(1).mean(),
}

NO_GRAD = {"eq", "ne", "lt", "le", "gt", "ge", "argmax", "argmin", "argmaxAll", "argminAll", "oneHot",
           "maxDimIndices", "minDimIndices"}


def make_input(spec, gen):
    shape, kind = spec["shape"], spec.get("kind", "randn")
    if kind == "randn":
        return torch.randn(shape, generator=gen)
    if kind == "pos":  # for log, sqrt, pow bases
        return torch.rand(shape, generator=gen) * 1.5 + 0.5
    if kind == "away":  # |x| in [0.5, 2): safe divisors
        sign = torch.randint(0, 2, shape, generator=gen) * 2 - 1
        return sign * (torch.rand(shape, generator=gen) * 1.5 + 0.5)
    if kind == "smallint":  # ties on purpose, for comparisons
        return torch.randint(-2, 3, shape, generator=gen).float()
    if kind == "mask":
        return torch.randint(0, 2, shape, generator=gen).float()
    if kind == "index":
        return torch.randint(0, spec["high"], shape, generator=gen).float()
    if kind == "distinct":  # well-separated values in random order
        n = 1
        for d in shape:
            n *= d
        vals = torch.linspace(-2, 2, max(n, 2))[:n]
        return (vals[torch.randperm(n, generator=gen)] + 0.01 * torch.rand(n, generator=gen)).reshape(shape)
    raise ValueError(kind)


def far_from_kinks(op, xs, a):
    """Reject inputs where a numeric gradient would straddle a kink."""
    if op in ("abs", "relu", "leakyRelu"):
        return bool((xs[0].abs() > MARGIN).all())
    if op in ("clamp", "clampInPlace"):
        return bool(((xs[0] - a["lo"]).abs() > MARGIN).all() and ((xs[0] - a["hi"]).abs() > MARGIN).all())
    if op in ("maximum", "minimum"):
        return bool(((xs[0] - xs[1]).abs() > MARGIN).all())
    return True


def enc(t):
    flat = t.detach().reshape(-1).tolist()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in flat]}


def run(case, gen):
    op, a = case["op"], case.get("args", {})
    for _ in range(1000):
        xs = [make_input(s, gen) for s in case["inputs"]]
        if far_from_kinks(op, xs, a):
            break
    else:
        sys.exit("could not draw inputs away from kinks for " + case["name"])
    grad = op not in NO_GRAD
    for s, x in zip(case["inputs"], xs):
        x.requires_grad_(grad and s.get("grad", True))
    # transposeInput: the op sees its first input as a transposed
    # (non-contiguous) view of the leaf, to test strided reads.
    view = [xs[0].transpose(-2, -1)] + xs[1:] if a.get("transposeInput") else xs
    out = OPS[op](view, a)
    rec = {"name": case["name"], "op": op, "args": a, "out": enc(out), "inputs": []}
    for s, x in zip(case["inputs"], xs):
        rec["inputs"].append(dict(enc(x), grad=x.requires_grad))
    if grad:
        w = torch.randn(out.shape, generator=gen)
        out.backward(w)
        rec["weight"] = enc(w)
        rec["grads"] = [enc(x.grad) if x.requires_grad else None for x in xs]
    return rec


def I(shape, **kw):
    return dict(shape=shape, **kw)


def cases():
    c = []

    def add(op, inputs, name, **args):
        c.append({"name": op + "/" + name, "op": op, "inputs": inputs, "args": args})

    unary_shapes = [([], "scalar"), ([5], "vector"), ([2, 3], "matrix")]
    for op in ["neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "gelu", "abs"]:
        for shape, name in unary_shapes:
            add(op, [I(shape)], name)
    for op in ["log", "sqrt"]:
        for shape, name in unary_shapes:
            add(op, [I(shape, kind="pos")], name)
    add("leakyRelu", [I([2, 3])], "matrix", slope=0.1)
    add("leakyRelu", [I([7])], "default slope", slope=0.01)
    add("clamp", [I([2, 4])], "both", lo=-0.5, hi=0.5)
    add("clamp", [I([6])], "narrow", lo=0.0, hi=0.25)

    bshapes = [([2, 3], [2, 3], "same"), ([2, 3], [3], "row"), ([2, 1], [1, 3], "outer"),
               ([2, 1, 3], [4, 1], "3-D"), ([3], [], "scalar")]
    for op in ["add", "sub", "mul", "maximum", "minimum"]:
        for sa, sb, name in bshapes:
            add(op, [I(sa), I(sb)], name)
    for sa, sb, name in bshapes:
        add("div", [I(sa), I(sb, kind="away")], name)
        add("pow", [I(sa, kind="pos"), I(sb)], name)
    add("addScalar", [I([2, 3])], "matrix", scalar=1.5)
    add("subScalar", [I([4])], "vector", scalar=-2.0)
    add("mulScalar", [I([2, 3])], "matrix", scalar=-3.0)
    add("divScalar", [I([4])], "vector", scalar=0.5)
    add("powScalar", [I([2, 3], kind="pos")], "square", scalar=2.0)
    add("powScalar", [I([5], kind="pos")], "fractional", scalar=-1.5)
    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        add(op, [I([3, 4], kind="smallint"), I([4], kind="smallint")], "row")
        add(op, [I([3, 1], kind="smallint"), I([1, 2], kind="smallint")], "outer")
    add("where", [I([2, 3], kind="mask", grad=False), I([2, 3]), I([2, 3])], "same")
    add("where", [I([2, 1], kind="mask", grad=False), I([3]), I([2, 3])], "broadcast")

    red = [([2, 3, 4], [1], False, "middle"), ([2, 3, 4], [0, 2], True, "two dims keepdim"),
           ([2, 3, 4], None, False, "all"), ([3, 4], [-1], True, "negative keepdim")]
    for op in ["sum", "mean", "logsumexp"]:
        for shape, dims, keep, name in red:
            add(op, [I(shape)], name, dims=dims, keepdim=keep)
    for op in ["amax", "amin"]:
        for shape, dims, keep, name in red:
            add(op, [I(shape, kind="distinct")], name, dims=dims, keepdim=keep)
    for op in ["var", "std"]:
        for shape, dims, keep, name in red:
            add(op, [I(shape)], name, dims=dims, keepdim=keep, correction=1)
        add(op, [I([3, 5])], "population", dims=[1], keepdim=False, correction=0)
    for op in ["softmax", "logSoftmax"]:
        add(op, [I([5])], "vector", dim=0)
        add(op, [I([3, 4])], "rows", dim=1)
        add(op, [I([2, 3, 4])], "middle", dim=-2)
    add("softmax", [I([2, 3])], "large inputs", dim=1)  # values scaled below
    for op in ["argmax", "argmin"]:
        add(op, [I([3, 4], kind="distinct")], "rows", dim=1, keepdim=False)
        add(op, [I([2, 3, 4], kind="distinct")], "first keepdim", dim=0, keepdim=True)
    add("argmaxAll", [I([3, 4], kind="distinct")], "matrix")
    add("sumAll", [I([2, 3])], "matrix")
    add("meanAll", [I([2, 3, 2])], "3-D")

    add("reshape", [I([2, 6])], "infer", shape=[3, -1])
    add("reshape", [I([2, 3, 2])], "flat", shape=[12])
    add("permute", [I([2, 3, 4])], "cycle", perm=[2, 0, 1])
    add("transpose", [I([2, 3])], "matrix", d0=0, d1=1)
    add("transposeReshape", [I([2, 3, 4])], "copies", d0=0, d1=2, shape=[4, 6])
    add("expand", [I([3, 1])], "columns", shape=[3, 4])
    add("expand", [I([2])], "new leading", shape=[3, 2, 2])
    add("squeeze", [I([1, 3, 1])], "all", dims=[])
    add("squeeze", [I([1, 3, 1])], "one", dims=[2])
    add("unsqueeze", [I([2, 3])], "middle", dim=1)
    add("unsqueeze", [I([2, 3])], "last", dim=-1)
    add("flatten", [I([2, 3, 4])], "last two", start=1, end=-1)
    add("narrow", [I([4, 3])], "rows", dim=0, start=1, length=2)
    add("narrow", [I([2, 5])], "columns", dim=1, start=2, length=3)
    add("slice", [I([7])], "step", dim=0, start=1, end=7, step=2)
    add("slice", [I([3, 6])], "negative", dim=1, start=-4, end=-1, step=1)
    add("select", [I([3, 4])], "row", dim=0, index=1)
    add("select", [I([2, 3, 4])], "last", dim=-1, index=-1)

    mm = [([4], [4], "dot"), ([3], [3, 2], "vector-matrix"), ([2, 3], [3], "matrix-vector"),
          ([2, 3], [3, 4], "matrix"), ([2, 2, 3], [2, 3, 2], "batched"),
          ([2, 1, 2, 3], [3, 3, 2], "broadcast batch"), ([3], [2, 3, 2], "vector-batch"),
          ([2, 2, 3], [3], "batch-vector")]
    for sa, sb, name in mm:
        add("matmul", [I(sa), I(sb)], name)

    add("cat", [I([2, 3]), I([1, 3]), I([3, 3])], "rows", dim=0)
    add("cat", [I([2, 2]), I([2, 3])], "columns", dim=-1)
    add("stack", [I([2, 3]), I([2, 3])], "first", dim=0)
    add("stack", [I([3]), I([3]), I([3])], "last", dim=1)
    add("gather", [I([3, 4]), I([3, 2], kind="index", high=4, grad=False)], "columns", dim=1)
    add("gather", [I([3, 4]), I([2, 4], kind="index", high=3, grad=False)], "rows repeated", dim=0)
    add("indexSelect", [I([4, 3]), I([5], kind="index", high=4, grad=False)], "rows", dim=0)
    add("indexSelect", [I([2, 4]), I([2], kind="index", high=4, grad=False)], "columns", dim=1)
    add("oneHot", [I([5], kind="index", high=4)], "vector", numClasses=4)
    add("oneHot", [I([2, 3], kind="index", high=3)], "matrix", numClasses=5)
    add("pad", [I([2, 3])], "last dim", pads=[1, 2], value=0.0)
    add("pad", [I([2, 3])], "two dims", pads=[1, 0, 2, 1], value=-1.5)
    add("addInPlace", [I([2, 3]), I([3])], "broadcast")
    add("mulInPlace", [I([2, 3]), I([2, 1])], "broadcast")
    add("mulScalarInPlace", [I([4])], "vector", scalar=-0.5)
    add("copyInPlace", [I([2, 3]), I([3])], "broadcast")
    add("mlp", [I([4, 3]), I([3, 5]), I([5]), I([5, 2]),
                I([4, 2], kind="mask", grad=False)], "tanh cross-entropy")
    # Added with engine/nn (convolution as im2col); appended so that the
    # cases above keep their random inputs.
    add("unfold", [I([2, 2, 4, 5])], "3x3", kernel=[3, 3], dilation=[1, 1], padding=[0, 0], stride=[1, 1])
    add("unfold", [I([1, 3, 5, 5])], "stride 2 padding 1", kernel=[3, 2], dilation=[1, 1], padding=[1, 1], stride=[2, 2])
    add("unfold", [I([1, 1, 7, 6])], "dilation 2", kernel=[2, 3], dilation=[2, 2], padding=[1, 0], stride=[1, 2])
    add("unfold", [I([2, 1, 4, 4])], "non-overlapping", kernel=[2, 2], dilation=[1, 1], padding=[0, 0], stride=[2, 2])
    # Added with the Conv2d primitive.
    add("conv2d", [I([2, 3, 6, 6]), I([4, 3, 3, 3]), I([4])], "3x3 with bias", dilation=[1, 1], padding=[0, 0], stride=[1, 1])
    add("conv2d", [I([1, 2, 7, 6]), I([3, 2, 3, 2])], "stride padding no bias", dilation=[1, 1], padding=[1, 2], stride=[2, 1])
    add("conv2d", [I([2, 1, 8, 7]), I([2, 1, 2, 3]), I([2])], "dilation", dilation=[2, 2], padding=[1, 0], stride=[1, 2])
    # Added with the audit of issue 4: views and copies, more in-place
    # ops, and more shapes (non-contiguous inputs among them) for the
    # layout and scalar ops.
    add("view", [I([2, 6])], "infer", shape=[4, -1])
    add("view", [I([2, 3, 4])], "merge", shape=[6, 4])
    add("contiguous", [I([3, 4])], "of a transpose", transposeInput=True)
    add("contiguous", [I([2, 3])], "already")
    add("clone", [I([2, 3])], "matrix")
    add("clone", [I([2, 3, 4])], "of a transpose", transposeInput=True)
    add("subInPlace", [I([2, 3]), I([3])], "broadcast")
    add("subInPlace", [I([4]), I([])], "scalar tensor")
    add("divInPlace", [I([2, 3]), I([2, 1], kind="away")], "broadcast")
    add("divInPlace", [I([5]), I([5], kind="away")], "same")
    add("addScalarInPlace", [I([2, 3])], "matrix", scalar=2.5)
    add("addScalarInPlace", [I([])], "0-d", scalar=-1.0)
    add("clampInPlace", [I([2, 4])], "both", lo=-0.5, hi=0.5)
    add("clampInPlace", [I([7])], "narrow", lo=0.0, hi=0.25)
    add("fillInPlace", [I([2, 3])], "matrix", value=3.0)
    add("fillInPlace", [I([4])], "vector", value=-0.5)
    add("zeroInPlace", [I([2, 3])], "matrix")
    add("zeroInPlace", [I([3, 1, 2])], "3-D")
    add("argminAll", [I([3, 4], kind="distinct")], "matrix")
    add("argminAll", [I([3, 4], kind="distinct")], "of a transpose", transposeInput=True)
    add("argmaxAll", [I([7], kind="distinct")], "vector")
    add("argmaxAll", [I([2, 3, 4], kind="distinct")], "of a transpose", transposeInput=True)
    add("transpose", [I([2, 3, 4])], "outer", d0=0, d1=2)
    add("transpose", [I([3, 4])], "of a transpose", d0=1, d1=0, transposeInput=True)
    add("permute", [I([2, 3])], "swap", perm=[1, 0])
    add("permute", [I([2, 3, 4])], "of a transpose", perm=[1, 2, 0], transposeInput=True)
    add("flatten", [I([2, 3, 4])], "all", start=0, end=-1)
    add("flatten", [I([2, 3, 4])], "of a transpose", start=0, end=1, transposeInput=True)
    add("addScalar", [I([5])], "vector", scalar=-0.75)
    add("addScalar", [I([3, 4])], "of a transpose", scalar=2.0, transposeInput=True)
    add("mulScalar", [I([])], "0-d", scalar=0.5)
    add("mulScalar", [I([2, 3, 2])], "of a transpose", scalar=1.25, transposeInput=True)
    add("mulScalarInPlace", [I([2, 3])], "matrix", scalar=3.0)
    add("mulScalarInPlace", [I([2, 1, 3])], "3-D", scalar=0.0)
    for op in ["maxDim", "maxDimIndices", "minDim", "minDimIndices"]:
        add(op, [I([3, 4], kind="distinct")], "rows", dim=1, keepdim=False)
        add(op, [I([2, 3, 4], kind="distinct")], "first keepdim", dim=0, keepdim=True)
    return c


def main():
    gen = torch.Generator().manual_seed(1234)
    out = []
    for case in cases():
        rec = run(case, gen)
        out.append(rec)
    # Softmax must stay finite with large inputs: rerun that case scaled.
    for rec in out:
        if rec["name"] == "softmax/large inputs":
            x = torch.tensor(rec["inputs"][0]["data"]).reshape(rec["inputs"][0]["shape"]) * 100 + 500
            x.requires_grad_(True)
            y = torch.softmax(x, 1)
            w = torch.tensor(rec["weight"]["data"]).reshape(rec["weight"]["shape"])
            y.backward(w)
            rec["inputs"][0] = dict(enc(x), grad=True)
            rec["out"], rec["grads"] = enc(y), [enc(x.grad)]
    doc = {"generator": "tools/torchref/gen.py", "torch": torch.__version__, "cases": out}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %d cases to %s (%d bytes)" % (len(out), os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
