package kernels

// The dot-product path: a second algorithm for the SIMD variants, for
// products C = A·Bᵀ where both A (m×k) and B (n×k) are stored row by row,
// k floats each, with few rows and a long k. A convolution's weight
// gradient is one: dWeight = dY·Xᵀ sums over every output position of a
// batch (thousands) for a few filters and window offsets. Packing (pack.go)
// would transpose both operands, nearly all of the data, to compute few
// outputs; here each output is a dot product of two rows read in place,
// 16 floats at a time, 4×4 outputs at once so that every load serves four
// multiply-adds.

// dotKernel computes the dot products of 4 rows of A (rows[0:4]) with 4
// rows of B (rows[4:8]), over k floats (a multiple of 16), into
// out[4j+i] = Σ_p A_i[p]·B_j[p], in a fixed order of summation.
type dotKernel func(k int, rows *[8]*float32, out *[16]float32)

// useDots reports whether the dot-product path suits a product: both
// operands stored along k (A not transposed, B transposed), and k at least
// 16 times A's rows. Then packing would copy nearly all the data to
// compute few outputs: on the convolution's weight gradients the dot
// products are 2 to 6 times faster. With more rows (a 128×128×1024
// product, or a Linear layer's forward pass on a batch of 64), packing
// pays for itself and is about as fast or faster.
func useDots(mk *microKernel, transA, transB bool, m, n, k int, alpha float32) bool {
	return mk.dot != nil && !transA && transB && alpha != 0 && k >= 64 && k >= 16*m && n > 0
}

// dots computes C = alpha·A·Bᵀ + beta·C with the dot-product kernel, on up
// to threads goroutines, each taking every threads-th 4×4 tile of C. A
// tile's rows past m (or columns past n) repeat the last row (column);
// their results are dropped. The last k mod 16 products of each dot
// product are added in Go, after the kernel's total, always in the same
// order: the result does not depend on the thread count.
func dots(dot dotKernel, threads, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tilesI, tilesJ := ceilDiv(m, 4), ceilDiv(n, 4)
	flops := 2 * float64(m) * float64(n) * float64(k)
	threads = max(1, min(threads, tilesI*tilesJ, int(flops/minFlopsPerThread)))
	kv := k &^ 15 // the part the kernel does
	parallelFor(threads, func(t int) {
		var rows [8]*float32
		var out [16]float32
		for tile := t; tile < tilesI*tilesJ; tile += threads {
			i0, j0 := tile/tilesJ*4, tile%tilesJ*4
			for r := range 4 {
				rows[r] = &a[min(i0+r, m-1)*lda]
				rows[4+r] = &b[min(j0+r, n-1)*ldb]
			}
			if kv > 0 {
				dot(kv, &rows, &out)
			}
			for i := i0; i < min(i0+4, m); i++ {
				for j := j0; j < min(j0+4, n); j++ {
					sum := out[4*(j-j0)+i-i0]
					if kv == 0 {
						sum = 0
					}
					ar, br := a[i*lda+kv:i*lda+k], b[j*ldb+kv:j*ldb+k]
					for p, v := range ar {
						sum += v * br[p]
					}
					if beta == 0 {
						c[i*ldc+j] = alpha * sum
					} else {
						c[i*ldc+j] = beta*c[i*ldc+j] + alpha*sum
					}
				}
			}
		}
	})
}
