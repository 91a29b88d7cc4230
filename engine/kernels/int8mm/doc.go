// Package int8mm multiplies int8 matrices into int32, exactly: the kernel
// behind quantized Linear and Conv2d layers (engine/quant).
//
// # The contract
//
// [MatMulNT] computes C = A·Bᵀ on row-major matrices:
//
//	c[i*n+j] = Σ_p int32(a[i*k+p]) * int32(b[j*k+p])
//
// for i < m, j < n, p < k. A is m×k (activations, one row per example),
// B is n×k (a weight matrix stored as PyTorch stores a Linear's weight:
// one row per output), C is m×n. The result is exact: every product fits
// in 15 bits and a sum of k of them in int32 while k < 2¹⁷ = 131,072
// (|a·b| ≤ 128·128 = 2¹⁴, and 2¹⁴·2¹⁷ = 2³¹); [MatMulNT] panics for a
// longer k, as for slices shorter than the shapes say, since both are
// programmer errors. Nothing is rounded, so every variant returns the same
// bits as the plain Go reference, [Reference], and the tests compare them
// exactly.
//
// [Packed] holds B in the layout the fast kernels read, for a weight
// matrix multiplied many times (a Linear layer's forward pass).
//
// # Variants
//
//   - "reference": the plain Go triple loop of the definition.
//   - "avx2" (amd64): sign-extends 16 int8s to int16 (VPMOVSXBW) and
//     multiplies-and-adds pairs into int32 (VPMADDWD). VPMADDUBSW would
//     take 32 bytes at once but saturates its int16 sums, which is wrong
//     for -128·-128 + -128·-128.
//   - "avx512vnni" (amd64): VPDPBUSD multiplies 64 unsigned bytes by 64
//     signed bytes and adds groups of four into 16 int32s in one
//     instruction. A is signed, so the kernel feeds a+128 (an unsigned
//     byte: flipping the top bit) and subtracts 128·Σ_p b[j*k+p] from each
//     column afterwards, which is exact in int32.
//   - "wasm-simd" (js/wasm, package wasmsimd): i32x4.dot_i16x8_s on
//     sign-extended bytes, the browser's counterpart of "avx2".
//   - "wasm-relaxed" (js/wasm, where the browser has relaxed SIMD and its
//     byte dot product passes a check on edge values): "wasm-simd" for
//     [MatMulNT] and [Packed.MatMul], and for [Packed.MatMulNarrow] relaxed
//     SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s, 16 bytes per instruction.
//
// # 7-bit activations
//
// [Packed.MatMulNarrow] is [Packed.MatMul] for an A whose values lie in
// [NarrowMin, NarrowMax] = [-64, 63], as engine/quant's default 7-bit
// activations do. Its result is the same exact integers; the gain is that
// instructions exact only on a 7-bit operand may then be used (see
// narrow.go). A variant without such a kernel runs its ordinary one; the
// reference checks the range and panics outside it, as "wasm-relaxed"
// does, so a caller that hands it 8-bit values fails its tests on any
// machine.
//
// [Name] says which variant [MatMulNT] uses; [Use] changes it, for tests
// and comparisons.
//
// # The edges
//
// A quantized layer quantizes its float32 input before the product and
// scales the int32 accumulators back to float32 after it. [Quantize] and
// [Dequantize] are those two loops, each written once in plain Go (the
// reference) and again with SIMD: AVX2 assembly on amd64 (edges_amd64.s)
// and, in the browser, WebAssembly SIMD that the kernel program installs
// with [InstallEdges]. Their rounding is fixed (half to even, no fused
// multiply-add), so every version gives the same bytes, and the tests
// compare them on ties, ±Inf, NaN and values out of range.
package int8mm
