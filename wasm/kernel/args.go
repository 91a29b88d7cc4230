//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
)

// Argument readers for bindings. Each names the function in its error, so
// a wrong call says which call and what was expected.

// floatArg reads args[i] as a number, or def when it is missing.
func floatArg(name string, args []js.Value, i int, what string, def float64) (float64, error) {
	v := arg(args, i)
	if missing(v) {
		return def, nil
	}
	x, err := toFloat(what, v)
	return x, prefix(name, err)
}

// intsFrom reads a list of integers given either as separate arguments
// from position i on — reshape(2, 3) — or as one array — reshape([2, 3]),
// the two forms PyTorch accepts.
func intsFrom(name string, args []js.Value, i int, what string) ([]int, error) {
	list := args[min(i, len(args)):]
	if len(list) == 1 {
		if items, ok := elements(list[0]); ok {
			list = items
		}
	}
	out, err := toInts(what, list)
	return out, prefix(name, err)
}

// prefix puts a function's name in front of a converter's error.
func prefix(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

func isArray(v js.Value) bool {
	t, _ := jsType(v)
	return t == js.TypeObject && arrayIsArray.Invoke(v).Bool()
}

// optionKeys lists the own enumerable keys of an options object (none
// for anything that is not an object).
func optionKeys(opts js.Value) []string {
	if t, _ := jsType(opts); t != js.TypeObject {
		return nil
	}
	keys := js.Global().Get("Object").Call("keys", opts)
	out := make([]string, keys.Length())
	for i := range out {
		out[i] = keys.Index(i).String()
	}
	return out
}
