//go:build js && wasm

// Command docs is the WebAssembly program that reads and writes notebook
// files for the page (package tinytorch/wasm/docs), in a Web Worker of its
// own. The page starts it only when it is needed — to download, open or
// share a notebook — so that the Markdown and Jupyter code does not slow
// the page's start.
package main

import "tinytorch/wasm/docs"

func main() {
	docs.Start()
	select {}
}
