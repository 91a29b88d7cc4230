package vec

import "tinytorch/engine/internal/cpu"

// useAVX says whether the assembly loops may run on this CPU.
var useAVX = cpu.HasAVX2FMA()

//go:noescape
func momentumAVX(w, grad, buf *float32, n int, negLR, mu, damp float32)

//go:noescape
func sumSquaresAVX(v *float32, n int, part *[lanes]float64)

// momentumSIMD updates the leading multiple of 8 elements with AVX and
// returns how many it did.
func momentumSIMD(w, g, buf []float32, lr, mu, damp float32) int {
	n := len(w) &^ 7
	if !useAVX {
		return installedMomentumLoop(w, g, buf, lr, mu, damp)
	}
	if n == 0 {
		return 0
	}
	momentumAVX(&w[0], &g[0], &buf[0], n, -lr, mu, damp)
	return n
}

// sumSquaresSIMD adds the squares of the leading multiple of lanes
// elements into part with AVX and returns how many it read.
func sumSquaresSIMD(v []float32, part *[lanes]float64) int {
	n := len(v) &^ (lanes - 1)
	if !useAVX || n == 0 {
		return 0
	}
	sumSquaresAVX(&v[0], n, part)
	return n
}

//go:noescape
func reluAVX(y, x *float32, n int)

// reluSIMD does the leading multiple of 8 elements with AVX and returns
// how many it did.
func reluSIMD(y, x []float32) int {
	n := len(x) &^ 7
	if !useAVX {
		return installedReLULoop(y, x)
	}
	if n == 0 {
		return 0
	}
	reluAVX(&y[0], &x[0], n)
	return n
}

//go:noescape
func reluBackwardAVX(dx, grad, y *float32, n int)

// reluBackwardSIMD does the leading multiple of 8 elements with AVX and
// returns how many it did.
func reluBackwardSIMD(dx, g, y []float32) int {
	n := len(dx) &^ 7
	if !useAVX {
		return installedReLUBackwardLoop(dx, g, y)
	}
	if n == 0 {
		return 0
	}
	reluBackwardAVX(&dx[0], &g[0], &y[0], n)
	return n
}

//go:noescape
func adamAVX(w, grad, m, v *float32, n int, c *AdamConsts)

// adamSIMD updates the leading multiple of 8 elements with AVX and
// returns how many it did.
func adamSIMD(w, g, m, v []float32, c *AdamConsts) int {
	n := len(w) &^ 7
	if !useAVX {
		return installedAdamLoop(w, g, m, v, c)
	}
	if n == 0 {
		return 0
	}
	adamAVX(&w[0], &g[0], &m[0], &v[0], n, c)
	return n
}

//go:noescape
func maxPool2x2AVX(y *float32, argmax *int32, top, bottom *float32, n int, base, wd int32)

//go:noescape
func maxPool2x2AVX4(y *float32, argmax *int32, top, bottom *float32, base, wd int32)

// maxPool2x2SIMD pools the row's windows with AVX2, 8 at a time, and
// returns how many it did: all of them when there are at least 4 (a last
// step over the last 8, or 4, windows redoes a few, giving the same
// results), else none. Indices past the int32 range are left to the Go
// loop.
func maxPool2x2SIMD(y []float32, argmax []int32, x []float32, top, wd int) int {
	n := len(y)
	if !useAVX || n < 4 || top+wd+2*n > 1<<31-1 {
		return 0
	}
	if n < 8 {
		for _, j := range [2]int{0, n - 4} {
			maxPool2x2AVX4(&y[j], &argmax[j], &x[top+2*j], &x[top+wd+2*j], int32(top+2*j), int32(wd))
		}
		return n
	}
	maxPool2x2AVX(&y[0], &argmax[0], &x[top], &x[top+wd], n&^7, int32(top), int32(wd))
	if j := n - 8; n%8 != 0 {
		maxPool2x2AVX(&y[j], &argmax[j], &x[top+2*j], &x[top+wd+2*j], 8, int32(top+2*j), int32(wd))
	}
	return n
}
