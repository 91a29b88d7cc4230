"""Reads and writes safetensors files with nothing but Python's json and
struct and numpy (the `safetensors` package is not needed), for the Go
test TestPythonRoundTrip in engine/checkpoint.

    python3 safetensors_roundtrip.py read FILE         # prints the tensors as JSON
    python3 safetensors_roundtrip.py copy FILE OUT     # reads FILE, writes it again as OUT
    python3 safetensors_roundtrip.py write OUT         # writes weights for the test's MLP

The format: 8 bytes, the header's length N (unsigned little endian); N
bytes of JSON, {"name": {"dtype": "F32", "shape": [...], "data_offsets":
[begin, end]}, ..., "__metadata__": {str: str}}; then the data, offsets
counted from its start. With torch installed, `read` also loads the
model's weights into the same MLP in PyTorch (strict) and prints its
output on a fixed input, which the Go test compares with TinyTorch's.
"""

import json
import struct
import sys

import numpy as np

DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
    "I16": "<i2", "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2",
    "U8": "u1", "BOOL": "?", "BF16": "<u2",  # BF16: the raw 16 bits
}


def read(path):
    """Returns (metadata, {name: (dtype, numpy array)}) of a file."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype=DTYPES[e["dtype"]])
        tensors[name] = (e["dtype"], a.reshape(e["shape"]))
    return meta, tensors


def write(path, tensors, meta=None):
    """Writes {name: (dtype, numpy array)} and metadata, tensors in the
    given order, the header padded with spaces to 8 bytes as the
    reference implementation does."""
    header, chunks, offset = {}, [], 0
    if meta:
        header["__metadata__"] = meta
    for name, (dtype, a) in tensors.items():
        b = np.ascontiguousarray(a, dtype=DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def bits(a):
    """The float32 values' bits, so the Go test compares them exactly."""
    return a.astype("<f4").view("<u4").ravel().tolist()


def torch_forward(tensors):
    """Loads the MLP's weights into PyTorch and runs it on the test's
    input; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(16, 2))
    state = {k: torch.from_numpy(a.astype(np.float32)) for k, (_, a) in tensors.items() if not k.startswith("optimizer.")}
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25], [-0.75, 0.0]])
    with torch.no_grad():
        return model(x).numpy().ravel().tolist()


def main():
    cmd = sys.argv[1]
    if cmd == "read":
        meta, tensors = read(sys.argv[2])
        out = {"metadata": meta, "tensors": {
            k: {"dtype": d, "shape": list(a.shape), "bits": bits(a)} for k, (d, a) in tensors.items()}}
        if "tinytorch.training" in meta:
            out["position"] = json.loads(meta["tinytorch.training"])["position"]
        out["torch_output"] = torch_forward(tensors)
        json.dump(out, sys.stdout)
    elif cmd == "copy":
        meta, tensors = read(sys.argv[2])
        write(sys.argv[3], tensors, meta)
    elif cmd == "write":
        # The MLP's four tensors in four dtypes, values exact in each:
        # k/8 - 1 for k = 0, 1, 2, ...; listed in reverse order.
        def values(shape, dtype):
            v = (np.arange(np.prod(shape)) % 17 / 8 - 1).reshape(shape)
            if dtype == "BF16":
                return (v.astype("<f4").view("<u4") >> 16).astype("<u2")
            return v
        spec = [("3.bias", "BF16", (2,)), ("3.weight", "F16", (2, 16)), ("0.bias", "F64", (16,)), ("0.weight", "F32", (16, 2))]
        write(sys.argv[2], {k: (d, values(s, d)) for k, d, s in spec}, {"format": "pt", "written_by": "numpy"})
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
