//go:build !amd64

package vec

// On other platforms (js/wasm included) the Go loops do the work, except
// where a vector loop was installed (install.go): those take the leading
// multiple of 4 elements.

func momentumSIMD(w, g, buf []float32, lr, mu, damp float32) int {
	return installedMomentumLoop(w, g, buf, lr, mu, damp)
}

func sumSquaresSIMD(v []float32, part *[lanes]float64) int { return 0 }

func reluSIMD(y, x []float32) int { return installedReLULoop(y, x) }

func reluBackwardSIMD(dx, g, y []float32) int { return installedReLUBackwardLoop(dx, g, y) }

func adamSIMD(w, g, m, v []float32, c *AdamConsts) int {
	return installedAdamLoop(w, g, m, v, c)
}

func maxPool2x2SIMD(y []float32, argmax []int32, x []float32, top, wd int) int { return 0 }
