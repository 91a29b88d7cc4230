package int8mm

import (
	"sync/atomic"

	"tinytorch/engine/kernels"
)

// partOps is about the fewest multiply-adds worth a goroutine of their
// own: half a million, a few dozen microseconds of a kernel. A batch of
// 64 through a 784→128 layer (6.4 million) splits between two cores; a
// single sample, or the 128→10 layer, stays on one.
const partOps = 1 << 19

// rowGrain returns the fewest rows of C a part of an m×n×k product takes
// (kernels.Parallel's grain), and whether the product splits at all: into
// parts of at least partOps multiply-adds, on more than one goroutine
// (kernels.SetThreads). The products are exact integers, so the split
// changes the speed only. A product that does not split is called
// directly, without the closure that a split allocates.
func rowGrain(m, n, k int) (grain int, split bool) {
	grain = max(1, partOps/max(1, n*k))
	return grain, kernels.Threads() > 1 && m >= 2*grain
}

// SplitsRows reports whether Packed.MatMul and MatMulNarrow split an
// m×n×k product by rows of C between goroutines, with the current
// kernels.SetThreads.
func SplitsRows(m, n, k int) bool {
	_, split := rowGrain(m, n, k)
	return split
}

// byRows runs f on parts of C's m rows, [i0, i1), on the goroutines that
// kernels.Parallel lends.
func byRows(m, grain int, f func(i0, i1 int)) { kernels.Parallel(m, grain, f) }

// matMulRows is MatMul's kernel call, row part by row part.
func (p *Packed) matMulRows(fn func(c []int32, a, b []int8, sums []int32, m, n, k int), c []int32, a []int8, m int) {
	grain, split := rowGrain(m, p.n, p.k)
	if !split {
		fn(c, a, p.b, p.sums, m, p.n, p.k)
		return
	}
	byRows(m, grain, func(i0, i1 int) {
		fn(c[i0*p.n:], a[i0*p.k:], p.b, p.sums, i1-i0, p.n, p.k)
	})
}

// narrowRows is MatMulNarrow's kernel call, row part by row part: false
// if any part found a value outside the narrow range.
func (p *Packed) narrowRows(fn NarrowKernel, c []int32, a []int8, m int) bool {
	grain, split := rowGrain(m, p.n, p.k)
	if !split {
		return fn(c, a, p.b, p.sums, m, p.n, p.k)
	}
	var refused atomic.Bool
	byRows(m, grain, func(i0, i1 int) {
		if !fn(c[i0*p.n:], a[i0*p.k:], p.b, p.sums, i1-i0, p.n, p.k) {
			refused.Store(true)
		}
	})
	return !refused.Load()
}
