package kernels

// The FMA loops of fmapeak_amd64.s: n rounds of 12 (AVX2, 8 floats each)
// or 24 (AVX-512, 16 floats each) independent fused multiply-adds.

//go:noescape
func fmaPeakAVX2(n int)

//go:noescape
func fmaPeakAVX512(n int)

// nativeFMALoops returns the FMA loops this CPU can run, widest first.
func nativeFMALoops() []fmaLoop {
	var ls []fmaLoop
	if hasAVX512 {
		ls = append(ls, fmaLoop{isa: "avx512", lanes: 16, flopsPerRound: 24 * 16 * 2, run: fmaPeakAVX512})
	}
	if hasAVX2FMA {
		ls = append(ls, fmaLoop{isa: "avx2", lanes: 8, flopsPerRound: 12 * 8 * 2, run: fmaPeakAVX2})
	}
	return ls
}
