package sparse

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"tinytorch/engine/bench"
	"tinytorch/engine/kernels"
)

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
// dense matmul (kernels.Matmul, the current kernel), interleaved by
// bench.Compare, and finds the highest density where sparse wins.
func Crossover(rows, cols, batch int, densities []float64, opt bench.Options) (CrossoverResult, error) {
	if rows <= 0 || cols <= 0 || batch <= 0 || len(densities) == 0 {
		return CrossoverResult{}, fmt.Errorf("sparse.Crossover: %d×%d weight, batch %d, %d densities; expected positive sizes and at least one density", rows, cols, batch, len(densities))
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
		cmp := bench.Compare([]bench.Candidate{
			{Name: "dense", Fn: func() { kernels.Matmul(false, true, batch, rows, cols, 1, x, cols, w, cols, 0, y, rows) }},
			{Name: "sparse", Fn: func() { _ = m.MulT(y, x, batch) }},
		}, opt)
		res.Points = append(res.Points, Point{Density: m.Density(), Speedup: cmp.Ratios[1].Median,
			DenseNs: float64(cmp.Results[0].P50.Nanoseconds()), SparseNs: float64(cmp.Results[1].P50.Nanoseconds())})
		if cmp.Ratios[1].Median > 1 {
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

// Table shows the measurement, one row per density.
func (r CrossoverResult) Table() *bench.Table {
	t := &bench.Table{Title: fmt.Sprintf("Sparse (CSR) against dense Linear, %d×%d weight, batch %d", r.Rows, r.Cols, r.Batch),
		Header: []string{"density", "dense µs", "sparse µs", "sparse speedup"}}
	for _, p := range r.Points {
		t.Add(fmt.Sprintf("%.3f", p.Density), p.DenseNs/1e3, p.SparseNs/1e3, fmt.Sprintf("%.2f×", p.Speedup))
	}
	t.Notes = append(t.Notes, r.String())
	return t
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
