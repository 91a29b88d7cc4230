//go:build js && wasm

package page

import (
	"fmt"
	"syscall/js"
	"time"
)

// kernelConn is the page's side of the kernel worker.
type kernelConn struct {
	nb        *notebook
	worker    js.Value
	interrupt js.Value // Int32Array over a SharedArrayBuffer, when isolated
	ready     bool
	onMessage js.Func
	stopping  *time.Timer // restarts the kernel if a stop is not obeyed
}

// stopGrace is how long a stopped cell has to obey before the kernel is
// restarted. A cell obeys at its next tt call, within milliseconds, but
// the message saying so can wait behind other work on a busy machine: a
// Stop there took 1.6 s from the click to the cell's stopped state, and
// with one second a loaded machine sometimes restarted a kernel that was
// obeying, losing the student's variables. Two seconds is still quick
// for a loop with no tt call, which only a restart ends.
const stopGrace = 2 * time.Second

func newKernelConn(nb *notebook) *kernelConn {
	k := &kernelConn{nb: nb}
	k.onMessage = js.FuncOf(func(_ js.Value, args []js.Value) any {
		k.handle(args[0])
		return nil
	})
	return k
}

// isolated reports whether the page may share memory with the worker.
func isolated() bool { return js.Global().Get("crossOriginIsolated").Truthy() }

// start takes over the first worker, or with restart, a fresh one. When
// the page is cross-origin isolated it hands the worker an interrupt flag.
func (k *kernelConn) start(restart bool) {
	k.ready = false
	k.nb.setStatus("Kernel starting…")
	k.worker = js.Global().Get("tinytorch").Call("attach", k.onMessage, restart)
	k.interrupt = js.Undefined()
	var buffer any
	if isolated() {
		sab := js.Global().Get("SharedArrayBuffer").New(4)
		k.interrupt = js.Global().Get("Int32Array").New(sab)
		buffer = sab
	}
	k.send(map[string]any{"type": "init", "interrupt": buffer})
}

func (k *kernelConn) send(msg map[string]any) {
	k.worker.Call("postMessage", js.ValueOf(msg))
}

// post sends a message whose listed buffers (an uploaded file's
// ArrayBuffer) move to the worker instead of being copied.
func (k *kernelConn) post(msg map[string]any, transfer ...any) {
	k.worker.Call("postMessage", js.ValueOf(msg), transfer)
}

// run sends one cell to the kernel: its id, which never changes, and its
// number on the page now, which names it in stack traces ("cell 3, line
// 2") as the student sees it, even after cells were added or moved.
func (k *kernelConn) run(c *cell) {
	k.send(map[string]any{"type": "run", "id": c.uid, "number": c.index + 1, "code": c.code()})
}

// check sends the check of the exercise in cell c, to run in the scope
// its cell just ran in.
func (k *kernelConn) check(c *cell) {
	k.send(map[string]any{"type": "check", "id": c.uid, "number": c.index + 1, "code": c.ex.data.Check})
}

// handle routes a kernel message.
func (k *kernelConn) handle(msg js.Value) {
	nb := k.nb
	switch msg.Get("type").String() {
	case "ready":
		k.ready = true
		js.Global().Set("__ttReadyMs", now())
		js.Global().Set("__ttKernelSetupMs", msg.Get("setupMs"))
		js.Global().Set("__ttKernelTimes", msg.Get("times"))
		nb.doc.DocumentElement().SetAttribute("data-kernel", "ready")
		nb.setStatus(fmt.Sprintf("Kernel ready · TinyTorch %s", msg.Get("version").String()))
		nb.pump()
	case "output":
		if c := nb.byUID[msg.Get("id").Int()]; c != nil {
			c.out.add(msg.Get("output"))
		}
	case "done":
		k.cancelStopTimer()
		nb.finished(msg.Get("id").Int(), msg.Get("ok").Bool(), msg.Get("interrupted").Bool(), msg.Get("ms").Float())
	case "checked":
		k.cancelStopTimer()
		nb.checked(msg)
	case "fatal":
		nb.setStatus("The kernel stopped: " + msg.Get("message").String())
		nb.doc.DocumentElement().SetAttribute("data-kernel", "dead")
		nb.abandon("The kernel stopped: " + msg.Get("message").String())
	}
}

// stop asks the running cell to stop: through the shared flag, which every
// tt call reads, and a message, which ends a wait on a promise. A cell
// that does neither within stopGrace (a loop with no tt call) is stopped
// by restarting the kernel. Without isolation there is no flag, and the
// only way is a restart.
func (k *kernelConn) stop() {
	if !isolated() {
		k.nb.restart("This page is not cross-origin isolated, so Stop restarts the kernel: variables from earlier cells are lost.")
		return
	}
	js.Global().Get("Atomics").Call("store", k.interrupt, 0, 1)
	k.send(map[string]any{"type": "interrupt"})
	k.cancelStopTimer()
	running := k.nb.running
	k.stopping = time.AfterFunc(stopGrace, func() {
		if k.nb.running == running && running != nil {
			k.nb.restart(fmt.Sprintf("The cell did not stop within %v, so the kernel was restarted: variables from earlier cells are lost.", stopGrace))
		}
	})
}

func (k *kernelConn) cancelStopTimer() {
	if k.stopping != nil {
		k.stopping.Stop()
		k.stopping = nil
	}
}
