//go:build !amd64

package kernels

// fmaLoops returns no loops: only amd64 has FMA loops in assembly here
// (the browser measures WebAssembly SIMD's with a module of its own).
func fmaLoops() []fmaLoop { return nil }
