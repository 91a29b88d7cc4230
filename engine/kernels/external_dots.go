package kernels

// The dot-product path of a BlockKernel (its Dots), the counterpart of
// dot.go's for kernels from outside the package: for C = A·Bᵀ with both
// operands stored along k, few rows and a long k (a convolution's weight
// gradient), each output is a dot product of two rows read in place, where
// packing would first transpose nearly all of the data in Go.

// UseExternalDots reports whether Packed computes a product with its
// BlockKernel's Dots (when it has them): A not transposed, B transposed,
// alpha not 0, k at least 64 and at least 16 times A's rows. It is
// useDots's test; a pass that must give Packed's bits (the browser's
// convolution gradient without columns) asks it too.
func UseExternalDots(transA, transB bool, m, k int, alpha float32) bool {
	return !transA && transB && alpha != 0 && k >= 64 && k >= 16*m
}

// externalDots computes C = alpha·A·Bᵀ + beta·C with dots on the leading
// multiple of 4 of k, then adds the last k mod 4 products of each dot
// product in Go, in order, and updates C as dot.go's dots does.
func externalDots(dots func(m, n, k int, a []float32, lda int, b []float32, ldb int, out []float32, ldo int),
	m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	kv := k &^ 3
	out := getBuf(m * n)
	defer putBuf(out)
	dots(m, n, kv, a, lda, b, ldb, out, n)
	for i := range m {
		for j := range n {
			sum := out[i*n+j]
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
