//go:build js && wasm

// Command kernel is the WebAssembly program of TinyTorch's kernel: it runs
// in a Web Worker, exposes the tt API and runs cells (package
// tinytorch/wasm/kernel).
package main

import "tinytorch/wasm/kernel"

func main() {
	kernel.Start()
	// The kernel works from callbacks; main must not return, or the Go
	// program exits and every callback fails.
	select {}
}
