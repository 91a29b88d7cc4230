//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
	"time"
)

// runRequest is one cell to run, or an exercise's check.
type runRequest struct {
	id     int // the cell's id on the page, for its outputs
	number int // the cell's number on the page, for stack traces
	code   string
	// check marks the hidden check of the exercise in cell id: it runs
	// in the same scope, and its end is reported as a "checked" message
	// (checkResult) instead of an error output and "done".
	check bool
}

// current is the id of the cell being run, to which display() and console
// output belong.
var current int

// runCell compiles and evaluates one cell and posts its value and
// completion. The compiler (web/src/kernel/compile.js) gives the notebook
// semantics: a shared scope, top-level await, the last expression's value.
func runCell(req runRequest) {
	current = req.id
	interrupts.clear()
	start := time.Now()
	value, err := evaluate(req)
	if err == nil {
		value, err = await(value)
	}
	streams.flush()
	if req.check {
		post(checkResult(req.id, value, err, time.Since(start)))
		return
	}
	ok := err == nil
	if ok {
		if out, shown := displayOutput(value); shown {
			postOutput(out)
		}
	} else {
		postOutput(errorOutput(err))
	}
	post(map[string]any{
		"type": "done", "id": req.id, "ok": ok,
		"interrupted": err == errInterrupted || isInterruptError(err),
		"ms":          float64(time.Since(start).Microseconds()) / 1000,
	})
}

// evaluate compiles the cell and starts it; it returns the promise of the
// cell's value, or the error thrown while compiling or starting.
func evaluate(req runRequest) (value js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = asJSError(r)
		}
	}()
	name := fmt.Sprintf("cell-%d.js", req.number)
	if req.check {
		// Not "cell-": a failure's stack then shows only the calls into
		// the student's cells, where the mistake is.
		name = fmt.Sprintf("check-%d.js", req.number)
	}
	code := js.Global().Call("__ttCompile", req.code, name)
	return js.Global().Call("eval", code), nil
}

// asJSError keeps a thrown JavaScript value as a js.Error and turns any
// other panic into an error.
func asJSError(r any) error {
	if e, ok := r.(js.Error); ok {
		if typeOf(e.Value) != js.TypeObject {
			// A thrown string or number has no message for js.Error to
			// read (it would panic): name the value instead.
			return fmt.Errorf("the function threw %s", describeJS(e.Value))
		}
		return e
	}
	return fmt.Errorf("%v", r)
}

// await waits for a promise from the cell goroutine (never from a
// synchronous callback, which would deadlock the Go program). An
// interrupt message ends the wait early: the cell's promise is abandoned
// and the kernel is free for the next cell.
func await(promise js.Value) (js.Value, error) {
	if typeOf(promise) != js.TypeObject || typeOf(getProp(promise, "then")) != js.TypeFunction {
		return promise, nil
	}
	type settled struct {
		value js.Value
		err   error
	}
	done := make(chan settled, 1)
	resolve := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{value: arg(args, 0)}
		return nil
	})
	reject := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{err: js.Error{Value: arg(args, 0)}}
		return nil
	})
	defer resolve.Release()
	defer reject.Release()
	promise.Call("then", resolve, reject)
	select {
	case s := <-done:
		return s.value, s.err
	case <-interrupts.waiting:
		return js.Undefined(), errInterrupted
	}
}

// isInterruptError reports whether a JavaScript error is the one tt calls
// throw after a stop.
func isInterruptError(err error) bool {
	e, ok := err.(js.Error)
	return ok && typeOf(e.Value) == js.TypeObject && getProp(e.Value, "name").String() == "KeyboardInterrupt"
}

// arg returns args[i], or undefined when there are fewer arguments.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}
