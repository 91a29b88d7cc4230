package quant

import (
	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/int8mm"
)

// gemm is the integer core shared by Linear and Conv2d: an int8 weight
// matrix [n, k] packed for the kernel, with everything about it that does
// not depend on the input precomputed.
type gemm struct {
	packed *int8mm.Packed
	n, k   int
	wsum   []int64   // Σ_p qw[j,p], for the input zero point's term
	wzero  []int64   // zero point of row j
	wscale []float32 // sw[j]: the scale of row j
	bias   []float32
	asym   bool // some row has a nonzero zero point

	// Scratch kept between calls, so that a forward pass at batch 1
	// allocates only its output: the accumulators, and the output scales
	// and offsets of the last input params (a layer's are always the
	// same). A layer is thus not safe for concurrent use, like the rest
	// of the engine, which is driven from one goroutine.
	acc    []int32
	lastSa float32
	lastZa int64
	scale  []float32
	off    []int64
	off32  []int32 // off wrapped to int32, for int8mm.Dequantize
	rowOff []int32 // off32 plus one row's zero-point term (asym weights)
	row    []int64
}

// newGemm prepares w [n, k] (per tensor or per row) and the bias.
func newGemm(w *QTensor, bias []float32) gemm {
	n, k := w.Shape[0], 1
	for _, d := range w.Shape[1:] {
		k *= d
	}
	g := gemm{packed: int8mm.Pack(w.Data, n, k), n: n, k: k, wsum: make([]int64, n), wzero: make([]int64, n),
		wscale: make([]float32, n), bias: bias}
	for j := range n {
		c := 0
		if w.Params.Axis == 0 {
			c = j
		}
		for _, q := range w.Data[j*k : (j+1)*k] {
			g.wsum[j] += int64(q)
		}
		g.wzero[j] = int64(w.Params.ZeroPoint[c])
		g.wscale[j] = w.Params.Scale[c]
		g.asym = g.asym || g.wzero[j] != 0
	}
	return g
}

// accumulate multiplies the m×k int8 rows a by the weight into int32; a
// narrow a (every value in [int8mm.NarrowMin, int8mm.NarrowMax], a 7-bit
// input) goes to the kernel for that range, which may be faster (see
// narrowInput).
func (g *gemm) accumulate(a []int8, m int, narrow bool) []int32 {
	matmul := g.packed.MatMul
	if narrow {
		matmul = g.packed.MatMulNarrow
	}
	if cap(g.acc) < m*g.n {
		g.acc = make([]int32, m*g.n)
	}
	acc := g.acc[:m*g.n]
	if m < 2 || m*g.n*g.k < parallelMACs {
		matmul(acc, a, m)
		return acc
	}
	// A large product is split by rows of A between the float32 kernels'
	// goroutines (kernels.Parallel, whose team waits for work, where a
	// goroutine started per call took a wake-up each). The sums are exact
	// integers, so the split changes no bit.
	kernels.Parallel(m, 1, func(lo, hi int) {
		matmul(acc[lo*g.n:hi*g.n], a[lo*g.k:hi*g.k], hi-lo)
	})
	return acc
}

// narrowInput says whether inputs quantized with in lie in
// [int8mm.NarrowMin, int8mm.NarrowMax] = [-64, 63]: their range, which
// quantizeInto clamps to, is that of 7 bits or fewer. Such inputs may go
// to int8mm.Packed.MatMulNarrow, which in the browser runs relaxed SIMD's
// byte dot product, twice as many multiply-adds per instruction as the
// exact 16-bit one that 8-bit inputs need (see DefaultConfig).
func narrowInput(in Params) bool {
	qmin, qmax := in.Range()
	return qmin >= int8mm.NarrowMin && qmax <= int8mm.NarrowMax
}

// parallelMACs is the product size (m·n·k multiply-adds) from which
// accumulate splits the rows across goroutines: about 100 µs of one
// thread's work at the MLP's first layer and a batch of 16.
const parallelMACs = 1 << 20

// prepare computes (or reuses) the output scales and offsets for inputs
// quantized with in.
func (g *gemm) prepare(in Params) {
	sa, za := in.Scale[0], int64(in.ZeroPoint[0])
	if g.scale != nil && sa == g.lastSa && za == g.lastZa {
		return
	}
	g.lastSa, g.lastZa = sa, za
	g.scale, g.off, g.row = g.outScales(sa), g.offsets(za), make([]int64, g.n)
	g.off32, g.rowOff = make([]int32, g.n), make([]int32, g.n)
	for j, o := range g.off {
		g.off32[j] = int32(o) // wraps: see dequantize
	}
}

// offsets returns, per column j, the constant part of the zero-point
// correction of the integer sum (see centred), for inputs with zero point
// za: za·Σ_p qw[j,p] - k·za·zw[j].
func (g *gemm) offsets(za int64) []int64 {
	off := make([]int64, g.n)
	for j := range off {
		off[j] = za*g.wsum[j] - int64(g.k)*za*g.wzero[j]
	}
	return off
}

// centred turns row i of the raw products into
// Σ_p (qa[i,p]-za)·(qw[j,p]-zw[j]) = acc - za·Σqw[j] - zw[j]·Σqa[i] + k·za·zw[j],
// exact in int64, into out.
func (g *gemm) centred(out []int64, acc []int32, a []int8, off []int64, i int) {
	var asum int64
	if g.asym {
		for _, q := range a[i*g.k : (i+1)*g.k] {
			asum += int64(q)
		}
	}
	for j, v := range acc[i*g.n : (i+1)*g.n] {
		out[j] = int64(v) - off[j] - g.wzero[j]*asum
	}
}

// run writes into y the float output [m, n] for inputs a quantized with
// the per-tensor params in: the centred accumulators times the output
// scale sa·sw[j], plus the bias (dequantization at the layer's edge). It
// sets every element of y, whatever y held.
func (g *gemm) run(y []float32, a []int8, m int, in Params) {
	acc := g.accumulate(a, m, narrowInput(in))
	g.prepare(in)
	if g.k > int8mm.DequantizeMaxK {
		g.dequantizeWide(y, acc, a, m)
		return
	}
	g.dequantize(y, acc, a, m)
}

// dequantize is run's edge on int8mm.Dequantize's SIMD loop: in int32,
// acc - off[j] - zw[j]·Σ_p qa[i,p] wraps around, but it equals the
// centred sum modulo 2³², and the centred sum fits in int32 for
// k ≤ int8mm.DequantizeMaxK, so it comes out exact: the integers of
// centred, converted and scaled with the same roundings.
func (g *gemm) dequantize(y []float32, acc []int32, a []int8, m int) {
	if !g.asym { // symmetric weights: no per-row term, one call
		int8mm.Dequantize(y, acc, g.off32, g.scale, g.bias, m, g.n)
		return
	}
	n, k := g.n, g.k
	for i := range m {
		var asum int32
		for _, q := range a[i*k : (i+1)*k] {
			asum += int32(q)
		}
		for j, o := range g.off32 {
			g.rowOff[j] = o + int32(g.wzero[j])*asum
		}
		int8mm.Dequantize(y[i*n:(i+1)*n], acc[i*n:(i+1)*n], g.rowOff, g.scale, g.bias, 1, n)
	}
}

// dequantizeWide is dequantize for rows longer than
// int8mm.DequantizeMaxK, whose centred sums may not fit in int32: exact
// in int64 (centred), converted and scaled with the same roundings.
func (g *gemm) dequantizeWide(y []float32, acc []int32, a []int8, m int) {
	for i := range m {
		g.centred(g.row, acc, a, g.off, i)
		out := y[i*g.n : (i+1)*g.n]
		for j, v := range g.row {
			out[j] = float32(v) * g.scale[j]
		}
		if g.bias != nil {
			for j, b := range g.bias {
				out[j] += b
			}
		}
	}
}

// outScales returns sa·sw[j] for every column.
func (g *gemm) outScales(sa float32) []float32 {
	s := make([]float32, g.n)
	for j, w := range g.wscale {
		s[j] = sa * w
	}
	return s
}

// requantize computes the int8 output [m, n] for inputs a quantized with
// in, quantized with the per-tensor params out: each centred accumulator
// is scaled to a real value (times sa·sw[j], plus the bias, as run does)
// and mapped onto out's integers (quantizeValue, on the SIMD loop), so
// that integer layers chain without a float tensor between them.
func (g *gemm) requantize(a []int8, m int, in, out Params) []int8 {
	y := make([]float32, m*g.n)
	g.run(y, a, m, in)
	return quantizeInto(nil, y, out)
}
