package int8mm

import (
	"fmt"
	"math"
)

// The edges of a quantized layer: the loops on either side of the int8
// product. Quantize turns the float32 input into int8 before it, and
// Dequantize turns the int32 accumulators back into float32 after it. At
// batch 64 these two scalar passes took more time than the product itself
// (which does 64 multiply-adds per instruction), so each has a SIMD loop:
// AVX2 assembly on amd64 (edges_amd64.s) and, in the browser, WebAssembly
// SIMD installed with InstallEdges (engine/kernels/wasmsimd's int8.wat).
// Every loop gives the same bytes as the plain Go loops below, which are
// the reference; the tests compare them on ties, ±Inf, NaN and values out
// of range.

// Quantize sets q[i] to x[i]·inv rounded half to even, clamped to
// [lo, hi], plus z:
//
//	q[i] = int8(round(clamp(float32(x[i]·inv), lo, hi)) + z)
//
// with a NaN product taken as 0 (so giving z, clamped). This is engine/quant's affine map with
// inv = 1/scale, z the zero point and [lo, hi] = [qmin-z, qmax-z]: since
// rounding is monotonic and the bounds are integers, clamping before
// rounding gives the integers that rounding before clamping would. q must
// be at least as long as x. It panics (a programmer error) if lo or hi is
// not an integer, lo > hi, or lo+z and hi+z are not both int8.
func Quantize(q []int8, x []float32, inv, lo, hi float32, z int32) {
	checkQuantize(len(q), len(x), lo, hi, z)
	q = q[:len(x)]
	done := quantizeSIMD(q, x, inv, lo, hi, z)
	quantizeGo(q[done:], x[done:], inv, lo, hi, z)
}

// checkQuantize panics unless Quantize's arguments keep every result in
// int8 (the SIMD loops rely on it).
func checkQuantize(nq, nx int, lo, hi float32, z int32) {
	whole := func(f float32) bool { return f == float32(math.Trunc(float64(f))) }
	if nq < nx || !whole(lo) || !whole(hi) || lo > hi ||
		int64(lo)+int64(z) < math.MinInt8 || int64(hi)+int64(z) > math.MaxInt8 {
		panic(fmt.Sprintf("int8mm.Quantize: q of %d for x of %d, clamp [%v, %v] + zero point %d; expected len(q) ≥ len(x) and integer bounds lo ≤ hi with lo+z, hi+z in int8",
			nq, nx, lo, hi, z))
	}
}

// quantizeGo is the reference loop. NaN becomes 0 first, as engine/quant's
// quantizeValue has it; then plain comparisons clamp, not min and max
// (whose NaN and signed-zero rules cost several instructions). Adding and
// subtracting 1.5·2²³ rounds a float32 of magnitude below 2²² to an
// integer, half to even (the float32 spacing is 1 in [2²³, 2²⁴)); the
// explicit float32 conversions forbid the compiler to fuse the product
// and the sum into an FMA, which would round differently.
func quantizeGo(q []int8, x []float32, inv, lo, hi float32, z int32) {
	const magic = 1.5 * (1 << 23)
	q = q[:len(x)]
	for i, f := range x {
		r := float32(f * inv)
		if r != r { // NaN quantizes as 0 does
			r = 0
		}
		if r < lo {
			r = lo
		}
		if r > hi {
			r = hi
		}
		r = float32(r+magic) - magic
		q[i] = int8(int32(r) + z)
	}
}

// DequantizeMaxK is the longest inner dimension k for which Dequantize's
// int32 arithmetic is exact on any layer: a centred product
// Σ_p (qa-za)·(qw-zw) has terms of at most 255·255 in size, so k of them
// fit in int32 while k·65025 < 2³¹. The int32 sums wrap, but the centred
// value is what they wrap to (arithmetic modulo 2³²), so it comes out
// exact whenever it fits.
const DequantizeMaxK = (1<<31 - 1) / (255 * 255)

// Dequantize maps an m×n matrix of int32 accumulators to float32:
//
//	y[i*n+j] = float32(acc[i*n+j] - off[j]) · scale[j] + bias[j]
//
// with the subtraction in wrapping int32 arithmetic, the conversion
// rounded to nearest even, and the product and the sum rounded each
// (never a fused multiply-add). A nil bias adds nothing (not +0, which
// would turn a -0 into +0). off, scale and a non-nil bias hold n values.
// It panics (a programmer error) if a slice is shorter than that.
func Dequantize(y []float32, acc, off []int32, scale, bias []float32, m, n int) {
	if m < 0 || n < 0 || len(y) < m*n || len(acc) < m*n || len(off) < n || len(scale) < n || (bias != nil && len(bias) < n) {
		panic(fmt.Sprintf("int8mm.Dequantize: y of %d, acc of %d, off of %d, scale of %d, bias of %d for m=%d n=%d; expected m·n outputs and accumulators and n of the others",
			len(y), len(acc), len(off), len(scale), len(bias), m, n))
	}
	if m == 0 || n == 0 {
		return
	}
	off, scale = off[:n], scale[:n]
	if bias != nil {
		bias = bias[:n]
	}
	if dequantizeSIMD(y[:m*n], acc[:m*n], off, scale, bias, m, n) {
		return
	}
	dequantizeGo(y[:m*n], acc[:m*n], off, scale, bias, m, n)
}

// dequantizeGo is the reference loop.
func dequantizeGo(y []float32, acc, off []int32, scale, bias []float32, m, n int) {
	for i := range m {
		dequantizeRowGo(y[i*n:(i+1)*n], acc[i*n:(i+1)*n], off, scale, bias)
	}
}

// dequantizeRowGo does one row of dequantizeGo: len(y) columns.
func dequantizeRowGo(y []float32, acc, off []int32, scale, bias []float32) {
	for j := range y {
		y[j] = float32(acc[j]-off[j]) * scale[j]
	}
	if bias != nil {
		for j := range y {
			y[j] += bias[j]
		}
	}
}
