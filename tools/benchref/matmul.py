#!/usr/bin/python3
"""Reference float32 matmul speeds from NumPy and PyTorch, to set beside
TinyTorch's kernel benchmarks (go test -bench Matmul ./engine/kernels/).

Run it with Debian's Python, which has python3-numpy and python3-torch:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tools/benchref/matmul.py

NumPy and PyTorch call whatever BLAS libblas.so.3 points to. Debian's default
is the slow reference BLAS; install libopenblas0-pthread for a fair figure.
OPENBLAS_CORETYPE=Haswell (set on some machines) forces OpenBLAS's AVX2
kernels: unset it, as above, so it picks its AVX-512 ones. The script
prints what threadpoolctl sees (library, kernel architecture, threads) when
python3-threadpoolctl is installed.

It times C = A·B for n×n float32 matrices at n = 128, 256, 512, 1024 with
1 and 2 threads, and prints the median GFLOP/s over repeated runs (2n³
floating-point operations per call), in the same units as the Go
benchmarks.
"""

import argparse
import os
import platform
import statistics
import sys
import time

SIZES = (128, 256, 512, 1024)
THREADS = (1, 2)


def time_call(fn, n, min_seconds):
    """Returns the median GFLOP/s of fn() over batches that each last about
    min_seconds / 5, after a warm-up."""
    fn()
    batch = 1
    while True:  # grow the batch until it is long enough to time
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds / 5:
            break
        batch *= 2
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        elapsed = time.perf_counter() - start
        rates.append(2 * n**3 * batch / elapsed / 1e9)
    return statistics.median(rates)


def bench_numpy(min_seconds, limit_threads):
    import numpy as np

    rng = np.random.default_rng(1)
    rows = []
    for threads in THREADS:
        with limit_threads(threads):
            for n in SIZES:
                a = rng.random((n, n), dtype=np.float32)
                b = rng.random((n, n), dtype=np.float32)
                c = np.empty((n, n), dtype=np.float32)
                rate = time_call(lambda: np.matmul(a, b, out=c), n, min_seconds)
                rows.append(("numpy " + np.__version__, n, threads, rate))
    return rows


def bench_torch(min_seconds):
    import torch

    rows = []
    previous = torch.get_num_threads()
    torch.manual_seed(1)
    for threads in THREADS:
        torch.set_num_threads(threads)
        for n in SIZES:
            a = torch.rand(n, n, dtype=torch.float32)
            b = torch.rand(n, n, dtype=torch.float32)
            c = torch.empty(n, n, dtype=torch.float32)
            with torch.no_grad():
                rate = time_call(lambda: torch.matmul(a, b, out=c), n, min_seconds)
            rows.append(("torch " + torch.__version__, n, threads, rate))
    torch.set_num_threads(previous)
    return rows


def thread_limiter():
    """Returns (limit(threads) context manager, description of the BLAS
    libraries) using threadpoolctl when it is installed."""
    try:
        import threadpoolctl
    except ImportError:
        import contextlib

        @contextlib.contextmanager
        def no_limit(threads):
            # Without threadpoolctl, OpenBLAS's thread count can only be set
            # before it loads (OPENBLAS_NUM_THREADS); say so in the output.
            yield

        return no_limit, ["threadpoolctl not installed: thread counts for numpy are not enforced"]

    def limit(threads):
        return threadpoolctl.threadpool_limits(limits=threads)

    info = []
    for lib in threadpoolctl.threadpool_info():
        info.append(
            "{} {} ({}): architecture={} threads={} {}".format(
                lib.get("internal_api"),
                lib.get("version"),
                lib.get("threading_layer", "?"),
                lib.get("architecture", "?"),
                lib.get("num_threads"),
                lib.get("filepath"),
            )
        )
    return limit, info


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="timing per figure (default 1)")
    args = parser.parse_args()

    print("machine: {} {}, {} CPUs, python {}".format(
        platform.system(), platform.machine(), os.cpu_count(), platform.python_version()))
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        print("{}={}".format(var, os.environ.get(var, "(unset)")))

    rows = []
    limit = None
    try:
        import numpy  # noqa: F401  (load the BLAS before asking threadpoolctl)

        limit, _ = thread_limiter()
        rows += bench_numpy(args.seconds, limit)
    except ImportError as e:
        print("numpy: not available ({})".format(e))
    try:
        rows += bench_torch(args.seconds)
    except ImportError as e:
        print("torch: not available ({})".format(e))

    _, info = thread_limiter()  # after both libraries are loaded
    for line in info:
        print("blas:", line)
    print()
    print("{:<22} {:>6} {:>8} {:>10}".format("library", "n", "threads", "GFLOP/s"))
    for name, n, threads, rate in rows:
        print("{:<22} {:>6} {:>8} {:>10.1f}".format(name, n, threads, rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
