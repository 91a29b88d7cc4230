// Package vec holds the few long vector loops of a training step that are
// not matrix products: the optimizers' updates (SGD with momentum, Adam
// and AdamW), the sum of squares behind a gradient norm, and ReLU forward
// and backward (ReLUBackward, PyTorch's threshold_backward). Each is
// written once in plain Go, which is the reference and runs everywhere
// (js/wasm included), and once in AVX assembly for amd64 (vec_amd64.s),
// which does the same arithmetic eight elements at a time.
//
// The two versions give bit-identical results: the assembly uses the same
// operations in the same order as the Go loop (no fused multiply-add where
// the Go code rounds twice), and the sum of squares is split into the same
// 16 partial sums in both. Tests check this on every length.
//
// In the browser, where Go's compiler emits no SIMD, the notebook kernel
// installs WebAssembly SIMD versions of the optimizers' updates (Install,
// install.go) and of ReLU forward and backward (InstallActivations), held
// to the same bits; the sum of squares runs the Go loop there.
package vec

import "math"

// MomentumUpdate is SGD with momentum for one parameter, in place:
//
//	buf ← mu·buf + damp·g
//	w   ← w − lr·buf
//
// as PyTorch's SGD does after the first step (dampening applies to g).
// The slices must have the same length; it panics otherwise (a programmer
// error).
func MomentumUpdate(w, g, buf []float32, lr, mu, damp float32) {
	n := len(w)
	if len(g) != n || len(buf) != n {
		panic("vec.MomentumUpdate: slices of different lengths")
	}
	done := momentumSIMD(w, g, buf, lr, mu, damp)
	momentumGo(w[done:], g[done:], buf[done:], lr, mu, damp)
}

// momentumGo is the reference loop.
func momentumGo(w, g, buf []float32, lr, mu, damp float32) {
	g, buf = g[:len(w)], buf[:len(w)]
	for i := range w {
		buf[i] = buf[i]*mu + damp*g[i]
		w[i] += -lr * buf[i]
	}
}

// lanes is the number of partial sums of SumSquares: element i goes to
// partial sum i mod lanes. Several independent sums let the CPU add in
// parallel (one running sum waits for each addition to finish), and
// fixing their number fixes the rounding, so every platform agrees.
const lanes = 16

// SumSquares returns Σ v[i]², accumulated in float64 (the square of a
// float32 is exact in float64) in lanes partial sums added in a fixed
// order.
func SumSquares(v []float32) float64 {
	var part [lanes]float64
	done := sumSquaresSIMD(v, &part)
	for i, x := range v[done:] {
		part[(done+i)%lanes] += float64(x) * float64(x)
	}
	total := 0.0
	for _, p := range part {
		total += p
	}
	return total
}

// AllFinite reports whether no element of v is NaN or ±Inf: the check of
// a training step's gradients and weights. An installed loop (the
// browser's) checks the leading multiple of 4 elements; Σ v[i]², which is
// finite exactly when every element is (a float32's square cannot
// overflow a float64), checks the rest, with AVX natively.
func AllFinite(v []float32) bool {
	done, ok := installedAllFiniteLoop(v)
	if !ok {
		return false
	}
	s := SumSquares(v[done:])
	return !math.IsNaN(s) && !math.IsInf(s, 0)
}

// sumSquaresGo adds the squares of v (whose length is a multiple of lanes)
// into part: the reference for the assembly.
func sumSquaresGo(v []float32, part *[lanes]float64) {
	for i, x := range v {
		part[i%lanes] += float64(x) * float64(x)
	}
}

// sqrt32 is the correctly rounded float32 square root.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
