package int8mm

// The Go side of the AVX2 kernels (avx2_amd64.s).

//go:noescape
func avx2Dot2x4(a *int8, lda int, b *[4]*int8, k int, out *[16]int32)

//go:noescape
func avx2Dot1x4(a *int8, b *[4]*int8, k int, out *[4]int32)

// avx2Kernel is the "avx2" variant. The assembly stops at the last whole
// 16 bytes of the rows; the last k mod 16 products are added here.
func avx2Kernel(c []int32, a, b []int8, _ []int32, m, n, k int) {
	if m == 0 || n == 0 || k == 0 {
		clear(c[:m*n])
		return
	}
	whole := k &^ 15
	tiles(c, a, b, m, n, k, 2, avx2Dot2x4, avx2Dot1x4, func(i, j int, v int32) int32 {
		ai, bj := a[i*k+whole:i*k+k], b[j*k+whole:j*k+k]
		for p, x := range ai {
			v += int32(x) * int32(bj[p])
		}
		return v
	})
}
