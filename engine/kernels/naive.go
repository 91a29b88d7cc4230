package kernels

// naive is the definition of the matrix product written as code: for each
// element (i, j) of C, the dot product of row i of op(A) with column j of
// op(B), summed left to right over p.
//
// It is correct and easy to check, and slow for two reasons the other
// variants fix one at a time:
//
//   - Memory: the inner loop walks op(B) down a column, jumping a whole row
//     (ldb floats) at every step, so nearly every load misses the cache once
//     B outgrows it. See blocked.go.
//   - Work per load: each multiply-add needs two fresh loads, while a CPU
//     can do several multiply-adds per load from registers. See tiled.go.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha == 0 {
		scaleC(m, n, beta, c, ldc) // the contract: A and B are not read
		return
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var sum float32
			for p := 0; p < k; p++ {
				sum += at(a, lda, transA, i, p) * at(b, ldb, transB, p, j)
			}
			c[i*ldc+j] = combine(alpha, sum, beta, c[i*ldc+j])
		}
	}
}

// combine returns alpha·sum + beta·old, reading old only when beta ≠ 0 so
// that beta = 0 overwrites NaN garbage. The float32 conversions stop the
// compiler from fusing the multiply and add (Go allows it to on some
// platforms), so every platform rounds the same way here.
func combine(alpha, sum, beta, old float32) float32 {
	if beta == 0 {
		return alpha * sum
	}
	return float32(alpha*sum) + float32(beta*old)
}
