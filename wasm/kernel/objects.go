//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// objects gives Go values other than tensors — modules, losses,
// optimizers, schedulers, datasets, loaders, charts, profile reports — a
// JavaScript face, the way the tensor table does for tensors: a
// JavaScript object whose prototype holds the methods of its kind and
// whose _o field is a handle into this table (handles.go). One Go value
// may have several JavaScript objects (a model and model.at(0) wrap the
// same layer); they all act on the same value.
//
// Every binding file shares it: each makes its prototypes with newKind.
// Made with the tt object; a data iterator that is collected stops its
// goroutine.
var objects *handleTable[any]

func newObjectTable() *handleTable[any] {
	return newHandleTable[any]("_o", func(v any) {
		if it, ok := v.(*batchIterator); ok {
			it.stop()
		}
	})
}

// kind is the prototype shared by the JavaScript objects of one kind.
type kind struct {
	name  string // for messages: "Module", "optimizer", …
	proto js.Value
}

// newKind makes a kind; build gives it its methods and read-only
// properties (getters). Each method and getter receives the JavaScript
// object as this; objects.get(this) finds its Go value. The two steps let
// methods made with methodOf refer to their kind before it is built.
func newKind(name string) *kind { return &kind{name: name} }

func (k *kind) build(methods, getters map[string]binding) *kind {
	k.proto = object(methods)
	for prop, get := range getters {
		defineGetter(k.proto, prop, function(prop, get))
	}
	return k
}

// defineGetter installs a getter on obj.
func defineGetter(obj js.Value, prop string, getter js.Value) {
	js.Global().Get("Object").Call("defineProperty", obj, prop, map[string]any{"get": getter, "configurable": true})
}

// setSymbolMethod sets obj[Symbol[name]] = fn, such as Symbol.iterator.
func setSymbolMethod(obj js.Value, name string, fn js.Value) {
	js.Global().Get("Reflect").Call("set", obj, js.Global().Get("Symbol").Get(name), fn)
}

// wrap gives v a new JavaScript object of kind k.
func (k *kind) wrap(v any) js.Value { return objects.wrap(k.proto, v) }

// valueOf returns the Go value behind a JavaScript object of kind k, as a T.
func valueOf[T any](k *kind, v js.Value) (T, bool) {
	x, _ := objects.getOf(k.proto, v)
	t, ok := x.(T)
	return t, ok
}

// self returns the receiver of a method of kind k as a T.
func self[T any](k *kind, method string, this js.Value) (T, error) {
	t, ok := valueOf[T](k, this)
	if !ok {
		return t, fmt.Errorf("%s: called on something that is not a %s", method, k.name)
	}
	return t, nil
}

// kindMethod adapts a method of kind k, a function of the receiver's Go
// value and of a reader of the call's arguments, to a binding. The
// reader's error (argReader.Err) comes before the method's.
func kindMethod[T any](k *kind, name string, fn func(self T, this js.Value, r *argReader) (any, error)) binding {
	return func(this js.Value, args []js.Value) (any, error) {
		s, err := self[T](k, name, this)
		if err != nil {
			return nil, err
		}
		r := readArgs(name, args)
		return r.Done(fn(s, this, r))
	}
}

// tensorList reads an array of tensors (or a module, whose parameters
// are meant), for optimizers and clipGradNorm.
func tensorList(name string, v js.Value) ([]*tensor.Tensor, error) {
	if m, ok := moduleOf(v); ok {
		return m.ParamTensors(), nil
	}
	if !isArray(v) {
		return nil, fmt.Errorf("%s: expected an array of tensors, such as model.parameters(), got %s", name, describeJS(v))
	}
	out := make([]*tensor.Tensor, v.Length())
	for i := range out {
		t, ok := tensors.unwrap(v.Index(i))
		if !ok {
			return nil, fmt.Errorf("%s: element %d is %s, expected a tensor", name, i, describeJS(v.Index(i)))
		}
		out[i] = t
	}
	return out, nil
}

// wrapTensors makes a JavaScript array of tensors.
func wrapTensors(ts []*tensor.Tensor) js.Value {
	arr := js.Global().Get("Array").New(len(ts))
	for i, t := range ts {
		arr.SetIndex(i, tensors.wrap(t))
	}
	return arr
}
