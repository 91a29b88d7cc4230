package kernels

import "tinytorch/engine/internal/cpu"

// hasAVX2FMA and hasAVX512 say which micro-kernels this CPU can run
// (engine/internal/cpu detects them once, at start-up).
var hasAVX2FMA, hasAVX512 = cpu.HasAVX2FMA(), cpu.HasAVX512()

// The assembly micro-kernels (avx512_amd64.s, avx2_amd64.s) trust their
// pointers; the Go wrappers below check the slices first.

//go:noescape
func avx512Micro12x32(kc int, a, b, c *float32, ldc int, alpha float32, ldb int)

//go:noescape
func avx512Micro6x32(kc int, a, b, c *float32, ldc int, alpha float32, ldb int)

//go:noescape
func avx512Dot4x4(k int, rows *[8]*float32, out *[16]float32)

//go:noescape
func avx2Micro6x16(kc int, a, b, c *float32, ldc int, alpha float32)

// avx512Kernel keeps a 12×32 tile of C in 24 zmm registers. A kc×32 B panel
// (32 KiB at kc = 256) fits the 48 KiB L1 cache of a Zen 5 core; the
// mc×kc block of A (240 KiB) fits its 1 MiB L2.
var avx512Kernel = &microKernel{
	name: "avx512",
	mr:   12, nr: 32,
	mc: 240, kc: 256, nc: 2048,
	fn: func(kc int, a, b, c []float32, ldc int, alpha float32) {
		_, _, _ = a[12*kc-1], b[32*kc-1], c[11*ldc+31] // bounds checks
		avx512Micro12x32(kc, &a[0], &b[0], &c[0], ldc, alpha, 32)
	},
	halfRows: 6,
	half: func(kc int, a, b, c []float32, ldc int, alpha float32) {
		_, _, _ = a[12*kc-1], b[32*kc-1], c[5*ldc+31] // bounds checks
		avx512Micro6x32(kc, &a[0], &b[0], &c[0], ldc, alpha, 32)
	},
	fnB: func(kc int, a, b, c []float32, ldc int, alpha float32, ldb int) {
		_, _, _ = a[12*kc-1], b[(kc-1)*ldb+31], c[11*ldc+31] // bounds checks
		avx512Micro12x32(kc, &a[0], &b[0], &c[0], ldc, alpha, ldb)
	},
	halfB: func(kc int, a, b, c []float32, ldc int, alpha float32, ldb int) {
		_, _, _ = a[12*kc-1], b[(kc-1)*ldb+31], c[5*ldc+31] // bounds checks
		avx512Micro6x32(kc, &a[0], &b[0], &c[0], ldc, alpha, ldb)
	},
	dot: avx512Dot4x4,
}

// avx2Kernel keeps a 6×16 tile of C in 12 ymm registers.
var avx2Kernel = &microKernel{
	name: "avx2",
	mr:   6, nr: 16,
	mc: 240, kc: 256, nc: 2048,
	fn: func(kc int, a, b, c []float32, ldc int, alpha float32) {
		_, _, _ = a[6*kc-1], b[16*kc-1], c[5*ldc+15] // bounds checks
		avx2Micro6x16(kc, &a[0], &b[0], &c[0], ldc, alpha)
	},
}

// simdKernels returns the assembly micro-kernels this CPU can run, fastest
// first.
func simdKernels() []*microKernel {
	var ks []*microKernel
	if hasAVX512 {
		ks = append(ks, avx512Kernel)
	}
	if hasAVX2FMA {
		ks = append(ks, avx2Kernel)
	}
	return ks
}

//go:noescape
func transpose4AVX(dst *float32, stride int, r0, r1, r2, r3 *float32, n int)

// transpose4 does scatter4's leading multiple of 4 steps with
// transpose4AVX where the CPU has AVX, and returns how many it did. A
// packed panel's rows are at least 4 floats apart (stride ≥ 4), so the
// 16-byte stores never overlap.
func transpose4(dst []float32, stride int, r0, r1, r2, r3 []float32) int {
	n := len(r0) &^ 3
	if !hasAVX2FMA || n == 0 || stride < 4 {
		return 0
	}
	_, _, _, _ = dst[(n-1)*stride+3], r1[n-1], r2[n-1], r3[n-1] // bounds checks
	transpose4AVX(&dst[0], stride, &r0[0], &r1[0], &r2[0], &r3[0], n)
	return n
}
