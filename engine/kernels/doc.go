// Package kernels holds TinyTorch's float32 matrix-multiplication kernels:
// several implementations of one contract, from the three-loop textbook
// version to hand-written SIMD assembly, that a student can read side by
// side and switch between at run time.
//
// # The contract
//
// Every variant computes the BLAS "sgemm" operation on row-major matrices:
//
//	C = alpha·op(A)·op(B) + beta·C
//
// where op(X) is X or its transpose, op(A) is m×k, op(B) is k×n and C is
// m×n. Each matrix lives in a flat []float32 with a leading dimension: the
// distance, in elements, between the starts of two consecutive stored rows.
// Element (i, j) of a stored matrix X is X[i*ldx+j]. A leading dimension
// larger than the row length describes a window into a bigger matrix, so
// sub-matrices and transposed views need no copy. See [Func] for the exact
// rules, and [Matmul] for the entry point the rest of the engine calls.
//
// # Variants
//
//   - "naive": the i-j-k triple loop of the definition.
//   - "blocked": the i-k-j loop cut into cache-sized blocks.
//   - "tiled": packed panels of A and B and a small register-tiled
//     micro-kernel, the structure of every fast BLAS (Goto's algorithm).
//   - "parallel": "tiled" spread over goroutines.
//   - "simd": "parallel" with a micro-kernel in Go assembly using AVX-512 or
//     AVX2+FMA, picked at run time from the CPU's features (read once by
//     engine/internal/cpu; amd64 only: on other platforms, js/wasm
//     included, it uses the portable Go kernel).
//     With AVX-512 it has three helpers for the shapes of a convolution:
//     a 6-row micro-kernel for short last row panels, B read in place
//     (not packed) when C has one or two row panels, and dot products
//     without packing for A·Bᵀ with a long k (dot.go).
//   - "simd-avx2", "simd-avx512": "simd" forced to one instruction set,
//     registered only when the CPU supports it, for comparisons.
//   - "wasm-simd", in the browser only: the packed algorithm on one
//     goroutine with a macro-kernel hand-written in WebAssembly SIMD
//     (package wasmsimd), registered by the kernel program through
//     [Register] and [Packed], the default where the browser supports
//     SIMD but not relaxed SIMD.
//   - "wasm-simd-fma", in the browser only: the same macro-kernel with
//     its multiply-adds fused (relaxed SIMD's f32x4.relaxed_madd), the
//     default where the browser validates it.
//
// [Use] picks the variant behind [Matmul]; [SetThreads] sets how many
// goroutines "parallel" and the "simd" variants use.
//
// # Kernels from outside
//
// [Register] adds a kernel written outside the package (a student's, or
// the browser's WebAssembly SIMD one) as a variant like the others: Use
// routes every product of the engine through it, and Names lists it, so
// the benchmarks and the roofline see it. It accepts a kernel only after
// [Verify] compared it with a float64 reference on edge, strided and
// random problems, with guards around C, and its error names the problem
// and the first wrong element (row, column, expected, got), the panic or
// the write out of bounds. A student writes the plain product C = A·B
// ([MatmulFunc]); [RegisterMatmul] wraps it with [Plain] into the whole
// contract.
//
// # Threads
//
// The parallel variants split C between goroutines that stay alive between
// calls (team.go): after a matmul they keep checking for the next one for
// up to half a millisecond before they sleep, as OpenBLAS's threads do,
// because waking a sleeping core costs about as much as a small matmul.
// Small products (under about 2 million floating-point operations per
// goroutine) run on the calling goroutine alone. Each goroutine packs the
// panels of B it multiplies into a buffer of its own and never waits for
// the others, except with many rows each, where they share one packed
// block of B between barriers (sharesB in driver.go).
//
// # Speed
//
// Measure, don't guess: BenchmarkMatmul reports GFLOP/s for every variant
// at n = 128…1024 with 1 and 2 threads, and tools/benchref/matmul.py prints
// NumPy's and PyTorch's figures on the same machine for comparison:
//
//	go test -run '^$' -bench Matmul ./engine/kernels/
//	/usr/bin/python3 tools/benchref/matmul.py
//
// # Accuracy
//
// The variants add the k products of each dot product in different orders
// and some use fused multiply-add, so their results differ in the last bits.
// Each one satisfies the classic bound for a float32 dot product, which the
// tests check element by element against a float64 reference:
//
//	|Ĉij − Cij| ≤ (k+4)·ε·(|alpha|·Σp |op(A)ip|·|op(B)pj| + |beta|·|Cij|),  ε = 2⁻²⁴
//
// # Determinism
//
// A given variant on a given machine always returns bit-identical results,
// whatever the thread count: every element of C is computed by exactly one
// goroutine, in a summation order fixed by k and the variant's block sizes
// alone, never by how the work is split between goroutines. "tiled" and
// "parallel" even agree bit for bit with each other.
package kernels
