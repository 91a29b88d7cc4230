package int8mm

// The Go side of the AVX2 kernels (avx2_amd64.s).

//go:noescape
func avx2Dot2x4(a *int8, lda int, b *[4]*int8, k int, out *[16]int32)

//go:noescape
func avx2Dot1x4(a *int8, b *[4]*int8, k int, out *[4]int32)

// avx2Kernel is the "avx2" variant. The assembly stops at the last whole
// 16 bytes of the rows; tiles adds the last k mod 16 products (finish).
func avx2Kernel(c []int32, a, b []int8, _ []int32, m, n, k int) {
	if m == 0 || n == 0 || k == 0 {
		clear(c[:m*n])
		return
	}
	tiles(c, a, b, nil, m, n, k, isaAVX2)
}
