//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// A plain function for tt.gradCheck, as PyTorch's gradcheck(f, inputs)
// takes any function of tensors: tt.gradCheck((x, w) => x.matmul(w).tanh(),
// x, w) checks the gradient autograd gives through the ops f calls (the
// engine's, or the cell's own tt.autograd.Function) against central
// differences (engine/gradcheck's Func).

// plainFunction is f with the arguments tt.gradCheck passes it: tensors,
// whose gradients are checked, and other values, passed as they are.
type plainFunction struct {
	fn   js.Value
	name string
	args []js.Value
}

// isPlainFunction reports whether v is a function that is not a class:
// a class extending tt.autograd.Function goes to gradcheck.Function, and
// any other class gets that path's error (a class cannot be called).
func isPlainFunction(v js.Value) bool {
	if kindOf(v) != kindFunction || v.Equal(functionBase) || functionBase.Call("isPrototypeOf", v).Bool() {
		return false
	}
	src := js.Global().Get("Function").Get("prototype").Get("toString").Call("call", v).String()
	return !strings.HasPrefix(src, "class")
}

// tensorInputs returns the tensor arguments, in order. A disposed one is
// left out; call then reports it when f reads it.
func (p *plainFunction) tensorInputs() []*tensor.Tensor {
	var inputs []*tensor.Tensor
	for _, a := range p.args {
		if t, ok := tensors.unwrap(a); ok {
			inputs = append(inputs, t)
		}
	}
	return inputs
}

// call runs f on the arguments as given (the check changes its tensor
// inputs in place, so the same JavaScript tensors carry the perturbed
// values) and reads its result: a tensor or an array of tensors.
func (p *plainFunction) call(...*tensor.Tensor) ([]*tensor.Tensor, error) {
	const want = "expected a tensor or an array of tensors"
	v, err := callJSAsIs(p.fn, toAnySlice(p.args)...)
	if err != nil {
		return nil, fmt.Errorf("%s threw %s", p.name, thrownText(err, p.name))
	}
	if isPromise(v) {
		return nil, fmt.Errorf("%s returned a Promise; %s, computed synchronously (no async)", p.name, want)
	}
	if t, ok := tensors.unwrap(v); ok {
		return []*tensor.Tensor{t}, nil
	}
	list, ok := elements(v)
	if kindOf(v) != kindArray || !ok || len(list) == 0 {
		return nil, fmt.Errorf("%s returned %s; %s", p.name, describeValue(v), want)
	}
	outs := make([]*tensor.Tensor, len(list))
	for i, item := range list {
		t, ok := tensors.unwrap(item)
		if !ok {
			return nil, fmt.Errorf("%s returned an array whose element %d is %s; %s", p.name, i, describeValue(item), want)
		}
		outs[i] = t
	}
	return outs, nil
}
