package kernels

// Products with few rows of A, such as a convolution's forward pass (the
// filters, 6 or 16 rows in LeNet, times the unfolded input, thousands of
// columns): packing B would copy as many floats as the product reads, to
// serve only those few rows. A BlockKernel with BlockB reads B in place
// for them; A is still packed (it is small), and the k-blocks, the order
// of each dot product and the update of C are the packed path's, so the
// result is the same bits either way.

// unpackedBRows is the most rows of A for which Packed reads B in place:
// up to four panels of the browser kernel's 4 rows. With more rows each
// packed float of B serves enough of them to pay for the packing.
const unpackedBRows = 16

// unpackedB computes the columns of C that bk.BlockB can, the leading
// multiple of NR, when the product suits it (B not transposed, at most
// unpackedBRows rows), and returns how many columns it did: the packed
// path does the rest. C has already been scaled by beta.
func unpackedB(bk BlockKernel, mk *microKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) int {
	cols := n / mk.nr * mk.nr
	if bk.BlockB == nil || transB || m > unpackedBRows || cols == 0 {
		return 0
	}
	kc := mk.kBlock(k)
	mc := min(mk.mc, roundUp(m, mk.mr))
	ap := getBuf(kc * mc)
	defer putBuf(ap)
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		for ic := 0; ic < m; ic += mc {
			mb := min(mc, m-ic)
			packA(ap, a, lda, transA, ic, mb, pc, kb, mk.mr)
			bk.BlockB(kb, mb, cols, ap[:roundUp(mb, mk.mr)*kb], b[pc*ldb:], ldb, c[ic*ldc:], ldc, alpha)
		}
	}
	return cols
}
