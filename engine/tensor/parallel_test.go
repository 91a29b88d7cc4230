package tensor

import (
	"math"
	"testing"

	"tinytorch/engine/kernels"
)

// TestBinarySplitRowsMatchLoop adds, with the rows split between 1, 2 and
// 3 goroutines, a broadcast operand to a transposed view large enough to
// split, [40, 30, 50] (a [40, 50, 30] tensor with its last two dimensions
// swapped) + [30, 1]: every element must be the sum a plain loop over the
// indices gives, so each goroutine's walker must start at its own row.
func TestBinarySplitRowsMatchLoop(t *testing.T) {
	g := NewGenerator(3)
	av := make([]float32, 40*50*30)
	for i := range av {
		av[i] = g.Float32()
	}
	bv := make([]float32, 30)
	for i := range bv {
		bv[i] = float32(i) * 1000
	}
	a := must(must(New(av, 40, 50, 30)).Transpose(1, 2))
	b := must(New(bv, 30, 1))
	for _, threads := range []int{1, 2, 3} {
		func() {
			defer kernels.SetThreads(kernels.SetThreads(threads))
			y := must(a.Add(b)).Data()
			for i := range 40 {
				for j := range 30 {
					for k := range 50 {
						want := av[(i*50+k)*30+j] + bv[j]
						if got := y[(i*30+j)*50+k]; math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("%d threads: y[%d, %d, %d] = %v, expected %v", threads, i, j, k, got, want)
						}
					}
				}
			}
		}()
	}
}
