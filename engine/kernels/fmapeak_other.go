//go:build !amd64

package kernels

// nativeFMALoops returns no loops: only amd64 has FMA loops in assembly
// here (the browser registers WebAssembly SIMD's with RegisterRoof).
func nativeFMALoops() []fmaLoop { return nil }
