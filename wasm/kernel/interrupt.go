//go:build js && wasm

package kernel

import (
	"errors"
	"syscall/js"
)

// errInterrupted is thrown into a cell that the user stopped.
var errInterrupted = errors.New("KeyboardInterrupt: the cell was stopped")

// interruptFlag is how the page stops a running cell without losing the
// kernel's state. While a cell runs synchronously the worker cannot read
// messages, so the page also writes 1 into a SharedArrayBuffer that every
// tt call reads; while a cell awaits, the "interrupt" message arrives and
// the kernel stops waiting for it.
type interruptFlag struct {
	shared  js.Value // Int32Array over the SharedArrayBuffer, or undefined
	atomics js.Value
	// load is Atomics.load bound to (shared, 0): the check every tt call
	// makes is then one call into JavaScript, with no name to decode.
	load    js.Value
	waiting chan struct{} // closed by an interrupt message during an await
}

// interrupts is the kernel's one flag.
var interrupts = &interruptFlag{}

// attach keeps the shared buffer the page sent, if any.
func (f *interruptFlag) attach(buffer js.Value) {
	if buffer.Truthy() {
		f.shared = js.Global().Get("Int32Array").New(buffer)
		f.atomics = js.Global().Get("Atomics")
		f.load = f.atomics.Get("load").Call("bind", nil, f.shared, 0)
	}
}

// requested reports whether the page asked to stop the running cell.
func (f *interruptFlag) requested() bool {
	return f.shared.Truthy() && f.load.Invoke().Int() != 0
}

// check returns errInterrupted when a stop was requested; tt calls use it.
func (f *interruptFlag) check() error {
	if f.requested() {
		return errInterrupted
	}
	return nil
}

// clear resets the flag before a cell starts.
func (f *interruptFlag) clear() {
	if f.shared.Truthy() {
		f.atomics.Call("store", f.shared, 0, 0)
	}
	f.waiting = make(chan struct{})
}

// requestFromMessage handles an "interrupt" message: it wakes a cell that
// is waiting on a promise.
func (f *interruptFlag) requestFromMessage() {
	if f.waiting != nil {
		select {
		case <-f.waiting:
		default:
			close(f.waiting)
		}
	}
}
