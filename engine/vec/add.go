package vec

// Add adds src to dst element by element: dst[i] += src[i], for the first
// len(dst) elements of src (src must be at least as long). Each element is
// one float32 addition either way, so the AVX and Go loops agree exactly.
func Add(dst, src []float32) {
	src = src[:len(dst)]
	done := addSIMD(dst, src)
	addGo(dst[done:], src[done:])
}

// addGo is the reference loop.
func addGo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
