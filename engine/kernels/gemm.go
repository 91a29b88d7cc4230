package kernels

import "fmt"

// Func is the signature every kernel variant shares. It computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// on row-major matrices, where op(A) is m×k, op(B) is k×n and C is m×n:
//
//   - A is stored m×k (lda ≥ k) when transA is false, and k×m (lda ≥ m)
//     when transA is true, so that op(A) = Aᵀ.
//   - B is stored k×n (ldb ≥ n) when transB is false, and n×k (ldb ≥ k)
//     when transB is true.
//   - C is stored m×n with ldc ≥ n.
//
// Element (r, c) of a stored matrix X is X[r*ldX+c]; only the elements
// inside the stated dimensions are read or written, so the slices may be
// windows into larger matrices.
//
// beta = 0 means "overwrite": C is then not read, and whatever it held,
// NaN included, is replaced. alpha = 0 or k = 0 means C = beta·C, and A and
// B are not read. C must not overlap A or B.
//
// Bad arguments (negative dimensions, a leading dimension shorter than its
// rows, a slice too short for the dimensions) panic with a message naming
// the argument. They are programmer errors, like an index out of range:
// the callers (the tensor package) check shapes and report user errors
// themselves, and an error result here would only add a branch to every
// call of the engine's hottest function for a case that cannot happen in
// a correct caller.
type Func func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// checkArgs panics with a clear message when the arguments break the
// contract of Func. name is the variant, for the message.
func checkArgs(name string, transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels.%s: negative dimension m=%d n=%d k=%d", name, m, n, k))
	}
	// Stored shapes: A is m×k or (transposed) k×m; B is k×n or n×k.
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	checkMatrix(name, "A", a, aRows, aCols, lda)
	checkMatrix(name, "B", b, bRows, bCols, ldb)
	checkMatrix(name, "C", c, m, n, ldc)
}

// checkMatrix panics unless x can hold a rows×cols matrix with leading
// dimension ld.
func checkMatrix(name, which string, x []float32, rows, cols, ld int) {
	if ld < max(cols, 1) {
		panic(fmt.Sprintf("kernels.%s: ld%s=%d is less than the %d columns of the stored %s (%d×%d)",
			name, lower(which), ld, cols, which, rows, cols))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("kernels.%s: len(%s)=%d is too short for a %d×%d matrix with ld%s=%d: need %d",
			name, lower(which), len(x), rows, cols, lower(which), ld, need))
	}
}

// lower turns the matrix name "A" into the argument prefix "a".
func lower(which string) string { return string(which[0] + 'a' - 'A') }

// scaleC does C = beta·C on the m×n matrix C. beta = 0 stores zeros
// without reading C, so NaN or Inf garbage is overwritten, as BLAS does.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// at returns element (r, c) of op(X) for a matrix stored with leading
// dimension ld, transposed or not. The simple variants use it; the fast
// ones pack their operands instead and never pay for this branch.
func at(x []float32, ld int, trans bool, r, c int) float32 {
	if trans {
		return x[c*ld+r]
	}
	return x[r*ld+c]
}
