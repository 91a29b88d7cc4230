package kernels

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// BenchmarkMatmul times C = A·B for square n×n float32 matrices with every
// variant, and reports GFLOP/s (2n³ floating-point operations per call).
// The parallel variants run with 1 and 2 goroutines. Select some with
// -bench, e.g. -bench 'Matmul/simd/n=512'.
func BenchmarkMatmul(b *testing.B) {
	defer SetThreads(SetThreads(0))
	for _, name := range Names() {
		fn, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		threadCounts := []int{1}
		if name == "parallel" || strings.HasPrefix(name, "simd") {
			threadCounts = []int{1, 2}
		}
		for _, n := range []int{128, 256, 512, 1024} {
			for _, th := range threadCounts {
				b.Run(fmt.Sprintf("%s/n=%d/threads=%d", name, n, th), func(b *testing.B) {
					SetThreads(th)
					benchSquare(b, fn, n)
				})
			}
		}
	}
}

// benchSquare times fn on n×n matrices and reports GFLOP/s.
func benchSquare(b *testing.B, fn Func, n int) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, _ := randomMatrix(rng, n, n, 0, 0)
	y, _ := randomMatrix(rng, n, n, 0, 0)
	z := make([]float32, n*n)
	fn(false, false, n, n, n, 1, x, n, y, n, 0, z, n) // warm up caches and pools
	b.ResetTimer()
	for b.Loop() {
		fn(false, false, n, n, n, 1, x, n, y, n, 0, z, n)
	}
	flops := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
