package sparse

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"tinytorch/engine/kernels"
)

// Timer times dense against sparse, interleaved so that a slow spell of
// the machine slows both alike, and returns dense's time over sparse's
// (above 1: sparse is faster) and their median times per call in
// nanoseconds. engine/bench's Compare is one (the callers, make bench and
// tt.prune.crossover, pass it in: chapter 10's package does not import
// chapter 12's harness).
type Timer func(dense, sparse func()) (speedup, denseNs, sparseNs float64)

// Point is one density of a Crossover measurement.
type Point struct {
	Density float64 // fraction of nonzero weights
	// Speedup is the dense kernel's time over the sparse one's (above 1:
	// sparse is faster), the median of rounds that time both alike.
	Speedup float64
	// DenseNs and SparseNs are the median times per product.
	DenseNs, SparseNs float64
}

// CrossoverResult is where the sparse kernel starts to pay.
type CrossoverResult struct {
	Rows, Cols, Batch int
	Kernel            string // the dense kernel (kernels.Current)
	Threads           int    // its threads (the sparse kernel uses one)
	Points            []Point
	// Crossover is the highest density measured at which the sparse
	// kernel beats the dense one, 0 if none.
	Crossover float64
}

// String reads "sparse beats dense (simd, 1 thread) at density ≤ 0.2 …".
func (r CrossoverResult) String() string {
	return fmt.Sprintf("%d×%d weight, batch %d: the sparse kernel beats the dense one (%s, %d thread(s)) at density ≤ %.3g",
		r.Rows, r.Cols, r.Batch, r.Kernel, r.Threads, r.Crossover)
}

// Crossover times y = x·Wᵀ for a rows×cols weight of each density
// (random positions, seeded) with the CSR kernel against the engine's
// dense matmul (kernels.Matmul, the current kernel) with timer, and finds
// the highest density where sparse wins.
func Crossover(rows, cols, batch int, densities []float64, timer Timer) (CrossoverResult, error) {
	if rows <= 0 || cols <= 0 || batch <= 0 || len(densities) == 0 || timer == nil {
		return CrossoverResult{}, fmt.Errorf("sparse.Crossover: %d×%d weight, batch %d, %d densities; expected positive sizes, at least one density and a timer", rows, cols, batch, len(densities))
	}
	res := CrossoverResult{Rows: rows, Cols: cols, Batch: batch, Kernel: kernels.Current(), Threads: kernels.Threads()}
	rng := rand.New(rand.NewPCG(7, uint64(rows*cols)))
	x := random(rng, batch, cols, 1)
	y := make([]float32, batch*rows)
	for _, d := range densities {
		if !(d > 0 && d <= 1) {
			return CrossoverResult{}, fmt.Errorf("sparse.Crossover: density %v, expected in (0, 1]", d)
		}
		w := random(rng, rows, cols, d)
		m, err := FromDense(w, rows, cols)
		if err != nil {
			return CrossoverResult{}, err
		}
		p := Point{Density: m.Density()}
		p.Speedup, p.DenseNs, p.SparseNs = timer(
			func() { kernels.Matmul(false, true, batch, rows, cols, 1, x, cols, w, cols, 0, y, rows) },
			func() { _ = m.MulT(y, x, batch) })
		res.Points = append(res.Points, p)
		if p.Speedup > 1 {
			res.Crossover = max(res.Crossover, m.Density())
		}
	}
	slices.SortFunc(res.Points, func(a, b Point) int {
		switch {
		case a.Density < b.Density:
			return -1
		case a.Density > b.Density:
			return 1
		}
		return 0
	})
	return res, nil
}

// random returns a rows×cols matrix of which about density are nonzero.
func random(rng *rand.Rand, rows, cols int, density float64) []float32 {
	w := make([]float32, rows*cols)
	for i := range w {
		if rng.Float64() < density {
			w[i] = float32(rng.NormFloat64())
		}
	}
	return w
}
