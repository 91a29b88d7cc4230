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
	if missing(v) {
		return def, nil
	}
	n, err := toInt(what, v)
	return n, prefix(name, err)
}

// needInt reads a required integer argument.
func needInt(name string, args []js.Value, i int, what string) (int, error) {
	if missing(arg(args, i)) {
		return 0, fmt.Errorf("%s: missing %s (argument %d)", name, what, i+1)
	}
	return intArg(name, args, i, what, 0)
}

// floatArg reads args[i] as a number, or def when it is missing.
func floatArg(name string, args []js.Value, i int, what string, def float64) (float64, error) {
	v := arg(args, i)
	if missing(v) {
		return def, nil
	}
	x, err := toFloat(what, v)
	return x, prefix(name, err)
}

// boolArg reads args[i] as a boolean, or def when it is missing.
func boolArg(name string, args []js.Value, i int, what string, def bool) (bool, error) {
	v := arg(args, i)
	if missing(v) {
		return def, nil
	}
	b, err := toBool(what, v)
	return b, prefix(name, err)
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

// dimsArg reads the dims of a reduction: undefined or null means every
// dimension (nil), a number one dimension, an array several.
func dimsArg(name string, args []js.Value, i int) ([]int, error) {
	v := arg(args, i)
	switch kindOf(v) {
	case kindUndefined, kindNull:
		return nil, nil
	case kindNumber, kindBigInt:
		d, err := intArg(name, args, i, "dim", 0)
		return []int{d}, err
	case kindArray:
		return intsFrom(name, []js.Value{v}, 0, "dims")
	}
	return nil, fmt.Errorf("%s: dim must be a number or an array of numbers, got %s", name, describeJS(v))
}

// prefix puts a function's name in front of a converter's error.
func prefix(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

// option reads a named field of an options object at args[i].
func option(args []js.Value, i int, key string) js.Value {
	v := arg(args, i)
	if kindOf(v) != kindObject {
		return js.Undefined()
	}
	return getProp(v, key)
}

func isArray(v js.Value) bool {
	t, _ := jsType(v)
	return t == js.TypeObject && js.Global().Get("Array").Call("isArray", v).Bool()
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

// params reads a call's arguments given positionally, in a trailing
// options object, or both: x.topk(2, 0), x.topk(2, {dim: 0}). keys names
// the parameters in order; it returns one value per key (undefined when
// absent). An option key not in keys, or more positional arguments than
// keys, is an error.
func params(name string, args []js.Value, keys ...string) ([]js.Value, error) {
	n := len(args)
	o := js.Undefined()
	if n > 0 && isOptionsObject(args[n-1]) {
		o, n = args[n-1], n-1
	}
	if n > len(keys) {
		return nil, fmt.Errorf("%s: %d arguments, expected at most %d (%s)", name, n, len(keys), strings.Join(keys, ", "))
	}
	if !o.IsUndefined() {
		if err := checkOptions(name, o, keys); err != nil {
			return nil, err
		}
	}
	out := make([]js.Value, len(keys))
	for i, k := range keys {
		switch {
		case i < n && !o.IsUndefined() && !o.Get(k).IsUndefined():
			return nil, fmt.Errorf("%s: %s is given twice, as argument %d and as an option", name, k, i+1)
		case i < n:
			out[i] = args[i]
		case !o.IsUndefined():
			out[i] = o.Get(k)
		default:
			out[i] = js.Undefined()
		}
	}
	return out, nil
}
