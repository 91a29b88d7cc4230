//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
)

// binding is the Go side of one tt function or method: it returns the
// value to hand to JavaScript, or an error to throw there.
type binding func(this js.Value, args []js.Value) (any, error)

// function turns a binding into a JavaScript function named name (for
// messages). Its arguments reach the binding with every BigInt made a
// number (value.go), since syscall/js cannot read one. Errors and panics
// become a thrown Error in the caller; they never stop the kernel. The js.Func is created once per binding and kept
// for the life of the kernel.
func function(name string, fn binding) js.Value {
	goFunc := js.FuncOf(func(this js.Value, args []js.Value) (result any) {
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
			return jsError(err)
		}
		if value == nil {
			return js.Undefined() // a Go nil would reach JavaScript as null
		}
		return value
	})
	// __ttWrap (worker.js) throws an Error value returned by Go, since Go
	// cannot throw a JavaScript exception itself.
	return js.Global().Call("__ttWrap", goFunc)
}

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
