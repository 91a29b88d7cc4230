package kernels

// Block sizes of the blocked variant. A blockedK×blockedN tile of B is
// 64×256 floats = 64 KiB: it stays in the L2 cache while every row of A's
// block streams past it, and the blockedN-float row of C being updated
// (1 KiB) stays in L1.
const (
	blockedM = 64
	blockedN = 256
	blockedK = 64
)

// blocked reorders naive's loops for the cache, without changing what is
// computed.
//
// Step 1, loop order i-k-j: for each row i of C and each p, add
// a(i,p)·(row p of B) to row i of C. The inner loop now walks B and C along
// rows, one cache line after the other, instead of down a column of B.
//
// Step 2, blocking: the i, k and j loops are cut into blocks so that the
// piece of B being reused (blockedK×blockedN) stays in cache while all the
// rows of A's block use it, instead of being fetched again from memory for
// every row of C.
//
// What is still slow: every multiply-add loads and stores its element of C.
// The tiled variant keeps a small tile of C in registers instead.
func blocked(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	scaleC(m, n, beta, c, ldc)
	if alpha == 0 {
		return
	}
	for i0 := 0; i0 < m; i0 += blockedM {
		i1 := min(i0+blockedM, m)
		for p0 := 0; p0 < k; p0 += blockedK {
			p1 := min(p0+blockedK, k)
			for j0 := 0; j0 < n; j0 += blockedN {
				j1 := min(j0+blockedN, n)
				for i := i0; i < i1; i++ {
					blockedRow(transA, transB, i, p0, p1, j0, j1, alpha, a, lda, b, ldb, c[i*ldc:])
				}
			}
		}
	}
}

// blockedRow adds alpha·op(A)[i, p0:p1]·op(B)[p0:p1, j0:j1] into crow, the
// row i of C.
func blockedRow(transA, transB bool, i, p0, p1, j0, j1 int, alpha float32, a []float32, lda int, b []float32, ldb int, crow []float32) {
	crow = crow[j0:j1]
	for p := p0; p < p1; p++ {
		aip := alpha * at(a, lda, transA, i, p)
		if transB {
			// op(B) row p is column p of the stored B: a strided walk, but
			// the block is small enough to stay in cache.
			for j := range crow {
				crow[j] += aip * b[(j0+j)*ldb+p]
			}
			continue
		}
		brow := b[p*ldb+j0 : p*ldb+j1]
		for j, bv := range brow {
			crow[j] += aip * bv
		}
	}
}
