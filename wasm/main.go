//go:build js && wasm

// Command wasm is TinyTorch's WebAssembly program. One binary plays two
// roles, chosen by its first argument (set by the JavaScript loader):
//
//   - "kernel", in a Web Worker: exposes the tt API and runs cells;
//   - "page", on the main thread: turns the notebook page into live cells.
package main

import (
	"os"

	"tinytorch/wasm/kernel"
	"tinytorch/wasm/page"
)

func main() {
	role := ""
	if len(os.Args) > 1 {
		role = os.Args[1]
	}
	switch role {
	case "kernel":
		kernel.Start()
	case "page":
		page.Start()
	default:
		println("tinytorch: unknown role", role, "- expected kernel or page")
		return
	}
	// Both roles work from callbacks; main must not return, or the Go
	// program exits and every callback fails.
	select {}
}
