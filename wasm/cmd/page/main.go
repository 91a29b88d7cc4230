//go:build js && wasm

// Command page is the WebAssembly program of TinyTorch's notebook page: it
// runs on the main thread and turns the pre-rendered notebook into live
// cells (package tinytorch/wasm/page). It does not contain the engine, so
// it stays small and starts fast.
package main

import (
	"os"

	"tinytorch/wasm/page"
)

func main() {
	// The embed runtime (web/src/embed/runtime.js) starts the program
	// with the argument "embed" to mount cells embedded in another page.
	if len(os.Args) > 1 && os.Args[1] == "embed" {
		page.StartEmbed()
	} else {
		page.Start()
	}
	select {}
}
