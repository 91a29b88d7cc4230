"""difftest's torch side: runs random programs from internal/difftest in PyTorch.

Reads one JSON program a line on stdin and writes one JSON line of results
on stdout, so one process serves a whole batch. Each program runs twice,
in float32 (the reference) and in float64 (to measure how far float32
rounding moves each value; see the tolerance in doc.go). A step is Python
text written by the Go side: an expression for a value, a statement for
backward. Values travel as flat lists with "nan", "inf" and "-inf" as
strings (JSON numbers cannot hold them), always rounded to float32.

Run with Debian's /usr/bin/python3, which has python3-torch.
"""
import json
import math
import sys
import warnings

import torch
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_num_threads(1)


def sl(x, dim, start, end, step):
    """x[..., start:end:step] along dim, the engine's Slice."""
    return x[(slice(None),) * (dim % x.dim()) + (slice(start, end, step),)]


def linear(x, w, b):
    """nn.Linear(in, out) with the given weight and bias."""
    torch.nn.Linear(w.shape[1], w.shape[0])  # the constructor's checks
    return F.linear(x, w, b)


def embedding(idx, w):
    """nn.Embedding(num, dim) with the given weight."""
    torch.nn.Embedding(w.shape[0], w.shape[1])
    return F.embedding(idx.long(), w)


def enc_float(v):
    if math.isfinite(v):
        return v
    if v != v:
        return "nan"
    return "inf" if v > 0 else "-inf"


def enc(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [enc_float(v) for v in t.reshape(-1).tolist()]}


def run(prog, dtype):
    def leaf(values, shape, grad):
        return torch.tensor(values, dtype=dtype).reshape(shape).detach().requires_grad_(grad)

    env = {"torch": torch, "F": F, "nan": float("nan"), "inf": float("inf"),
           "leaf": leaf, "sl": sl, "linear": linear, "embedding": embedding}
    dead = set()
    out = []
    for s in prog["steps"]:
        name = s.get("out")
        if any(d in dead for d in s["deps"]):
            out.append({"skip": True})
            dead.add(name)
            continue
        try:
            if name is None:  # backward
                exec(s["code"], env)
                grads = []
                for g in s["grads"]:
                    gr = env[g].grad
                    grads.append(None if gr is None else enc(gr))
                out.append({"shape": [], "grads": grads})
            else:
                v = eval(s["code"], env)
                if not isinstance(v, torch.Tensor):
                    raise TypeError("step gave a %s, not a tensor" % type(v).__name__)
                env[name] = v
                out.append(enc(v))
        except Exception as e:  # a refusal, compared with the engine's
            out.append({"err": ("%s: %s" % (type(e).__name__, e))[:400]})
            dead.add(name)
    return out


def main():
    for line in sys.stdin:
        prog = json.loads(line)
        res = {"id": prog["id"], "f32": run(prog, torch.float32), "f64": run(prog, torch.float64)}
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
