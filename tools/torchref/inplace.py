#!/usr/bin/python3
"""Generate PyTorch reference fixtures for in-place ops under autograd.

Each case is a random program over two leaves x = [0.5, -1, 2] and
w = [1.5, 0.3, -0.7] that require grad: out-of-place ops make new values,
in-place ops (add_ mul_ sub_ mul_(3) add_(1) clamp_ fill_ zero_) modify
earlier results, and the loss is the sum of some of the results, run
backward once or twice (retaining the graph). PyTorch either gives the
gradients of x and w (None when no gradient reaches a leaf) or refuses
because a tensor saved for backward was modified in place. It writes
engine/tensor/testdata/inplace.json; inplace_programs_test.go runs each
program through the engine and expects the same gradients, or an error.

Run from the repository root with the system Python, which has torch:

    /usr/bin/python3 tools/torchref/inplace.py
"""
import json
import os
import random

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "engine", "tensor", "testdata", "inplace.json")
COUNT = 400

OPS = {
    "mul2": lambda a, b: a * 2,
    "neg": lambda a, b: -a,
    "exp": lambda a, b: a.exp(),
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "tanh": lambda a, b: a.tanh(),
    "relu": lambda a, b: a.relu(),
    "pow2": lambda a, b: a ** 2,
}
INPLACE = {
    "add_": lambda t, b: t.add_(b),
    "mul_": lambda t, b: t.mul_(b),
    "sub_": lambda t, b: t.sub_(b),
    "muls_": lambda t, b: t.mul_(3),
    "adds_": lambda t, b: t.add_(1),
    "clamp_": lambda t, b: t.clamp_(-1, 1),
    "fill_": lambda t, b: t.fill_(2),
    "zero_": lambda t, b: t.zero_(),
}


def program(rng):
    """A random list of steps [kind, op, a, b]: kind "op" appends op(v[a], v[b]);
    kind "ip" modifies the non-leaf v[a] in place with v[b]."""
    steps, count, results = [], 2, []
    for _ in range(rng.randint(2, 9)):
        if rng.random() < 0.45 or not results:
            steps.append(["op", rng.choice(sorted(OPS)), rng.randrange(count), rng.randrange(count)])
            results.append(count)
            count += 1
        else:
            steps.append(["ip", rng.choice(sorted(INPLACE)), rng.choice(results), rng.randrange(count)])
    return steps, rng.sample(results, rng.randint(1, len(results)))


def run(steps, used, twice):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = torch.tensor([1.5, 0.3, -0.7], requires_grad=True)
    v = [x, w]
    try:
        for kind, op, a, b in steps:
            if kind == "op":
                v.append(OPS[op](v[a], v[b]))
            else:
                INPLACE[op](v[a], v[b])
        loss = sum(v[i].sum() for i in used)
        loss.backward(retain_graph=twice)
        if twice:
            loss.backward()
    except RuntimeError as e:  # a saved tensor was modified in place
        return {"error": str(e).split("\n")[0][:100]}
    grad = lambda t: None if t.grad is None else t.grad.tolist()
    return {"gx": grad(x), "gw": grad(w)}


def main():
    rng = random.Random(20)
    cases = []
    for _ in range(COUNT):
        steps, used = program(rng)
        twice = rng.random() < 0.3
        cases.append({"steps": steps, "used": used, "twice": twice, **run(steps, used, twice)})
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{OUT}: {len(cases)} programs, {sum('error' in c for c in cases)} refused by PyTorch")


if __name__ == "__main__":
    main()
