package int8mm

import "tinytorch/engine/internal/cpu"

// nativeVariants returns the kernels in assembly this CPU can run, slowest
// first.
func nativeVariants() []*variant {
	var vs []*variant
	if cpu.HasAVX2FMA() {
		vs = append(vs, &variant{name: "avx2", fn: avx2Kernel})
	}
	if cpu.HasAVX512VNNI() {
		vs = append(vs, &variant{name: "avx512vnni", fn: vnniKernel})
	}
	return vs
}

//go:noescape
func vnniPeak(iters int)

//go:noescape
func avx2Peak(iters int)

// nativePeaks returns the peak loops of the native variants.
func nativePeaks() []Peak {
	var ps []Peak
	if cpu.HasAVX2FMA() {
		ps = append(ps, Peak{"vpmaddwd+vpaddd ymm", "avx2", 8 * 16 * 2, avx2Peak})
	}
	if cpu.HasAVX512VNNI() {
		ps = append(ps, Peak{"vpdpbusd zmm", "avx512vnni", 16 * 64 * 2, vnniPeak})
	}
	return ps
}
