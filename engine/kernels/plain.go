package kernels

// MatmulFunc is the simplest kernel a student writes: C = A·B for
// row-major matrices stored without gaps, A m×k in a (len m·k), B k×n in
// b (len k·n) and C m×n in c (len m·n). C's previous contents are garbage
// (NaN, say) and must be overwritten; with k = 0, C is all zeros. A and B
// must not be modified.
type MatmulFunc func(m, n, k int, a, b, c []float32)

// Plain turns a MatmulFunc into a Func that follows the whole contract, so
// that Use can put it behind every matrix product of the engine: a
// transposed or strided operand is first copied into a compact one, and
// alpha, beta and a strided C are applied around a call into a scratch
// buffer. The common case, C = A·B on compact matrices, calls fn on the
// caller's slices directly.
func Plain(fn MatmulFunc) Func {
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if m == 0 || n == 0 {
			return
		}
		if alpha == 0 || k == 0 {
			scaleC(m, n, beta, c, ldc) // the contract: A and B are not read
			return
		}
		ac, freeA := compact(a, lda, transA, m, k)
		bc, freeB := compact(b, ldb, transB, k, n)
		defer freeA()
		defer freeB()
		if alpha == 1 && beta == 0 && ldc == n {
			fn(m, n, k, ac, bc, c[:m*n:m*n])
			return
		}
		tmp := getBuf(m * n)
		defer putBuf(tmp)
		fn(m, n, k, ac, bc, tmp)
		for i := range m {
			for j, v := range tmp[i*n : (i+1)*n] {
				c[i*ldc+j] = combine(alpha, v, beta, c[i*ldc+j])
			}
		}
	}
}

// compact returns op(X), rows×cols, stored without gaps: x itself when it
// already is, otherwise a copy in a pooled buffer, and the function that
// gives the buffer back.
func compact(x []float32, ld int, trans bool, rows, cols int) ([]float32, func()) {
	if !trans && ld == cols {
		return x[: rows*cols : rows*cols], func() {}
	}
	buf := getBuf(rows * cols)
	for i := range rows {
		for j := range cols {
			buf[i*cols+j] = at(x, ld, trans, i, j)
		}
	}
	return buf, func() { putBuf(buf) }
}
