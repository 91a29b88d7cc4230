#!/usr/bin/python3
"""Reference float32 matmul speeds from NumPy and PyTorch, to set beside
TinyTorch's kernel benchmarks (go test -bench Matmul ./engine/kernels/).

Run it with Debian's Python, which has python3-numpy and python3-torch:

    /usr/bin/python3 tools/benchref/matmul.py

NumPy and PyTorch call whatever BLAS libblas.so.3 points to. Debian's default
is the slow reference BLAS; install libopenblas0-pthread for a fair figure.
Two environment variables then decide which OpenBLAS kernels run, and the
script re-runs itself with them set for a fair comparison (--coretype):

  - OPENBLAS_CORETYPE=Haswell, set on some machines, forces the AVX2
    kernels: about half the speed of the AVX-512 ones.
  - Left unset, OpenBLAS 0.3.21 (Debian 12) does not recognise CPUs newer
    than itself, such as AMD Zen 5, and falls back to its SSE3 "Prescott"
    kernels (about 30 GFLOP/s instead of 150-190).

So by default (--coretype auto) the script unsets OPENBLAS_L2_SIZE and sets
OPENBLAS_CORETYPE=SkylakeX, OpenBLAS's AVX-512 kernels, when the CPU has
AVX-512 (F, BW, DQ, VL), and unsets it otherwise, letting OpenBLAS choose.
--coretype keep leaves the environment alone; --coretype NAME forces NAME.
It prints what threadpoolctl sees (library, kernel architecture, threads)
when python3-threadpoolctl is installed.

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


def bench_torch(min_seconds, limit_threads):
    import torch

    rows = []
    previous = torch.get_num_threads()
    torch.manual_seed(1)
    for threads in THREADS:
        # Debian's torch calls the system BLAS, whose own thread pool
        # torch.set_num_threads does not control: limit both.
        torch.set_num_threads(threads)
        with limit_threads(threads), torch.no_grad():
            for n in SIZES:
                a = torch.rand(n, n, dtype=torch.float32)
                b = torch.rand(n, n, dtype=torch.float32)
                c = torch.empty(n, n, dtype=torch.float32)
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


# CHILD marks the re-executed process, so that it does not re-execute again.
CHILD = "TINYTORCH_BENCHREF_CHILD"


def has_avx512():
    """Reports whether the CPU has the AVX-512 subsets OpenBLAS's SkylakeX
    kernels use."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return all(x in flags for x in ("avx512f", "avx512bw", "avx512dq", "avx512vl"))


def reexec_with_coretype(coretype):
    """Re-runs this script with OpenBLAS's environment set for coretype
    (see the module doc). OpenBLAS reads it when it loads, so it cannot be
    changed from inside a running process."""
    if coretype == "keep" or os.environ.get(CHILD):
        return
    env = dict(os.environ)
    env[CHILD] = "1"
    env.pop("OPENBLAS_L2_SIZE", None)
    if coretype == "auto":
        coretype = "SkylakeX" if has_avx512() else ""
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    else:
        env.pop("OPENBLAS_CORETYPE", None)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="timing per figure (default 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table (for make bench)")
    parser.add_argument("--coretype", default="auto",
                        help="OpenBLAS kernels: auto (default), keep (use the environment as is) or a name such as SkylakeX")
    args = parser.parse_args()
    reexec_with_coretype(args.coretype)

    notes = ["machine: {} {}, {} CPUs, python {}".format(
        platform.system(), platform.machine(), os.cpu_count(), platform.python_version())]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        notes.append("{}={}".format(var, os.environ.get(var, "(unset)")))

    rows = []
    try:
        import numpy  # noqa: F401  (load the BLAS before threadpoolctl looks)
    except ImportError as e:
        notes.append("numpy: not available ({})".format(e))
    try:
        import torch  # noqa: F401
    except ImportError as e:
        notes.append("torch: not available ({})".format(e))
    limit, info = thread_limiter()
    if "numpy" in sys.modules:
        rows += bench_numpy(args.seconds, limit)
    if "torch" in sys.modules:
        rows += bench_torch(args.seconds, limit)

    notes += ["blas: " + line for line in info]
    if args.json:
        import json
        print(json.dumps({"notes": notes, "rows": [
            {"library": name, "n": n, "threads": threads, "gflops": rate} for name, n, threads, rate in rows]}))
        return 0
    for line in notes:
        print(line)
    print()
    print("{:<22} {:>6} {:>8} {:>10}".format("library", "n", "threads", "GFLOP/s"))
    for name, n, threads, rate in rows:
        print("{:<22} {:>6} {:>8} {:>10.1f}".format(name, n, threads, rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
