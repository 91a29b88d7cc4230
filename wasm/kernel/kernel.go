//go:build js && wasm

// Package kernel is the part of TinyTorch that runs in a Web Worker. It
// exposes the tt API to cell code, runs the cells the page sends, and
// posts what they display back to the page.
//
// Protocol (all messages are plain objects):
//
//	page → kernel  {type: "init", interrupt}   a SharedArrayBuffer flag, when the page is isolated
//	               {type: "run", id, number, code}  one cell; the page sends the next after "done"
//	               {type: "check", id, number, code}  the check of the exercise in cell id, run like a cell
//	               {type: "interrupt"}          stop waiting for the running cell
//	               {type: "upload", id, name, bytes} or {type: "upload", id, error}
//	                                            the file a tt.upload button chose (upload.go)
//	kernel → page  {type: "ready", version}
//	               {type: "output", id, output} one display, stream, progress or error
//	               {type: "done", id, ok, ms, interrupted}
//	               {type: "checked", id, ok, ms, interrupted, summary, error, fields}  a check's end (messages.go)
//
// An output is shaped like a Jupyter output: {kind: "display", data:
// {mime: value, …}, displayId}, {kind: "stream", name, text},
// {kind: "error", name, message, stack, line} or {kind: "progress", …}.
package kernel

import (
	"syscall/js"
	"time"
)

// Version is TinyTorch's version, reported by tt.version().
const Version = "0.1.0"

// Start installs the tt API and the message handler, then tells the page
// the kernel is ready. It returns at once; cells run on a goroutine.
func Start() {
	started := time.Now()
	global := js.Global()
	tensors = newTensorBindings()
	global.Set("tt", newTT())
	global.Set("display", function("display", displayFunc))
	installConsole(global.Get("console"))

	runs := make(chan runRequest, 16)
	handle := func(msg js.Value) {
		switch msg.Get("type").String() {
		case "init":
			interrupts.attach(msg.Get("interrupt"))
		case "run", "check":
			id := msg.Get("id").Int()
			number := id + 1 // a page that does not send the number
			if n := getProp(msg, "number"); kindOf(n) == kindNumber {
				number = n.Int()
			}
			runs <- runRequest{id: id, number: number, code: msg.Get("code").String(), check: msg.Get("type").String() == "check"}
		case "interrupt":
			interrupts.requestFromMessage()
			cancelUploads()
		case "upload":
			receiveUpload(msg)
		}
	}
	global.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		handle(args[0].Get("data"))
		return nil
	}))
	early := global.Get("__ttEarly")
	for i := 0; i < early.Length(); i++ {
		handle(early.Index(i).Get("data"))
	}
	// One goroutine runs the cells, in the order they arrive.
	go func() {
		for req := range runs {
			runCell(req)
		}
	}()
	// setupMs is the time spent building tt, reported for the start-up budget.
	times := global.Get("__ttTimes")
	if typeOf(times) == js.TypeObject {
		times.Set("goStarted", global.Get("performance").Get("timeOrigin").Float()+global.Get("performance").Call("now").Float()-float64(time.Since(started).Microseconds())/1000)
	}
	post(map[string]any{"type": "ready", "version": Version, "setupMs": float64(time.Since(started).Microseconds()) / 1000, "times": times})
}

// post sends a message to the page.
func post(msg map[string]any) {
	js.Global().Call("postMessage", js.ValueOf(msg))
}
