package train

import (
	"fmt"
	"math"
	"testing"

	"tinytorch/engine/kernels"
)

// TestAllFinite checks the guard's test for a NaN or an infinity on one
// goroutine and split over two, with the bad value at either end of a
// vector, in the middle, at the split, or nowhere.
func TestAllFinite(t *testing.T) {
	defer kernels.SetThreads(kernels.SetThreads(0))
	const n = 100352 // the MLP's first weight: split between two goroutines
	for _, threads := range []int{1, 2} {
		for _, at := range []int{-1, 0, n/2 - 1, n / 2, n - 1} {
			for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
				if at < 0 && math.IsInf(float64(bad), 0) {
					continue // nothing bad: once is enough
				}
				t.Run(fmt.Sprintf("threads=%d/at=%d/%v", threads, at, bad), func(t *testing.T) {
					kernels.SetThreads(threads)
					v := make([]float32, n)
					for i := range v {
						v[i] = float32(i%7) - 3
					}
					if at >= 0 {
						v[at] = bad
					}
					if got, want := allFinite(v), at < 0; got != want {
						t.Fatalf("allFinite = %v, want %v", got, want)
					}
				})
			}
		}
	}
}
