//go:build js && wasm

// Package kernel is the part of TinyTorch that runs in a Web Worker. It
// exposes the tt API to cell code, runs cells one at a time in the order
// they arrive, and posts what they display back to the page.
//
// Protocol (all messages are plain objects):
//
//	page → kernel  {type: "run", id, code}
//	kernel → page  {type: "ready", version}
//	               {type: "output", id, output}   one display, stream or error
//	               {type: "done", id, ok, ms}
//
// An output is shaped like a Jupyter output: {kind: "display", data:
// {"text/plain": …}}, {kind: "stream", name: "stdout", text} or
// {kind: "error", name, message, stack}.
package kernel

import (
	"syscall/js"
)

// Version is TinyTorch's version, reported by tt.version().
const Version = "0.1.0"

// runRequest is one cell to run.
type runRequest struct {
	id   int
	code string
}

// Start installs the tt API and the message handler, then tells the page
// the kernel is ready. It returns at once; cells run on a goroutine.
func Start() {
	global := js.Global()
	tensors = newTensorBindings()
	global.Set("tt", newTT())
	global.Set("display", js.FuncOf(displayFunc))
	installConsole(global.Get("console"))

	requests := make(chan runRequest, 64)
	global.Set("onmessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := args[0].Get("data")
		if msg.Get("type").String() == "run" {
			requests <- runRequest{id: msg.Get("id").Int(), code: msg.Get("code").String()}
		}
		return nil
	}))
	// One goroutine runs the cells, so a cell that awaits never lets the
	// next one start early.
	go func() {
		for req := range requests {
			runCell(req)
		}
	}()
	post(map[string]any{"type": "ready", "version": Version})
}

// post sends a message to the page.
func post(msg map[string]any) {
	js.Global().Call("postMessage", js.ValueOf(msg))
}
