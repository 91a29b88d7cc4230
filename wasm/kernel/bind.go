//go:build js && wasm

package kernel

import (
	"fmt"
	"runtime"
	"syscall/js"
)

// binding is the Go side of one tt function or method: it returns the
// value to hand to JavaScript, or an error to throw there.
type binding func(this js.Value, args []js.Value) (any, error)

// function turns a binding into a JavaScript function named name (for
// messages). Its arguments reach the binding with every BigInt made a
// number (value.go), since syscall/js cannot read one. Errors and panics
// become a thrown Error in the caller; they never stop the kernel. The
// function is made once per binding and kept for the life of the kernel.
func function(name string, fn binding) js.Value {
	body := func(this js.Value, args []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				result = jsError(recovered(name, r))
			}
		}()
		if err := interrupts.check(); err != nil {
			return jsError(err)
		}
		streams.flushIfDue()
		args, err := withoutBigInts(args)
		if err != nil {
			return jsError(fmt.Errorf("%s: %w", name, err))
		}
		value, err := fn(this, args)
		if err != nil {
			discard(value)
			return jsError(err)
		}
		if value == nil {
			return js.Undefined() // a Go nil would reach JavaScript as null
		}
		return value
	}
	entries = append(entries, body)
	goFunc := js.FuncOf(func(this js.Value, args []js.Value) any {
		v := body(this, args)
		if m, ok := v.(madeInJS); ok {
			return makers[m.maker].object(m.handle) // made by Go on this path
		}
		return v
	})
	// __ttWrap (worker.js) throws an Error value returned by Go, since Go
	// cannot throw a JavaScript exception itself. Where it can, it enters
	// Go through ttEnter with the binding's index rather than through the
	// js.Func.
	return js.Global().Call("__ttWrap", goFunc, len(entries)-1, entryFrame, entryMade, makersJS)
}

// The fast way into Go. A call of a js.Func from JavaScript goes through
// syscall/js's event dispatch: Go's scheduler switches to a goroutine for
// the event, which reads the call's id, receiver and arguments from an
// event object, one lookup by name each, then waits for every other
// goroutine to be idle before returning. That costs about 10 µs, more than
// most tensor ops. ttEnter is a WebAssembly export (go:wasmexport), which
// JavaScript calls directly: __ttWrap puts the receiver and the arguments
// in entryFrame, calls ttEnter with the binding's index, and takes the
// result from the frame's first element.
//
// One difference matters: goroutines that a binding starts, or wakes,
// run while it runs and waits for them, but after ttEnter returns only
// when Go is next entered and yields (ttEnter yields every yieldEvery
// calls). No binding relies on them: tt's promises
// (promise in data_fetch.go) start their goroutine inside a js.Func, the
// Promise's executor, which still runs them until they wait.
var (
	// entryMade, in entryFrame[0], says that the result is an object for
	// JavaScript to make (madeInJS): its handle is in entryFrame[1], the
	// index of its maker in entryFrame[2].
	entryMade = js.Global().Get("Object").New()
	// entries holds each binding made by function, by its index.
	entries []func(this js.Value, args []js.Value) any
	// entryFrame carries [this, ...args] in and the result out.
	entryFrame = js.Global().Get("Array").New()
)

// ttEnter runs binding id on the receiver and the n arguments in
// entryFrame and leaves its result in entryFrame[0]. The frame is read
// before the binding runs, so calls it makes to other bindings may reuse
// it.
//
//go:wasmexport ttEnter
func ttEnter(id, n int32) {
	this := entryFrame.Index(0)
	args := make([]js.Value, n)
	for i := range args {
		args[i] = entryFrame.Index(i + 1)
	}
	result := entries[id](this, args)
	if m, ok := result.(madeInJS); ok {
		entryFrame.SetIndex(0, entryMade)
		entryFrame.SetIndex(1, m.handle)
		entryFrame.SetIndex(2, m.maker)
	} else {
		entryFrame.SetIndex(0, result)
	}
	// Let the other goroutines run now and then: the garbage collector's
	// mark workers are goroutines too, and when only exports entered Go
	// they never ran, so a collection could not finish and allocations
	// slowed down tenfold (relu of 64×128 took 245 µs instead of 18).
	// Every call would cost a scheduler round each; every yieldEvery is
	// enough for the collector.
	if entered++; entered%yieldEvery == 0 {
		runtime.Gosched()
	}
}

// JavaScript calls ttEnter; this use is for staticcheck, which does not
// count go:wasmexport as one.
var _ = ttEnter

// entered counts the calls through ttEnter.
var entered int

// yieldEvery is how many calls through ttEnter pass between two yields
// to the other goroutines.
const yieldEvery = 32

// jsError makes a JavaScript Error carrying err's message; a stop becomes
// an error named KeyboardInterrupt, as in Python.
func jsError(err error) js.Value {
	// An exception thrown by a callback (tidy, noGrad) passes through as it was.
	if e, ok := err.(js.Error); ok && e.Value.InstanceOf(js.Global().Get("Error")) {
		return e.Value
	}
	e := js.Global().Get("Error").New(cellMessage(err.Error()))
	if err == errInterrupted {
		e = js.Global().Get("Error").New("the cell was stopped")
		e.Set("name", "KeyboardInterrupt")
	}
	e.Set("ttFresh", true) // __ttWrap takes the stack again from the cell
	return e
}

// object makes a plain JavaScript object with the given functions.
func object(methods map[string]binding) js.Value {
	obj := js.Global().Get("Object").New()
	for name, fn := range methods {
		obj.Set(name, function(name, fn))
	}
	return obj
}

// toGo converts a JavaScript value into the Go values the engine accepts:
// numbers become float64, arrays []any, and other values are kept as a
// description so errors can name them.
func toGo(v js.Value) any {
	t, _ := jsType(v)
	switch t {
	case js.TypeNumber:
		return v.Float()
	case js.TypeString:
		return v.String()
	case js.TypeBoolean:
		return v.Bool()
	case js.TypeNull, js.TypeUndefined:
		return nil
	case js.TypeObject:
		if isArray(v) || isTypedArray(v) {
			out := make([]any, v.Length())
			for i := range out {
				out[i] = toGo(v.Index(i))
			}
			return out
		}
	}
	return describeJS(v)
}

// isTypedArray reports whether v is a Float32Array, Int32Array or similar.
func isTypedArray(v js.Value) bool {
	return arrayBufferIsView.Invoke(v).Bool() && !v.InstanceOf(dataViewClass)
}

// fromGo converts nested []any of float64 into JavaScript arrays.
func fromGo(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(list))
	for i, x := range list {
		out[i] = fromGo(x)
	}
	return out
}

// errorf is fmt.Errorf, named for bindings that build messages inline.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// stringsToJS converts strings for a JavaScript array.
func stringsToJS(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// madeInJS is a binding's result whose JavaScript object is made by
// __ttWrap (worker.js) rather than by Go: the value behind it is already
// in a handle table under handle, and makers[maker] says how to make
// its object. Go thus never holds a reference to the object (see
// handleTable.object), and the call saves the three calls into
// JavaScript that making it from Go takes. Only a binding's own result
// may be one; inside an array or an object, use handleTable.wrap.
type madeInJS struct{ maker, handle int }

// objectMaker makes the objects of one handle table with one prototype,
// or drops a handle whose object will not be made.
type objectMaker interface {
	object(handle int) js.Value
	drop(handle int)
}

// discard drops the handle of v, when it is a madeInJS that will never
// reach JavaScript (an error came after it was made).
func discard(v any) {
	if m, ok := v.(madeInJS); ok {
		makers[m.maker].drop(m.handle)
	}
}

var (
	// makers are the ways to make a madeInJS's object in Go (the js.Func
	// path), by index.
	makers []objectMaker
	// makersJS holds the same for JavaScript: {proto, field, register}.
	makersJS = js.Global().Get("Array").New()
)

// addMaker registers a way to make objects of prototype proto, with the
// handle in field and registered with register, and returns its index
// for madeInJS.
func addMaker(m objectMaker, proto js.Value, field string, register js.Value) int {
	makers = append(makers, m)
	makersJS.Call("push", map[string]any{"proto": proto, "field": field, "register": register})
	return len(makers) - 1
}
