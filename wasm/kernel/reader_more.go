//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// More reads of the argument reader (reader.go), for the bindings of
// data, plots, profiles, benchmarks and displays: optional tensors,
// required strings, arrays of values and of numbers, and values a binding
// converts with a converter of its own.

// readValue converts v with conv, a missing v included (conv then says
// what was expected), keeping the error; the zero value after an error.
func readValue[T any](r *argReader, v js.Value, what string, conv func(string, js.Value) (T, error)) T {
	var zero T
	if !r.ok() {
		return zero
	}
	x, err := conv(what, v)
	if err != nil {
		r.fail(err)
		return zero
	}
	return x
}

// OptTensor reads an optional tensor argument (a number or an array is
// made a tensor), nil when it is missing.
func (r *argReader) OptTensor(i int, what string) *tensor.Tensor {
	if !r.Has(i) {
		return nil
	}
	return r.tensorValue(r.Value(i), what)
}

// NeedString reads a required string argument.
func (r *argReader) NeedString(i int, what string) string {
	if !r.need(i, what) {
		return ""
	}
	return r.String(i, what, "")
}

// Array reads the items of an array argument; anything else fails with
// "expected want, got …".
func (r *argReader) Array(i int, want string) []js.Value {
	list, ok := elements(r.Value(i))
	if r.ok() && (!ok || kindOf(r.Value(i)) != kindArray) {
		r.failf("expected %s, got %s", want, describeJS(r.Value(i)))
	}
	if !r.ok() {
		return nil
	}
	return list
}

// Floats reads a required number or array of numbers (a typed array
// too), such as a mean per channel.
func (r *argReader) Floats(i int, what string) []float64 {
	return readValue(r, r.Value(i), what, toFloats)
}

// Floats reads an option that is a number or an array of numbers, nil
// when it is missing.
func (o *optReader) Floats(key string) []float64 {
	return read(o.r, o.Value(key), key, nil, toFloats)
}

// toFloats reads a number, as a list of one, or an array of numbers.
func toFloats(what string, v js.Value) ([]float64, error) {
	if k := kindOf(v); k == kindNumber || k == kindBigInt {
		x, err := toFloat(what, v)
		return []float64{x}, err
	}
	list, ok := elements(v)
	if !ok {
		return nil, fmt.Errorf("%s must be a number or an array of numbers, got %s", what, describeJS(v))
	}
	out := make([]float64, len(list))
	for i, e := range list {
		x, err := toFloat(what, e)
		if err != nil {
			return nil, fmt.Errorf("%s must hold numbers, got %s at position %d", what, describeJS(e), i)
		}
		out[i] = x
	}
	return out, nil
}

// Range reads an option [min, max], zero when it is missing.
func (o *optReader) Range(key string) [2]float64 {
	return read(o.r, o.Value(key), key, [2]float64{}, toRange)
}

// toRange reads [min, max].
func toRange(what string, v js.Value) ([2]float64, error) {
	list, err := toFloats(what, v)
	if err != nil || len(list) != 2 || kindOf(v) != kindArray {
		return [2]float64{}, fmt.Errorf("%s must be an array [min, max], got %s", what, describeJS(v))
	}
	return [2]float64{list[0], list[1]}, nil
}

// NeedFunc reads a required function argument; anything else fails with
// "expected want, got …", want showing a call, such as "a function to
// time, such as tt.bench(() => a.matmul(b))".
func (r *argReader) NeedFunc(i int, want string) js.Value {
	v := r.Value(i)
	if r.ok() && kindOf(v) != kindFunction {
		r.failf("expected %s, got %s", want, describeJS(v))
	}
	return v
}
