#!/usr/bin/python3
"""Reference training speeds from PyTorch, to set beside TinyTorch's
(make bench): one epoch of 16 batches of 64 random 28×28 images with 10
classes, SGD with momentum 0.9 and cross-entropy, as engine/train's
BenchmarkEpochMLP and BenchmarkEpochLeNet do.

  - MLP: 784-128-10 with ReLU.
  - LeNet: conv 1→6 5×5, ReLU, max-pool 2, conv 6→16 5×5, ReLU, max-pool 2,
    flatten, 256-120-84-10 with ReLU.

Prints one JSON object: {"notes": [...], "rows": [{"model", "threads",
"samples_per_s"}]}, the median of 5 timed epochs after 2 warm-up epochs,
with the thread counts given (default: --threads 1). Run it as matmul.py is run (see there for OpenBLAS's
environment; PyTorch's own kernels do the convolutions).
"""

import json
import statistics
import sys
import time


def main():
    try:
        import torch
        from torch import nn
    except ImportError as e:
        print(json.dumps({"notes": ["torch: not available ({})".format(e)], "rows": []}))
        return 0
    threads_list = [int(t) for t in (sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1").split(",")]
    torch.manual_seed(1)
    batches, batch = 16, 64
    data = [(torch.rand(batch, 1, 28, 28), torch.randint(0, 10, (batch,))) for _ in range(batches)]
    models = {
        "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)),
        "lenet": lambda: nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)),
    }
    rows = []
    for threads in threads_list:
        torch.set_num_threads(threads)
        for name, make in models.items():
            model = make()
            opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
            loss_fn = nn.CrossEntropyLoss()

            def epoch():
                for x, y in data:
                    opt.zero_grad()
                    loss_fn(model(x), y).backward()
                    opt.step()

            for _ in range(2):
                epoch()
            rates = []
            for _ in range(5):
                start = time.perf_counter()
                epoch()
                rates.append(batches * batch / (time.perf_counter() - start))
            rows.append({"model": name, "threads": threads, "samples_per_s": statistics.median(rates)})
    notes = ["torch {} ({} threads max)".format(torch.__version__, torch.get_num_threads())]
    print(json.dumps({"notes": notes, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
