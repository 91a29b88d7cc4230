//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// tensorBindings gives engine tensors a JavaScript face. Each JavaScript
// tensor is an object whose prototype holds the methods and whose _h field
// is a handle into a Go table; a FinalizationRegistry drops the Go tensor
// when JavaScript no longer holds the object.
type tensorBindings struct {
	proto    js.Value
	registry js.Value
	table    map[int]*tensor.Tensor
	next     int
}

// tensors is the kernel's one tensor table, made by Start: the bindings
// need the worker's JavaScript helpers, which the page role does not have.
var tensors *tensorBindings

func newTensorBindings() *tensorBindings {
	b := &tensorBindings{table: map[int]*tensor.Tensor{}}
	b.proto = object(map[string]binding{
		"matmul":   b.binary("matmul", (*tensor.Tensor).Matmul),
		"add":      b.binary("add", (*tensor.Tensor).Add),
		"toArray":  b.toArray,
		"item":     b.item,
		"toString": b.toString,
		"toJSON":   b.toArray,
	})
	shapeGetter := function("shape", func(this js.Value, _ []js.Value) (any, error) {
		t, err := b.self("shape", this)
		if err != nil {
			return nil, err
		}
		return intsToJS(t.Shape()), nil
	})
	js.Global().Get("Object").Call("defineProperty", b.proto, "shape", map[string]any{"get": shapeGetter})
	b.registry = js.Global().Get("FinalizationRegistry").New(js.FuncOf(func(_ js.Value, args []js.Value) any {
		delete(b.table, args[0].Int())
		return nil
	}))
	return b
}

// wrap gives a Go tensor a JavaScript object.
func (b *tensorBindings) wrap(t *tensor.Tensor) js.Value {
	b.next++
	b.table[b.next] = t
	obj := js.Global().Get("Object").Call("create", b.proto)
	obj.Set("_h", b.next)
	b.registry.Call("register", obj, b.next)
	return obj
}

// unwrap returns the Go tensor behind a JavaScript tensor object.
func (b *tensorBindings) unwrap(v js.Value) (*tensor.Tensor, bool) {
	if v.Type() != js.TypeObject || !b.proto.Call("isPrototypeOf", v).Bool() {
		return nil, false
	}
	t, ok := b.table[v.Get("_h").Int()]
	return t, ok
}

// self returns the receiver of a method call as a tensor.
func (b *tensorBindings) self(method string, this js.Value) (*tensor.Tensor, error) {
	t, ok := b.unwrap(this)
	if !ok {
		return nil, fmt.Errorf("%s: called on something that is not a tensor", method)
	}
	return t, nil
}

// operand turns a tensor or a plain number or array argument into a tensor.
func (b *tensorBindings) operand(op string, v js.Value) (*tensor.Tensor, error) {
	if t, ok := b.unwrap(v); ok {
		return t, nil
	}
	t, err := tensor.FromNested(toGo(v))
	if err != nil {
		return nil, fmt.Errorf("%s: the argument is neither a tensor nor a number array: %v", op, err)
	}
	return t, nil
}

// binary binds a method that combines the receiver with one operand.
func (b *tensorBindings) binary(name string, op func(t, u *tensor.Tensor) (*tensor.Tensor, error)) binding {
	return func(this js.Value, args []js.Value) (any, error) {
		t, err := b.self(name, this)
		if err != nil {
			return nil, err
		}
		if err := needArgs(name, args, 1, "one tensor or number"); err != nil {
			return nil, err
		}
		u, err := b.operand(name, args[0])
		if err != nil {
			return nil, err
		}
		out, err := op(t, u)
		if err != nil {
			return nil, err
		}
		return b.wrap(out), nil
	}
}

func (b *tensorBindings) toArray(this js.Value, _ []js.Value) (any, error) {
	t, err := b.self("toArray", this)
	if err != nil {
		return nil, err
	}
	return fromGo(t.ToNested()), nil
}

func (b *tensorBindings) item(this js.Value, _ []js.Value) (any, error) {
	t, err := b.self("item", this)
	if err != nil {
		return nil, err
	}
	x, err := t.Item()
	return float64(x), err
}

func (b *tensorBindings) toString(this js.Value, _ []js.Value) (any, error) {
	t, err := b.self("toString", this)
	if err != nil {
		return nil, err
	}
	return t.String(), nil
}

// create is tt.tensor(data): a tensor from a number or nested array.
func (b *tensorBindings) create(_ js.Value, args []js.Value) (any, error) {
	if err := needArgs("tt.tensor", args, 1, "a number or a nested array of numbers"); err != nil {
		return nil, err
	}
	t, err := tensor.FromNested(toGo(args[0]))
	if err != nil {
		return nil, fmt.Errorf("tt.tensor: %s", strings.TrimPrefix(err.Error(), "tensor: "))
	}
	return b.wrap(t), nil
}

// intsToJS converts a shape to a JavaScript array.
func intsToJS(shape []int) any {
	out := make([]any, len(shape))
	for i, d := range shape {
		out[i] = d
	}
	return out
}
