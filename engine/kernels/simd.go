package kernels

// The SIMD variants run the same packed algorithm as "parallel" (driver.go),
// with a micro-kernel written in assembly for the CPU's vector unit: one
// instruction multiplies and adds 8 (AVX2) or 16 (AVX-512) pairs of floats
// at once, and the tile of C held in vector registers is correspondingly
// larger. See simd_amd64.go and the .s files.

// simdGemm returns the variant that runs the packed algorithm with mk on
// Threads() goroutines.
func simdGemm(mk *microKernel) Func {
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if useDots(mk, transA, transB, m, n, k, alpha) {
			dots(mk.dot, available(), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
		packed(mk, available(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// bestKernel returns the fastest micro-kernel this machine can run: the
// first SIMD one, or the portable Go kernel.
func bestKernel() *microKernel {
	if ks := simdKernels(); len(ks) > 0 {
		return ks[0]
	}
	return goKernel
}

// SIMD names the micro-kernel behind the "simd" variant on this machine:
// "avx512" or "avx2" on amd64 CPUs with those features, otherwise "go4x4",
// the portable Go micro-kernel of "tiled".
func SIMD() string {
	return bestKernel().name
}
