#!/usr/bin/python3
"""Generate PyTorch reference fixtures for attention in engine/nn.

The sibling of nnref.py. With Debian's python3-torch, in float32, it writes
engine/nn/testdata/attention.json: for nn.MultiheadAttention, each case's
state dict (PyTorch's initial weights, loaded by the Go test with
LoadStateDict), the query, key and value (one tensor for self-attention),
the masks, the output and the head-averaged attention weights
(need_weights=True), and the gradients of
sum(w1 * output) + sum(w2 * weights) with respect to the inputs and every
parameter; for scaled dot-product attention, the same for q, k and v,
computed from its definition softmax(q kᵀ/√d + mask) v.

Run from the repository root with the system Python, which has torch:

    /usr/bin/python3 tools/torchref/attnref.py
"""
import json
import math
import os

import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def enc(t, name=None):
    t = t.detach().float()
    d = {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}
    if name is not None:
        d["name"] = name
    return d


def grads(outs):
    """Backward of sum(w_i * out_i); returns the weights w_i."""
    ws = [torch.randn(o.shape) for o in outs]
    total = sum((o * w).sum() for o, w in zip(outs, ws))
    total.backward()
    return ws


def mha_case(name, args, x_shapes, self_attn=False, attn_mask=None, key_padding_mask=None, causal=False):
    m = nn.MultiheadAttention(args["embed"], args["heads"], bias=args["bias"], batch_first=args["batchFirst"],
                              kdim=args.get("kdim"), vdim=args.get("vdim"))
    state = [enc(v, k) for k, v in m.state_dict().items()]
    if self_attn:
        x = torch.randn(*x_shapes[0], requires_grad=True)
        q = k = v = x
        inputs = [x]
    else:
        q, k, v = (torch.randn(*s, requires_grad=True) for s in x_shapes)
        inputs = [q, k, v]
    mask = attn_mask
    if causal:
        length = q.shape[-2] if q.dim() == 2 else (q.shape[1] if args["batchFirst"] else q.shape[0])
        mask = nn.Transformer.generate_square_subsequent_mask(length)
    out, weights = m(q, k, v, key_padding_mask=key_padding_mask, need_weights=True, attn_mask=mask)
    ws = grads([out, weights])
    return {
        "name": name, "args": args, "state": state, "causal": causal,
        "inputs": [enc(t) for t in inputs],
        "attnMask": enc(attn_mask) if attn_mask is not None else None,
        "keyPaddingMask": enc(key_padding_mask.float()) if key_padding_mask is not None else None,
        "out": enc(out), "weights": enc(weights), "outGrad": enc(ws[0]), "weightsGrad": enc(ws[1]),
        "inputGrads": [enc(t.grad) for t in inputs],
        "paramGrads": [enc(p.grad, k) for k, p in m.named_parameters()],
    }


def sdpa_case(name, shapes, causal=False, attn_mask=None):
    q, k, v = (torch.randn(*s, requires_grad=True) for s in shapes)
    scores = (q / math.sqrt(q.shape[-1])) @ k.transpose(-2, -1)
    if attn_mask is not None:
        scores = scores + attn_mask
    if causal:
        scores = scores + nn.Transformer.generate_square_subsequent_mask(q.shape[-2])
    weights = torch.softmax(scores, -1)
    out = weights @ v
    ws = grads([out, weights])
    return {
        "name": name, "causal": causal, "inputs": [enc(t) for t in (q, k, v)],
        "attnMask": enc(attn_mask) if attn_mask is not None else None,
        "out": enc(out), "weights": enc(weights), "outGrad": enc(ws[0]), "weightsGrad": enc(ws[1]),
        "inputGrads": [enc(t.grad) for t in (q, k, v)],
    }


def main():
    torch.manual_seed(2017)
    mha = [
        mha_case("self, sequence first", dict(embed=8, heads=2, bias=True, batchFirst=False), [(5, 3, 8)], self_attn=True),
        mha_case("self, causal, batch first", dict(embed=8, heads=4, bias=True, batchFirst=True), [(2, 6, 8)],
                 self_attn=True, causal=True),
        mha_case("cross, key padding, batch first", dict(embed=6, heads=3, bias=True, batchFirst=True), [(2, 4, 6), (2, 5, 6), (2, 5, 6)],
                 key_padding_mask=torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])),
        mha_case("kdim vdim, sequence first", dict(embed=4, heads=2, bias=True, batchFirst=False, kdim=6, vdim=3),
                 [(3, 2, 4), (5, 2, 6), (5, 2, 3)]),
        mha_case("no bias, unbatched, causal", dict(embed=6, heads=2, bias=False, batchFirst=False), [(4, 6)],
                 self_attn=True, causal=True),
        mha_case("3-D float mask, batch first", dict(embed=4, heads=2, bias=True, batchFirst=True), [(2, 3, 4), (2, 5, 4), (2, 5, 4)],
                 attn_mask=torch.randn(4, 3, 5)),
    ]
    sdpa = [
        sdpa_case("4-D", [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2)]),
        sdpa_case("causal", [(2, 5, 4), (2, 5, 4), (2, 5, 3)], causal=True),
        sdpa_case("mask broadcast", [(3, 4, 2), (3, 5, 2), (3, 5, 3)], attn_mask=torch.randn(4, 5)),
    ]
    path = os.path.normpath(os.path.join(ROOT, "engine/nn/testdata/attention.json"))
    doc = {"generator": "tools/torchref/attnref.py", "torch": torch.__version__, "multihead": mha, "sdpa": sdpa}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %d + %d cases to %s (%d bytes)" % (len(mha), len(sdpa), path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
