package int8mm

// The Go side of the AVX-512 VNNI kernels (vnni_amd64.s).

//go:noescape
func vnniDot4x4(a *int8, lda int, b *[4]*int8, k int, out *[16]int32)

//go:noescape
func vnniDot1x4(a *int8, b *[4]*int8, k int, out *[4]int32)

//go:noescape
func vnniRowSum(b *int8, k int) int32

// vnniKernel is the "avx512vnni" variant. The assembly returns
// Σ (a+128)·b, so each column j loses 128·sums[j] (the sum of B's row j),
// from a Packed or computed here.
func vnniKernel(c []int32, a, b []int8, sums []int32, m, n, k int) {
	if m == 0 || n == 0 || k == 0 {
		clear(c[:m*n])
		return
	}
	if sums == nil {
		sums = make([]int32, n)
		for j := range sums {
			sums[j] = vnniRowSum(&b[j*k], k)
		}
	}
	tiles(c, a, b, m, n, k, 4, vnniDot4x4, vnniDot1x4, func(_, j int, v int32) int32 {
		return v - 128*sums[j]
	})
}
