//go:build js && wasm

package kernel

import (
	"fmt"
	"sort"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// tensorBindings gives engine tensors a JavaScript face. Each JavaScript
// tensor is an object whose prototype holds the methods (tensor_methods.go)
// and whose _h field is a handle into a handle table (handles.go). A
// tensor leaves the table when the cell calls dispose(), when the tt.tidy
// scope that made it ends, or, as a safety net, when JavaScript
// garbage-collects the object. Once out of the table the Go garbage
// collector frees it, unless the autograd graph still needs it.
type tensorBindings struct {
	proto js.Value
	table *handleTable[*tensor.Tensor]
	// methodNames lists the prototype's methods, sorted, for tt's
	// functional forms.
	methodNames []string
	maker       int // the index of b in makers
}

// tensors is the kernel's one tensor table, made by Start: the bindings
// need the worker's JavaScript helpers, which the page role does not have.
var tensors *tensorBindings

func newTensorBindings() *tensorBindings {
	b := &tensorBindings{table: newHandleTable[*tensor.Tensor]("_h", nil)}
	methods := b.methods()
	b.proto = object(methods)
	for name := range methods {
		b.methodNames = append(b.methodNames, name)
	}
	sort.Strings(b.methodNames)
	b.maker = addMaker(b, b.proto, b.table.field, b.table.register)
	for name, get := range b.properties() {
		getter := function(name, func(this js.Value, _ []js.Value) (any, error) {
			t, err := b.self(name, this)
			if err != nil {
				return nil, err
			}
			return get(t), nil
		})
		js.Global().Get("Object").Call("defineProperty", b.proto, name, map[string]any{"get": getter})
	}
	return b
}

// wrap gives a Go tensor a JavaScript object. The cell may keep it as
// long as it likes, so no training step gives its buffer back to the pool
// (tensor.MarkHeld).
func (b *tensorBindings) wrap(t *tensor.Tensor) js.Value {
	t.MarkHeld()
	return b.table.wrap(b.proto, t)
}

// object makes the JavaScript object of a handle of the table
// (objectMaker, for madeInJS).
func (b *tensorBindings) object(handle int) js.Value { return b.table.object(b.proto, handle) }

// drop takes a handle out of the table (objectMaker, for madeInJS).
func (b *tensorBindings) drop(handle int) { b.table.drop(handle) }

// result gives t, a binding's own result, an object that JavaScript makes
// (madeInJS).
func (b *tensorBindings) result(t *tensor.Tensor) madeInJS {
	t.MarkHeld() // as in wrap
	return madeInJS{maker: b.maker, handle: b.table.record(t)}
}

// wrapResult gives the result of an engine call that may fail, a
// binding's own result, its object (result).
func (b *tensorBindings) wrapResult(t *tensor.Tensor, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return b.result(t), nil
}

// unwrap returns the Go tensor behind a JavaScript tensor object.
func (b *tensorBindings) unwrap(v js.Value) (*tensor.Tensor, bool) {
	if b == nil {
		return nil, false
	}
	return b.table.getOf(b.proto, v)
}

// isTensorObject reports whether v is a JavaScript tensor, live or disposed.
func (b *tensorBindings) isTensorObject(v js.Value) bool {
	t, _ := jsType(v)
	return b != nil && t == js.TypeObject && hasPrototype(b.proto, v)
}

// self returns the receiver of a method call as a tensor.
func (b *tensorBindings) self(method string, this js.Value) (*tensor.Tensor, error) {
	if t, ok := b.unwrap(this); ok {
		return t, nil
	}
	if b.isTensorObject(this) {
		return nil, fmt.Errorf("%s: the tensor was disposed", method)
	}
	return nil, fmt.Errorf("%s: called on %s, which is not a tensor", method, describeJS(this))
}

// operand turns a tensor, a number or a nested array argument into a tensor.
func (b *tensorBindings) operand(op string, v js.Value) (*tensor.Tensor, error) {
	if t, ok := b.unwrap(v); ok {
		return t, nil
	}
	switch kindOf(v) {
	case kindDisposedTensor:
		return nil, fmt.Errorf("%s: the tensor argument was disposed", op)
	case kindObject, kindFunction, kindSymbol, kindString, kindUndefined, kindNull, kindBool:
		return nil, fmt.Errorf("%s: expected a tensor, a number or an array of numbers, got %s", op, describeJS(v))
	}
	t, err := tensor.FromNested(toGo(v))
	if err != nil {
		return nil, fmt.Errorf("%s: the argument is neither a tensor nor a number array: %v", op, err)
	}
	return t, nil
}

// operands reads an array of tensors, for cat and stack.
func (b *tensorBindings) operands(op string, v js.Value) ([]*tensor.Tensor, error) {
	if !isArray(v) {
		return nil, fmt.Errorf("%s: expected an array of tensors, got %s", op, describeJS(v))
	}
	out := make([]*tensor.Tensor, v.Length())
	for i := range out {
		t, err := b.operand(fmt.Sprintf("%s: element %d", op, i), v.Index(i))
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// dispose drops a tensor from the table; using it afterwards is an error.
func (b *tensorBindings) dispose(this js.Value, _ []js.Value) (any, error) {
	if b.isTensorObject(this) {
		b.table.drop(b.table.handle(this))
	}
	return nil, nil
}

// tidy is tt.tidy(fn): every tensor made while fn runs is disposed when it
// returns, except the tensors in its result (a tensor, or an array or
// object holding tensors), as in TensorFlow.js.
func (b *tensorBindings) tidy(_ js.Value, args []js.Value) (any, error) {
	fn := arg(args, 0)
	if kindOf(fn) != kindFunction {
		return nil, fmt.Errorf("tt.tidy: expected a function, got %s", describeJS(fn))
	}
	b.table.openScope()
	result, err := callJSAsIs(fn)
	if err != nil {
		b.table.closeScope(nil)
		return nil, err
	}
	if isPromise(result) {
		b.table.leaveScope() // what the function made stays live
		return nil, fmt.Errorf("tt.tidy: the function must not be async: tensors made after an await could not be tracked")
	}
	keep := map[int]bool{}
	b.collectHandles(result, keep, 0)
	// Kept tensors belong to the enclosing scope, if there is one.
	b.table.closeScope(keep)
	return result, nil
}

// keep is tt.keep(t), TensorFlow.js's tf.keep: t is taken out of every
// open tt.tidy scope, so it outlives them (until disposed, or collected
// once JavaScript no longer holds it). It returns t.
func (b *tensorBindings) keep(_ js.Value, args []js.Value) (any, error) {
	v := arg(args, 0)
	if _, ok := b.unwrap(v); !ok {
		return nil, fmt.Errorf("tt.keep: expected a live tensor, got %s", describeJS(v))
	}
	b.table.keep(b.table.handle(v))
	return v, nil
}

// keepAll keeps every tensor found in v (tt.keep), as far as
// collectHandles looks: a cell optimizer's state Map after each step.
func (b *tensorBindings) keepAll(v js.Value) {
	found := map[int]bool{}
	if kindOf(v) == kindObject && v.InstanceOf(js.Global().Get("Map")) {
		v = js.Global().Get("Array").Call("from", v.Call("values"))
	}
	b.collectHandles(v, found, 0)
	for id := range found {
		b.table.keep(id)
	}
}

// collectHandles finds the tensors in a value returned from tidy.
func (b *tensorBindings) collectHandles(v js.Value, into map[int]bool, depth int) {
	if t, _ := jsType(v); t != js.TypeObject || depth > 4 {
		return
	}
	if _, ok := b.unwrap(v); ok {
		into[b.table.handle(v)] = true
		return
	}
	if isArray(v) {
		for i := 0; i < v.Length(); i++ {
			b.collectHandles(v.Index(i), into, depth+1)
		}
		return
	}
	keys := js.Global().Get("Object").Call("keys", v)
	for i := 0; i < keys.Length() && i < 1000; i++ {
		b.collectHandles(getProp(v, keys.Index(i).String()), into, depth+1)
	}
}

// memory is tt.memory(). numTensors counts the live tensor objects (not
// yet disposed, tidied away or collected). numBytes counts the memory of
// their values, each storage once: views that share a storage (reshape,
// view, transpose, a tensor and its detach) add nothing, and a view of
// part of a storage counts all of it, as it keeps all of it alive.
// Gradients and what the autograd graph keeps for backward are not counted.
func (b *tensorBindings) memory(js.Value, []js.Value) (any, error) {
	live := b.table.values()
	return map[string]any{"numTensors": len(live), "numBytes": tensor.StorageBytes(live)}, nil
}

// callJS calls a JavaScript function, returning what it throws as an error.
// Its result has every BigInt made a number (value.go), as the Go side
// reads it; callJSAsIs keeps it as it is, for a result that goes back to
// the cell (tt.tidy(fn) returns what fn returned).
func callJS(fn js.Value, args ...any) (js.Value, error) {
	result, err := callJSAsIs(fn, args...)
	if err != nil {
		return result, err
	}
	return withoutBigInt(result)
}

// callJSAsIs is callJS without the change of BigInts.
func callJSAsIs(fn js.Value, args ...any) (result js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = asJSError(r)
		}
	}()
	return fn.Invoke(args...), nil
}

// callMethod calls obj[name](...args), returning what it throws as an error.
func callMethod(obj js.Value, name string, args ...any) (result js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = asJSError(r)
		}
	}()
	return withoutBigInt(obj.Call(name, args...))
}

// isPromise reports whether v is a promise (or another thenable).
func isPromise(v js.Value) bool {
	t, _ := jsType(v)
	if t != js.TypeObject {
		return false
	}
	then, _ := jsType(getProp(v, "then"))
	return then == js.TypeFunction
}

// intsToJS converts a shape to a JavaScript array.
func intsToJS(shape []int) any {
	out := make([]any, len(shape))
	for i, d := range shape {
		out[i] = d
	}
	return out
}
