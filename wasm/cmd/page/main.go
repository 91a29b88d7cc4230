//go:build js && wasm

// Command page is the WebAssembly program of TinyTorch's notebook page: it
// runs on the main thread and turns the pre-rendered notebook into live
// cells (package tinytorch/wasm/page). It does not contain the engine, so
// it stays small and starts fast.
package main

import "tinytorch/wasm/page"

func main() {
	page.Start()
	select {}
}
