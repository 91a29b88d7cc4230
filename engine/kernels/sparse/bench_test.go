package sparse

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"tinytorch/engine/bench"
	"tinytorch/engine/kernels"
)

// BenchmarkMulT times the sparse kernel on the milestone MLP's first
// layer (128×784) at several densities, batch 1 and 64, beside the dense
// matmul.
func BenchmarkMulT(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	rows, cols := 128, 784
	for _, batch := range []int{1, 64} {
		x := random(rng, batch, cols, 1)
		y := make([]float32, batch*rows)
		w := random(rng, rows, cols, 1)
		b.Run(fmt.Sprintf("dense/batch=%d", batch), func(b *testing.B) {
			for b.Loop() {
				kernels.Matmul(false, true, batch, rows, cols, 1, x, cols, w, cols, 0, y, rows)
			}
		})
		for _, d := range []float64{0.5, 0.2, 0.1, 0.05} {
			m, _ := FromDense(random(rng, rows, cols, d), rows, cols)
			b.Run(fmt.Sprintf("csr/batch=%d/density=%v", batch, d), func(b *testing.B) {
				for b.Loop() {
					_ = m.MulT(y, x, batch)
				}
			})
		}
	}
}

// TestCrossoverRuns measures a tiny grid quickly: every point is timed
// and the crossover is one of the densities (or 0).
func TestCrossoverRuns(t *testing.T) {
	r, err := Crossover(16, 32, 4, []float64{0.5, 0.05}, benchTimer(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 2 || r.Points[0].Density > r.Points[1].Density || r.Points[0].SparseNs <= 0 || r.Points[1].DenseNs <= 0 {
		t.Fatalf("%+v", r)
	}
	if r.Crossover != 0 && r.Crossover != r.Points[0].Density && r.Crossover != r.Points[1].Density {
		t.Errorf("crossover %v is not a measured density", r.Crossover)
	}
	if _, err := Crossover(16, 32, 4, []float64{1.5}, benchTimer(1)); err == nil {
		t.Error("density 1.5 accepted")
	}
}

// benchTimer is the Timer that make bench passes: engine/bench's
// interleaved comparison.
func benchTimer(iterations int) Timer {
	return func(dense, sparse func()) (float64, float64, float64) {
		cmp := bench.Compare([]bench.Candidate{{Name: "dense", Fn: dense}, {Name: "sparse", Fn: sparse}}, bench.Options{Iterations: iterations, Warmup: 1})
		return cmp.Ratios[1].Median, float64(cmp.Results[0].P50.Nanoseconds()), float64(cmp.Results[1].P50.Nanoseconds())
	}
}
