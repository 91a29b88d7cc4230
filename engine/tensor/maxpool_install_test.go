package tensor

import (
	"fmt"
	"math"
	"testing"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/wasmsimd"
)

// TestMaxPool2dInstalledLoops installs wasmsimd's Go statement of
// pool.wat's contract (which TestPoolInNode holds the module to) as the
// 2×2 pooling loops, and checks MaxPool2d forward and backward against
// the reference loops bit for bit: with ties, NaN, ±Inf and ±0, rows whose
// outputs are not a multiple of 4 (the Go loop does the last ones), rows
// too short for the loops, and batches split between goroutines (the
// backward loop's base, the forward's shift of argmax).
func TestMaxPool2dInstalledLoops(t *testing.T) {
	var forwards, backwards int
	InstallMaxPool2x2(func(x, y []float32, argmax []int32, planes, h, wd, ho, wo int) {
		forwards++
		wasmsimd.MaxPool2x2Reference(x, y, argmax, planes, h, wd, ho, wo)
	}, func(dx, g []float32, argmax []int32, planes, h, wd, ho, wo, base int) {
		backwards++
		wasmsimd.MaxPool2x2BackwardReference(dx, g, argmax, planes, h, wd, ho, wo, base)
	})
	defer InstallMaxPool2x2(nil, nil)
	win := Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}
	g := NewGenerator(44)
	for i, shape := range [][]int{{2, 3, 24, 24}, {3, 2, 9, 19}, {1, 1, 8, 7}, {16, 4, 25, 27}, {16, 6, 24, 24}} {
		for _, threads := range []int{1, 2} {
			forwards, backwards = 0, 0
			data := randomValues(g, product(shape), product(shape)/8)
			if i%2 == 0 { // few distinct values: ties in most windows
				for j := range data {
					data[j] = float32(math.Round(float64(data[j]) * 2))
				}
			}
			func() {
				defer kernels.SetThreads(kernels.SetThreads(threads))
				in := []refInput{{data, shape, false}}
				fast, ref := runFastAndReference(t, in, randomGradient(g, product(shape)/8, specialValues), func(xs []*Tensor) (*Tensor, error) { return xs[0].MaxPool2d(win) })
				compareRuns(t, fmt.Sprintf("x %v, %d threads", shape, threads), fast, ref, 0)
			}()
			if used := shape[3]/2 >= 4; used != (forwards > 0) || used != (backwards > 0) {
				t.Errorf("x %v, %d threads: the installed loops ran %d and %d times, want them used: %v", shape, threads, forwards, backwards, used)
			}
		}
	}
}
