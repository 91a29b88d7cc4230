package kernels

// The tiled variant is the blocked one with two more ideas, the ones every
// fast BLAS is built on:
//
//  1. Register tiling. The micro-kernel keeps a 2×4 tile of C in 8 local
//     variables, which the compiler keeps in registers. Each step p loads
//     2 floats of A and 4 of B and does 8 multiply-adds with them: two
//     loads per multiply-add in the naive loop become 6 loads per 8, and C is loaded and stored once per k-block instead of
//     at every step.
//  2. Packing (pack.go). The blocks of A and B are copied into contiguous
//     panels in the order the micro-kernel reads them, so its loads are
//     sequential whatever the strides or transposes, and the edges are
//     padded with zeros so it always works on full tiles.
//
// The loops around the micro-kernel are in driver.go; the same driver runs
// the parallel and SIMD variants with other micro-kernels.

// goKernel is the portable micro-kernel, in plain Go. Its tile is only 2×4:
// the Go compiler keeps at most 15 floats in registers on amd64, and the 8
// accumulators, 2 values of A and 4 of B just fit. A 4×4 tile needs 24
// and runs slower, as the compiler then spills accumulators to the stack
// at every step. (The SIMD micro-kernels, written in assembly, hold
// 12×32 and 6×16 tiles in vector registers.)
var goKernel = &microKernel{
	name: "go2x4",
	mr:   2, nr: 4,
	mc: 128, kc: 256, nc: 1024,
	fn: goMicro2x4,
}

// tiled runs the packed algorithm with the Go micro-kernel on one goroutine.
func tiled(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	packed(goKernel, 1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// goMicro2x4 does C[0:2, 0:4] += alpha·(Ap·Bp) for a packed 2×kc panel of A
// and a packed kc×4 panel of B (see microKernel): 8 multiply-adds per 6
// loads, against 1 per 2 loads in naive.
func goMicro2x4(kc int, a, b []float32, c []float32, ldc int, alpha float32) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	a, b = a[:kc*2], b[:kc*4]
	// Each iteration does two steps, p and p+1, which halves the loop's
	// own overhead (compare, branch, pointer updates): about 25% faster.
	// Checking the lengths in the loop condition lets the compiler drop
	// the bounds checks on a[0..3] and b[0..7].
	for len(a) >= 4 && len(b) >= 8 {
		a0, a1 := a[0], a[1]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[2], a[3]
		b0, b1, b2, b3 = b[4], b[5], b[6], b[7]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a, b = a[4:], b[8:]
	}
	if len(a) >= 2 && len(b) >= 4 { // odd kc: one step left
		a0, a1 := a[0], a[1]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	addRow4(c[0*ldc:], alpha, c00, c01, c02, c03)
	addRow4(c[1*ldc:], alpha, c10, c11, c12, c13)
}

// addRow4 does c[0:4] += alpha·(x0, x1, x2, x3), rounding each product
// before the add (the float32 conversion forbids a fused multiply-add),
// as microKernel requires.
func addRow4(c []float32, alpha, x0, x1, x2, x3 float32) {
	c = c[:4]
	c[0] += float32(alpha * x0)
	c[1] += float32(alpha * x1)
	c[2] += float32(alpha * x2)
	c[3] += float32(alpha * x3)
}
