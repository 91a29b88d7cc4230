package quant

import "tinytorch/engine/kernels/int8mm"

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

// accumulate multiplies the m×k int8 rows a by the weight into int32.
func (g *gemm) accumulate(a []int8, m int) []int32 {
	acc := make([]int32, m*g.n)
	g.packed.MatMul(acc, a, m)
	return acc
}

// centred returns Σ_p (qa[i,p]-za)·(qw[j,p]-zw[j]) for every i, j from
// the raw products: acc - za·Σqw[j] - zw[j]·Σqa[i] + k·za·zw[j]. The terms
// are exact in int64.
func (g *gemm) centred(acc []int32, a []int8, m int, za int64, each func(i, j int, v int64)) {
	for i := range m {
		var asum int64
		if g.asym {
			for _, q := range a[i*g.k : (i+1)*g.k] {
				asum += int64(q)
			}
		}
		row := acc[i*g.n : (i+1)*g.n]
		for j, v := range row {
			each(i, j, int64(v)-za*g.wsum[j]-g.wzero[j]*asum+int64(g.k)*za*g.wzero[j])
		}
	}
}

// run computes the float output [m, n] for inputs a quantized with the
// per-tensor params in: the centred accumulators times the output scale
// sa·sw[j], plus the bias (dequantization at the layer's edge).
func (g *gemm) run(a []int8, m int, in Params) []float32 {
	acc := g.accumulate(a, m)
	y := make([]float32, m*g.n)
	sa := in.Scale[0]
	g.centred(acc, a, m, int64(in.ZeroPoint[0]), func(i, j int, v int64) {
		f := float32(v) * (sa * g.wscale[j])
		if g.bias != nil {
			f += g.bias[j]
		}
		y[i*g.n+j] = f
	})
	return y
}

// requantize computes the int8 output [m, n] for inputs a quantized with
// in, quantized with the per-tensor params out: each centred accumulator
// is scaled to a real value (times sa·sw[j], plus the bias) and mapped
// onto out's integers, so that integer layers chain without a float
// tensor between them.
func (g *gemm) requantize(a []int8, m int, in, out Params) []int8 {
	acc := g.accumulate(a, m)
	q := make([]int8, m*g.n)
	sa, inv, zo := in.Scale[0], 1/out.Scale[0], out.ZeroPoint[0]
	qmin, qmax := out.Range()
	g.centred(acc, a, m, int64(in.ZeroPoint[0]), func(i, j int, v int64) {
		f := float32(v) * (sa * g.wscale[j])
		if g.bias != nil {
			f += g.bias[j]
		}
		q[i*g.n+j] = quantizeValue(f, inv, zo, qmin, qmax)
	})
	return q
}
