package int8mm

import "tinytorch/engine/internal/cpu"

// nativeVariants returns the kernels in assembly this CPU can run, slowest
// first.
func nativeVariants() []*variant {
	var vs []*variant
	if cpu.HasAVX2FMA() {
		vs = append(vs, &variant{"avx2", avx2Kernel})
	}
	if cpu.HasAVX512VNNI() {
		vs = append(vs, &variant{"avx512vnni", vnniKernel})
	}
	return vs
}
