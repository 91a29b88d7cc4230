package vec

// ReLU sets y[i] = max(x[i], 0) with PyTorch's edge cases: a NaN passes
// through and −0 stays −0 (PyTorch's clamp_min(x, 0) keeps x unless
// x < 0, so 1/relu(−0) is −Inf there). y must be at least as long as x.
func ReLU(y, x []float32) {
	y = y[:len(x)]
	done := reluSIMD(y, x)
	reluGo(y[done:], x[done:])
}

// reluGo is the reference loop.
func reluGo(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if v < 0 {
			y[i] = 0
		} else {
			y[i] = v // x ≥ 0, −0 and NaN pass
		}
	}
}

// ReLUBackward sets dx[i] = g[i] where y[i] > 0 or y[i] is NaN, and +0
// where y[i] ≤ 0: PyTorch's threshold_backward, the gradient of ReLU from
// its output y. Unlike g·step(y > 0), a masked element is +0 whatever g
// is (g·0 is −0 for a negative g and NaN for an infinite one), and a NaN
// y passes g (the test y ≤ 0 is false for NaN). g and y must be at least
// as long as dx.
//
// The vector loops (AVX on amd64, vec.wat in the browser) select with a
// mask; the Go loop's branch on y's sign mispredicts about half the time
// on a layer's output, which made it 12% of an MLP training step.
func ReLUBackward(dx, g, y []float32) {
	g, y = g[:len(dx)], y[:len(dx)]
	done := reluBackwardSIMD(dx, g, y)
	reluBackwardGo(dx[done:], g[done:], y[done:])
}

// reluBackwardGo is the reference loop.
func reluBackwardGo(dx, g, y []float32) {
	g, y = g[:len(dx)], y[:len(dx)]
	for i, v := range y {
		if v <= 0 {
			dx[i] = 0
		} else {
			dx[i] = g[i] // y > 0 or NaN
		}
	}
}
