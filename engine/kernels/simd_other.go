//go:build !amd64

package kernels

// simdKernels returns no micro-kernels: assembly kernels exist for amd64
// only, so on other platforms (js/wasm included) "simd" runs the portable
// Go micro-kernel.
func simdKernels() []*microKernel { return nil }

// transpose4 has no assembly here: scatter4Go does every step.
func transpose4(dst []float32, stride int, r0, r1, r2, r3 []float32) int { return 0 }
