//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"
)

// Argument readers for bindings. Each names the function in its error, so
// a wrong call says which call and what was expected.

// intArg reads args[i] as an integer, or def when it is missing.
func intArg(name string, args []js.Value, i int, what string, def int) (int, error) {
	v := arg(args, i)
	if v.IsUndefined() || v.IsNull() {
		return def, nil
	}
	if v.Type() != js.TypeNumber || v.Float() != float64(v.Int()) {
		return 0, fmt.Errorf("%s: %s must be an integer, got %s", name, what, describeJS(v))
	}
	return v.Int(), nil
}

// needInt reads a required integer argument.
func needInt(name string, args []js.Value, i int, what string) (int, error) {
	if arg(args, i).IsUndefined() {
		return 0, fmt.Errorf("%s: missing %s (argument %d)", name, what, i+1)
	}
	return intArg(name, args, i, what, 0)
}

// floatArg reads args[i] as a number, or def when it is missing.
func floatArg(name string, args []js.Value, i int, what string, def float64) (float64, error) {
	v := arg(args, i)
	if v.IsUndefined() || v.IsNull() {
		return def, nil
	}
	if v.Type() != js.TypeNumber {
		return 0, fmt.Errorf("%s: %s must be a number, got %s", name, what, describeJS(v))
	}
	return v.Float(), nil
}

// boolArg reads args[i] as a boolean, or def when it is missing.
func boolArg(name string, args []js.Value, i int, what string, def bool) (bool, error) {
	v := arg(args, i)
	if v.IsUndefined() || v.IsNull() {
		return def, nil
	}
	if v.Type() != js.TypeBoolean {
		return false, fmt.Errorf("%s: %s must be true or false, got %s", name, what, describeJS(v))
	}
	return v.Bool(), nil
}

// intsFrom reads a list of integers given either as separate arguments
// from position i on — reshape(2, 3) — or as one array — reshape([2, 3]),
// the two forms PyTorch accepts.
func intsFrom(name string, args []js.Value, i int, what string) ([]int, error) {
	list := args[min(i, len(args)):]
	if len(list) == 1 && isArray(list[0]) {
		arr := list[0]
		list = make([]js.Value, arr.Length())
		for k := range list {
			list[k] = arr.Index(k)
		}
	}
	out := make([]int, len(list))
	for k, v := range list {
		if v.Type() != js.TypeNumber || v.Float() != float64(v.Int()) {
			return nil, fmt.Errorf("%s: %s must be integers, got %s at position %d", name, what, describeJS(v), k)
		}
		out[k] = v.Int()
	}
	return out, nil
}

// dimsArg reads the dims of a reduction: undefined or null means every
// dimension (nil), a number one dimension, an array several.
func dimsArg(name string, args []js.Value, i int) ([]int, error) {
	v := arg(args, i)
	if v.IsUndefined() || v.IsNull() {
		return nil, nil
	}
	if v.Type() == js.TypeNumber {
		d, err := intArg(name, args, i, "dim", 0)
		return []int{d}, err
	}
	if isArray(v) {
		return intsFrom(name, []js.Value{v}, 0, "dims")
	}
	return nil, fmt.Errorf("%s: dim must be a number or an array of numbers, got %s", name, describeJS(v))
}

// option reads a named field of an options object at args[i].
func option(args []js.Value, i int, key string) js.Value {
	v := arg(args, i)
	if v.Type() != js.TypeObject || isArray(v) {
		return js.Undefined()
	}
	return v.Get(key)
}

func isArray(v js.Value) bool {
	return v.Type() == js.TypeObject && js.Global().Get("Array").Call("isArray", v).Bool()
}

// describeJS names a JavaScript value's kind for an error message.
func describeJS(v js.Value) string {
	switch v.Type() {
	case js.TypeString:
		return fmt.Sprintf("the string %q", v.String())
	case js.TypeNumber:
		return fmt.Sprintf("the number %v", v.Float())
	case js.TypeObject:
		if isArray(v) {
			return "an array"
		}
		if _, ok := tensors.unwrap(v); ok {
			return "a tensor"
		}
		return "an object"
	}
	return v.Type().String()
}

// optionKeys lists the own enumerable keys of an options object (none
// for anything that is not an object).
func optionKeys(opts js.Value) []string {
	if opts.Type() != js.TypeObject {
		return nil
	}
	keys := js.Global().Get("Object").Call("keys", opts)
	out := make([]string, keys.Length())
	for i := range out {
		out[i] = keys.Index(i).String()
	}
	return out
}

// checkOptions rejects option names that are not in any of the known
// lists, naming the known ones.
func checkOptions(name string, o js.Value, known ...[]string) error {
	all := slices.Concat(known...)
	for _, key := range optionKeys(o) {
		if !slices.Contains(all, key) {
			return fmt.Errorf("%s: unknown option %q (known: %s)", name, key, strings.Join(all, ", "))
		}
	}
	return nil
}
