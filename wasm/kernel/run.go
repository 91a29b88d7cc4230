//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
	"time"
)

// current is the id of the cell being run, to which display() and console
// output belong.
var current int

// runCell evaluates one cell in the worker's global scope and posts its
// value and completion. Indirect eval gives the completion value of the
// last statement, which is what a notebook shows.
func runCell(req runRequest) {
	current = req.id
	start := time.Now()
	value, err := evaluate(req)
	if err == nil && isThenable(value) {
		value, err = await(value)
	}
	ok := err == nil
	if ok {
		if out, shown := displayOutput(value); shown {
			postOutput(out)
		}
	} else {
		postOutput(errorOutput(err))
	}
	post(map[string]any{"type": "done", "id": req.id, "ok": ok, "ms": float64(time.Since(start).Microseconds()) / 1000})
}

// evaluate runs the code, turning a thrown JavaScript exception into err.
// The sourceURL comment makes stack traces name the cell.
func evaluate(req runRequest) (value js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = asJSError(r)
		}
	}()
	code := fmt.Sprintf("%s\n//# sourceURL=cell-%d.js", req.code, req.id)
	return js.Global().Call("eval", code), nil
}

// asJSError keeps a thrown JavaScript value as a js.Error and turns any
// other panic into an error.
func asJSError(r any) error {
	if e, ok := r.(js.Error); ok {
		return e
	}
	return fmt.Errorf("%v", r)
}

func isThenable(v js.Value) bool {
	return v.Type() == js.TypeObject && v.Get("then").Type() == js.TypeFunction
}

// await waits for a promise from a goroutine (never from a synchronous
// callback, which would deadlock the Go program).
func await(promise js.Value) (js.Value, error) {
	type settled struct {
		value js.Value
		err   error
	}
	done := make(chan settled, 1)
	resolve := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- settled{value: arg(args, 0)}
		return nil
	})
	reject := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- settled{err: js.Error{Value: arg(args, 0)}}
		return nil
	})
	defer resolve.Release()
	defer reject.Release()
	promise.Call("then", resolve, reject)
	s := <-done
	return s.value, s.err
}

// arg returns args[i], or undefined when there are fewer arguments.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}
