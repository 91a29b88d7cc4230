#!/usr/bin/python3
"""Generate PyTorch reference fixtures for engine/nn, engine/loss and engine/optim.

The sibling of gen.py (which covers engine/tensor). With Debian's
python3-torch, in float32, it writes:

  engine/nn/testdata/torchref.json     every layer: its state dict (PyTorch's
                                       initial weights, loaded by the Go test
                                       with LoadStateDict), an input, the
                                       output, and the gradients of
                                       sum(weight * output) with respect to the
                                       input and every parameter; BatchNorm also
                                       its running statistics and eval output.
  engine/loss/testdata/torchref.json   every loss and reduction: value and
                                       gradient with respect to the input.
  engine/optim/testdata/torchref.json  ten steps of every optimizer on a fixed
                                       problem (the parameters after each
                                       step), ten steps of SGD with momentum
                                       on that problem driven by each
                                       scheduler, ten steps of every scheduler
                                       (learning rate and momentum), and
                                       clip_grad_norm_.

Run from the repository root with the system Python, which has torch:

    /usr/bin/python3 tools/torchref/nnref.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def enc(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def write(rel, cases):
    path = os.path.normpath(os.path.join(ROOT, rel))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {"generator": "tools/torchref/nnref.py", "torch": torch.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %d cases to %s (%d bytes)" % (len(cases), path, os.path.getsize(path)))


# ---------------------------------------------------------------- layers

def layer_case(name, layer, args, module, x, grad_input=True, extra=None):
    """Run module on x in training mode and record everything the Go test needs."""
    state = [dict(enc(v), name=k) for k, v in module.state_dict().items()]
    x = x.clone()
    if grad_input:
        x.requires_grad_(True)
    out = module(x)
    w = torch.randn(out.shape)
    out.backward(w)
    rec = {
        "name": name, "layer": layer, "args": args, "state": state,
        "input": enc(x), "out": enc(out), "weight": enc(w),
        "inputGrad": enc(x.grad) if grad_input else None,
        "paramGrads": [dict(enc(p.grad), name=k) for k, p in module.named_parameters()],
    }
    if extra:
        rec.update(extra(module, x))
    return rec


def bn_extra(module, x):
    after = [dict(enc(v), name=k) for k, v in module.state_dict().items() if "running" in k or "num_batches" in k]
    module.eval()
    with torch.no_grad():
        ev = module(x)
    return {"stateAfter": after, "evalOut": enc(ev)}


def layer_cases():
    torch.manual_seed(2024)
    c = []

    def add(name, layer, args, module, x, **kw):
        c.append(layer_case(name, layer, args, module, x, **kw))

    add("linear/batch", "Linear", {"in": 4, "out": 3, "bias": True}, nn.Linear(4, 3), torch.randn(5, 4))
    add("linear/no bias", "Linear", {"in": 4, "out": 3, "bias": False}, nn.Linear(4, 3, bias=False), torch.randn(5, 4))
    add("linear/3-D input", "Linear", {"in": 4, "out": 2, "bias": True}, nn.Linear(4, 2), torch.randn(2, 3, 4))

    convs = [
        ("conv2d/3x3", dict(inC=2, outC=3, kernel=3, stride=1, padding=0, dilation=1, bias=True), (2, 2, 6, 5)),
        ("conv2d/stride 2 padding 1", dict(inC=2, outC=3, kernel=3, stride=2, padding=1, dilation=1, bias=True), (2, 2, 7, 6)),
        ("conv2d/dilation 2 padding 2", dict(inC=1, outC=2, kernel=3, stride=1, padding=2, dilation=2, bias=True), (1, 1, 6, 6)),
        ("conv2d/1x1 no bias", dict(inC=3, outC=2, kernel=1, stride=1, padding=0, dilation=1, bias=False), (2, 3, 4, 4)),
        ("conv2d/5x5 lenet", dict(inC=1, outC=4, kernel=5, stride=1, padding=2, dilation=1, bias=True), (2, 1, 8, 8)),
    ]
    for name, a, shape in convs:
        m = nn.Conv2d(a["inC"], a["outC"], a["kernel"], stride=a["stride"], padding=a["padding"],
                      dilation=a["dilation"], bias=a["bias"])
        add(name, "Conv2d", a, m, torch.randn(*shape))

    pools = [
        ("maxpool2d/2x2", "MaxPool2d", dict(kernel=2, stride=2, padding=0, dilation=1), (2, 3, 6, 6)),
        ("maxpool2d/3x3 stride 2 padding 1", "MaxPool2d", dict(kernel=3, stride=2, padding=1, dilation=1), (1, 2, 7, 7)),
        ("maxpool2d/dilation 2", "MaxPool2d", dict(kernel=2, stride=1, padding=0, dilation=2), (1, 2, 5, 5)),
        ("avgpool2d/2x2", "AvgPool2d", dict(kernel=2, stride=2, padding=0, dilation=1), (2, 3, 6, 6)),
        ("avgpool2d/3x3 stride 2 padding 1", "AvgPool2d", dict(kernel=3, stride=2, padding=1, dilation=1), (1, 2, 7, 7)),
    ]
    for name, layer, a, shape in pools:
        if layer == "MaxPool2d":
            m = nn.MaxPool2d(a["kernel"], stride=a["stride"], padding=a["padding"], dilation=a["dilation"])
        else:
            m = nn.AvgPool2d(a["kernel"], stride=a["stride"], padding=a["padding"])
        add(name, layer, a, m, torch.randn(*shape))

    for name, a, shape in [("batchnorm1d/2-D", dict(features=4, momentum=0.1, eps=1e-5), (6, 4)),
                           ("batchnorm1d/3-D", dict(features=3, momentum=0.3, eps=1e-3), (4, 3, 5))]:
        m = nn.BatchNorm1d(a["features"], eps=a["eps"], momentum=a["momentum"])
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        add(name, "BatchNorm1d", a, m, torch.randn(*shape) * 2 + 1, extra=bn_extra)
    m = nn.BatchNorm2d(3, momentum=0.2)
    with torch.no_grad():
        m.weight.uniform_(0.5, 1.5)
        m.bias.uniform_(-0.5, 0.5)
        m.running_mean.uniform_(-0.2, 0.2)
    add("batchnorm2d/momentum 0.2", "BatchNorm2d", dict(features=3, momentum=0.2, eps=1e-5), m,
        torch.randn(4, 3, 5, 5) * 3 - 1, extra=bn_extra)

    for name, shape, xs in [("layernorm/last dim", [5], (3, 5)), ("layernorm/last two dims", [4, 5], (2, 4, 5))]:
        m = nn.LayerNorm(shape)
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        add(name, "LayerNorm", dict(shape=shape, eps=1e-5), m, torch.randn(*xs))

    add("embedding/matrix of indices", "Embedding", dict(num=10, dim=4), nn.Embedding(10, 4),
        torch.tensor([[1, 3, 3], [9, 0, 1]]), grad_input=False)

    acts = [("ReLU", nn.ReLU(), {}), ("LeakyReLU", nn.LeakyReLU(0.2), {"slope": 0.2}), ("GELU", nn.GELU(), {}),
            ("Sigmoid", nn.Sigmoid(), {}), ("Tanh", nn.Tanh(), {}), ("Softmax", nn.Softmax(dim=1), {"dim": 1}),
            ("Flatten", nn.Flatten(), {})]
    for layer, m, a in acts:
        x = torch.randn(3, 4, 2)
        x = x + 0.1 * torch.sign(x)  # keep away from relu's kink at 0
        add(layer.lower() + "/3-D", layer, a, m, x)

    cnn = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(3 * 4 * 4, 5), nn.Tanh(), nn.Linear(5, 2))
    add("sequential/small cnn", "SmallCNN", {}, cnn, torch.randn(2, 1, 8, 8))

    # Dropout's deterministic cases: in eval mode it is the identity, and
    # with p = 0 in training mode too (its random mask is tested
    # statistically in Go). Added last so the cases above keep their data.
    add("dropout/eval p 0.5", "Dropout", {"p": 0.5, "eval": True}, nn.Dropout(0.5).eval(), torch.randn(3, 4))
    add("dropout/train p 0", "Dropout", {"p": 0.0, "eval": False}, nn.Dropout(0.0), torch.randn(3, 4))
    return c


# ---------------------------------------------------------------- losses

def loss_cases():
    torch.manual_seed(7)
    c = []

    def add(name, loss, args, fn, x, target):
        x = x.clone().requires_grad_(True)
        out = fn(x, target)
        w = torch.randn(out.shape)
        out.backward(w)
        c.append({"name": name, "loss": loss, "args": args, "input": enc(x), "target": enc(target),
                  "out": enc(out), "weight": enc(w), "grad": enc(x.grad)})

    for red in ["mean", "sum", "none"]:
        a = {"reduction": red}
        add("mse/" + red, "MSE", a, lambda x, y: F.mse_loss(x, y, reduction=red), torch.randn(4, 3), torch.randn(4, 3))
        idx = torch.randint(0, 4, (5,)).float()
        add("crossEntropy/" + red, "CrossEntropy", a,
            lambda x, y: F.cross_entropy(x, y.long(), reduction=red), torch.randn(5, 4), idx)
        add("crossEntropy/smoothing " + red, "CrossEntropy", dict(a, labelSmoothing=0.1),
            lambda x, y: F.cross_entropy(x, y.long(), reduction=red, label_smoothing=0.1), torch.randn(5, 4), idx)
        add("nll/" + red, "NLL", a, lambda x, y: F.nll_loss(x, y.long(), reduction=red),
            torch.log_softmax(torch.randn(5, 4), 1), idx)
        p = torch.rand(6) * 0.9 + 0.05
        add("bce/" + red, "BCE", a, lambda x, y: F.binary_cross_entropy(x, y, reduction=red),
            p, torch.randint(0, 2, (6,)).float())
        add("bceWithLogits/" + red, "BCEWithLogits", a,
            lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction=red),
            torch.randn(3, 2) * 2, torch.randint(0, 2, (3, 2)).float())
    add("crossEntropy/large logits", "CrossEntropy", {"reduction": "mean"},
        lambda x, y: F.cross_entropy(x, y.long()), torch.randn(4, 3) * 100, torch.tensor([0., 2., 1., 2.]))
    add("crossEntropy/spatial", "CrossEntropy", {"reduction": "mean"},
        lambda x, y: F.cross_entropy(x, y.long()), torch.randn(2, 3, 4), torch.randint(0, 3, (2, 4)).float())
    add("crossEntropy/probabilities smoothing", "CrossEntropy", {"reduction": "mean", "labelSmoothing": 0.2},
        lambda x, y: F.cross_entropy(x, y, label_smoothing=0.2), torch.randn(3, 4), torch.softmax(torch.randn(3, 4), 1))
    add("crossEntropy/one sample", "CrossEntropy", {"reduction": "mean"},
        lambda x, y: F.cross_entropy(x, y.long()), torch.randn(5), torch.tensor(3.))
    add("bceWithLogits/large logits", "BCEWithLogits", {"reduction": "mean"},
        lambda x, y: F.binary_cross_entropy_with_logits(x, y), torch.tensor([-60., -20., 0.5, 20., 60.]),
        torch.tensor([1., 0., 1., 1., 0.]))
    return c


# ---------------------------------------------------------------- optimizers and schedulers

def problem():
    """The fixed problem the optimizers descend: a one-layer tanh regression."""
    g = torch.Generator().manual_seed(11)
    return torch.randn(3, 4, generator=g), torch.randn(3, generator=g), torch.randn(6, 4, generator=g), torch.randn(6, 3, generator=g)


def loss_fn(w, b, x, y):
    return ((torch.tanh(x @ w.T + b) - y) ** 2).mean()


def optimizer_cases():
    specs = [
        ("sgd/plain", "SGD", dict(lr=0.1)),
        ("sgd/momentum dampening weight decay", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
        ("sgd/nesterov", "SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
        ("sgd/maximize", "SGD", dict(lr=0.01, maximize=True)),
        ("adam/default", "Adam", dict(lr=0.01)),
        ("adam/weight decay betas", "Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
        ("adam/amsgrad", "Adam", dict(lr=0.05, amsgrad=True)),
        ("adamw/default", "AdamW", dict(lr=0.01)),
        ("adamw/weight decay 0.1", "AdamW", dict(lr=0.05, weight_decay=0.1, betas=(0.85, 0.995))),
        ("rmsprop/default", "RMSprop", dict(lr=0.01)),
        ("rmsprop/momentum centered", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
        ("adam/maximize", "Adam", dict(lr=0.01, maximize=True, weight_decay=0.05)),
        ("adamw/maximize", "AdamW", dict(lr=0.01, maximize=True)),
        ("adamw/amsgrad", "AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.05)),
        ("rmsprop/maximize", "RMSprop", dict(lr=0.01, maximize=True, momentum=0.3)),
    ]
    c = []
    for name, opt, kw in specs:
        c.append(run_optimizer(name, opt, kw, groups=None))
    c.append(run_optimizer("sgd/param groups", "SGD", dict(lr=0.1, momentum=0.9), groups=[0.1, 0.01]))
    c.append(run_optimizer("adam/param groups", "Adam", dict(lr=0.05), groups=[0.05, 0.002]))
    return c


def run_optimizer(name, opt, kw, groups, schedule=None):
    w0, b0, x, y = problem()
    w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    cls = getattr(torch.optim, opt)
    if groups:
        o = cls([{"params": [w], "lr": groups[0]}, {"params": [b], "lr": groups[1]}], **kw)
    else:
        o = cls([w, b], **kw)
    sched = schedule[1](o) if schedule else None
    steps = []
    for _ in range(10):
        o.zero_grad()
        loss = loss_fn(w, b, x, y)
        loss.backward()
        o.step()
        if sched:
            sched.step()
        steps.append({"loss": loss.item(), "w": enc(w), "b": enc(b)})
    opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    rec = {"name": name, "optimizer": opt, "options": opts, "groupLRs": groups,
           "w0": enc(w0), "b0": enc(b0), "x": enc(x), "y": enc(y), "steps": steps}
    if schedule:
        rec.update(scheduler=schedule[0], args=schedule[2])
    return rec


def scheduled_cases():
    """Each scheduler driving SGD with momentum on the optimizers' problem:
    the parameters after each of ten steps (a scheduler step after every
    optimizer step), so the schedule is checked through its effect on
    training, not only as a sequence of learning rates."""
    S = torch.optim.lr_scheduler
    specs = [
        ("StepLR", lambda o: S.StepLR(o, 3, gamma=0.5), dict(stepSize=3, gamma=0.5)),
        ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 6, eta_min=0.01), dict(tMax=6, etaMin=0.01)),
        ("LinearLR", lambda o: S.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=5),
         dict(startFactor=0.2, endFactor=1.0, totalIters=5)),
        ("OneCycleLR", lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=10), dict(maxLR=0.5, totalSteps=10)),
    ]
    return [run_optimizer("scheduled sgd/" + sched, "SGD", dict(lr=0.1, momentum=0.9), None, (sched, make, args))
            for sched, make, args in specs]


def scheduler_cases():
    S = torch.optim.lr_scheduler
    specs = [
        ("stepLR/size 3 gamma 0.5", "StepLR", lambda o: S.StepLR(o, 3, gamma=0.5), dict(stepSize=3, gamma=0.5), "SGD"),
        ("cosineAnnealingLR/tMax 4", "CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 4, eta_min=0.001),
         dict(tMax=4, etaMin=0.001), "SGD"),
        ("cosineAnnealingLR/tMax 10", "CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 10), dict(tMax=10, etaMin=0.0), "SGD"),
        ("linearLR/warm-up", "LinearLR", lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4),
         dict(startFactor=0.1, endFactor=1.0, totalIters=4), "SGD"),
        ("oneCycleLR/sgd", "OneCycleLR", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10),
         dict(maxLR=1.0, totalSteps=10), "SGD"),
        ("oneCycleLR/adam linear", "OneCycleLR",
         lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=10, pct_start=0.4, anneal_strategy="linear", div_factor=10),
         dict(maxLR=0.5, totalSteps=10, pctStart=0.4, linear=True, divFactor=10), "Adam"),
        ("oneCycleLR/no momentum", "OneCycleLR", lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=10, cycle_momentum=False),
         dict(maxLR=0.3, totalSteps=10, fixedMomentum=True), "SGD"),
    ]
    c = []
    for name, sched, make, args, opt in specs:
        p = torch.zeros(2, requires_grad=True)
        o = torch.optim.SGD([p], lr=0.1, momentum=0.9) if opt == "SGD" else torch.optim.Adam([p], lr=0.1)
        s = make(o)
        lrs, moms = [], []

        def record():
            g = o.param_groups[0]
            lrs.append(g["lr"])
            moms.append(g["momentum"] if "momentum" in g else g["betas"][0])
        record()
        for _ in range(10):
            o.step()
            s.step()
            record()
        c.append({"name": name, "scheduler": sched, "optimizer": opt, "args": args, "lrs": lrs, "momentum": moms})
    return c


def clip_cases():
    g = torch.Generator().manual_seed(5)
    c = []
    for max_norm in [0.5, 100.0]:
        ps = [torch.randn(3, 4, generator=g).requires_grad_(True), torch.randn(5, generator=g).requires_grad_(True)]
        for p in ps:
            p.grad = torch.randn(p.shape, generator=g)
        before = [enc(p.grad) for p in ps]
        norm = torch.nn.utils.clip_grad_norm_(ps, max_norm)
        c.append({"name": "clipGradNorm/max %g" % max_norm, "maxNorm": max_norm, "grads": before,
                  "norm": norm.item(), "clipped": [enc(p.grad) for p in ps]})
    return c


# ---------------------------------------------------------------- new layers and losses of issue 20
# GroupNorm, L1Loss, SmoothL1Loss and KLDivLoss, in one block with seeds of
# their own, so that it merges apart from other additions.

def new_layer_cases():
    torch.manual_seed(2020)
    c = []
    for name, groups, channels, shape in [("groupnorm/2 groups of 2", 2, 4, (3, 4, 5)),
                                          ("groupnorm/1 group 4-D", 1, 3, (2, 3, 2, 2)),
                                          ("groupnorm/a group per channel", 3, 3, (2, 3, 4)),
                                          ("groupnorm/batch of one", 2, 6, (1, 6, 2, 3))]:
        m = nn.GroupNorm(groups, channels)
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        c.append(layer_case(name, "GroupNorm", dict(groups=groups, channels=channels, eps=1e-5), m,
                            torch.randn(*shape) * 2 + 0.5))
    for name, layer, m, a in [("silu/3-D", "SiLU", nn.SiLU(), {}), ("elu/alpha 0.5", "ELU", nn.ELU(0.5), {"alpha": 0.5}),
                              ("softplus/beta 2", "Softplus", nn.Softplus(2, 5), {"beta": 2, "threshold": 5})]:
        x = torch.randn(3, 4, 2)
        x = x + 0.1 * torch.sign(x)  # keep away from elu's kink at 0 (threshold 5/2 is out of reach)
        c.append(layer_case(name, layer, a, m, x))
    return c


def new_loss_cases():
    torch.manual_seed(2020)
    c = []

    def add(name, loss, args, fn, x, target):
        x = x.clone().requires_grad_(True)
        out = fn(x, target)
        w = torch.randn(out.shape)
        out.backward(w)
        c.append({"name": name, "loss": loss, "args": args, "input": enc(x), "target": enc(target),
                  "out": enc(out), "weight": enc(w), "grad": enc(x.grad)})

    def away(shape, target):
        """An input at least 0.1 from the target, and from target ± beta:
        the kinks of L1 and smooth L1 (for the numeric gradient check)."""
        d = torch.randn(shape)
        d = d + 0.2 * torch.sign(d)
        for b in (0.5, 1.0):
            close = ((d.abs() - b).abs() < 0.1)
            d = torch.where(close, d + 0.25 * torch.sign(d), d)
        return target + d

    for red in ["mean", "sum", "none"]:
        a = {"reduction": red}
        y = torch.randn(4, 3)
        add("l1/" + red, "L1", a, lambda x, t: F.l1_loss(x, t, reduction=red), away((4, 3), y), y)
        y = torch.randn(5, 2)
        add("smoothL1/" + red, "SmoothL1", dict(a, beta=1.0),
            lambda x, t: F.smooth_l1_loss(x, t, reduction=red, beta=1.0), away((5, 2), y), y)
        add("smoothL1/beta 0.5 " + red, "SmoothL1", dict(a, beta=0.5),
            lambda x, t: F.smooth_l1_loss(x, t, reduction=red, beta=0.5), away((5, 2), y), y)
    for red in ["mean", "batchmean", "sum", "none"]:
        a = {"reduction": red}
        logq = torch.log_softmax(torch.randn(3, 4), 1)
        p = torch.softmax(torch.randn(3, 4), 1)
        add("klDiv/" + red, "KLDiv", a, lambda x, t: F.kl_div(x, t, reduction=red), logq, p)
        add("klDiv/log target " + red, "KLDiv", dict(a, logTarget=True),
            lambda x, t: F.kl_div(x, t, reduction=red, log_target=True), logq, torch.log(p))
    p = torch.tensor([[0.0, 0.5, 0.5], [0.25, 0.0, 0.75]])
    add("klDiv/zero target", "KLDiv", {"reduction": "batchmean"}, lambda x, t: F.kl_div(x, t, reduction="batchmean"),
        torch.log_softmax(torch.randn(2, 3), 1), p)
    y = torch.randn(3)
    add("l1/0-d", "L1", {"reduction": "mean"}, lambda x, t: F.l1_loss(x, t), away((), torch.tensor(0.3)), torch.tensor(0.3))
    return c


def main():
    torch.set_num_threads(1)
    write("engine/nn/testdata/torchref.json", layer_cases() + new_layer_cases())
    write("engine/loss/testdata/torchref.json", loss_cases() + new_loss_cases())
    write("engine/optim/testdata/torchref.json",
          optimizer_cases() + scheduled_cases() + scheduler_cases() + clip_cases())


if __name__ == "__main__":
    main()
