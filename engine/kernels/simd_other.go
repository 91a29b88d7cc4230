//go:build !amd64

package kernels

// simdKernels returns no micro-kernels: assembly kernels exist for amd64
// only, so on other platforms (js/wasm included) "simd" runs the portable
// Go micro-kernel.
func simdKernels() []*microKernel { return nil }
