//go:build js && wasm

package kernel

import (
	"errors"
	"fmt"
	"syscall/js"

	"tinytorch/engine/gradcheck"
	"tinytorch/engine/tensor"
)

// Bindings of tensor.Function: tt.autograd.Function, an op a cell writes
// itself with PyTorch's names, and tt.gradCheck, which checks its backward
// against central differences (engine/gradcheck).
//
//	class MyMul extends tt.autograd.Function {
//	  static forward(ctx, a, b) { ctx.saveForBackward(a, b); return a.mul(b); }
//	  static backward(ctx, g) { const [a, b] = ctx.savedTensors; return [g.mul(b), g.mul(a)]; }
//	}
//	const y = MyMul.apply(x, w);   // y.gradFn is "MyMul"
//	tt.gradCheck(MyMul, x, w);     // true, or an error naming the element
//	tt.gradCheck((a, b) => MyMul.apply(a, b).sin(), x, w);  // any function of tensors
//
// apply gives the engine a tensor.Function named after the class, whose
// Forward and Backward call the class's static methods. The engine puts it
// in the graph, names it in the profiler and the trace, and checks what
// backward returns; calling JavaScript from Backward is the synchronous
// callback that losses written in a cell already make (jsCriterion).
// Arguments of apply that are not tensors pass to forward as they are and
// get no gradient (backward returns null for them), as in PyTorch.

// ctxKind is the prototype of ctx, the object forward and backward share.
var ctxKind = newKind("autograd context")

// fnContext is the Go value behind a ctx: the engine's Context and the
// function, for messages.
type fnContext struct {
	ctx *tensor.Context
	fn  *jsFunction
}

// functionBase is tt.autograd.Function, the class cells extend.
var functionBase js.Value

// newAutograd builds tt.autograd.
func newAutograd() js.Value {
	ctxKind.build(map[string]binding{
		"saveForBackward": kindMethod(ctxKind, "ctx.saveForBackward", saveForBackward),
		"toString": kindMethod(ctxKind, "toString", func(c *fnContext, _ js.Value, _ *argReader) (any, error) {
			return "ctx of " + c.fn.name, nil
		}),
	}, map[string]binding{
		"savedTensors": kindMethod(ctxKind, "ctx.savedTensors", func(c *fnContext, _ js.Value, _ *argReader) (any, error) {
			out := make([]any, len(c.ctx.SavedTensors()))
			for i, t := range c.ctx.SavedTensors() {
				out[i] = tensors.wrap(t)
			}
			return out, nil
		}),
	})
	functionBase = function("tt.autograd.Function", func(js.Value, []js.Value) (any, error) {
		return nil, errors.New("tt.autograd.Function: a Function is not made with new; call its static apply, as MyFn.apply(x, …)")
	})
	// The class's name in messages and the console, not the wrapper's.
	js.Global().Get("Object").Call("defineProperty", functionBase, "name", map[string]any{"value": "Function"})
	// MyFn.apply finds this before Function.prototype.apply, as in PyTorch.
	functionBase.Set("apply", function("Function.apply", applyBinding))
	ns := object(nil)
	ns.Set("Function", functionBase)
	return ns
}

// saveForBackward is ctx.saveForBackward(...tensors).
func saveForBackward(c *fnContext, _ js.Value, r *argReader) (any, error) {
	for i := range r.Len() {
		t, ok := tensors.unwrap(r.Value(i))
		if !ok {
			return nil, fmt.Errorf("%s.forward: ctx.saveForBackward: argument %d is %s; expected a tensor (keep other values as properties of ctx, such as ctx.k = 3)", c.fn.name, i+1, describeValue(r.Value(i)))
		}
		c.ctx.SaveForBackward(t)
	}
	return nil, nil
}

// applyBinding is MyFn.apply(...args), called with the class as this.
func applyBinding(this js.Value, args []js.Value) (any, error) {
	f, fn, inputs, err := newJSFunction("Function.apply", this, args)
	if err != nil {
		return nil, err
	}
	outs, err := fn.Apply(inputs...)
	if err != nil {
		var own *fnError
		if errors.As(err, &own) {
			return nil, own // the message names the function already
		}
		return nil, err
	}
	if !f.array {
		return tensors.wrap(outs[0]), nil
	}
	list := make([]any, len(outs))
	for i, o := range outs {
		list[i] = tensors.wrap(o)
	}
	return list, nil
}

// gradCheckBinding is tt.gradCheck(MyFn, ...inputs) or tt.gradCheck(f,
// ...inputs), as PyTorch's gradcheck takes fn.apply or any function of
// tensors: gradcheck.Function on the class's function, gradcheck.Func on a
// plain function. It returns true or throws the first element whose
// gradient disagrees.
func gradCheckBinding(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.gradCheck"
	r := readArgs(name, args)
	cls := r.NeedFunc(0, "a function of tensors or a class that extends tt.autograd.Function, and its inputs, such as tt.gradCheck(MyMul, x, w) or tt.gradCheck((a, b) => a.mul(b), x, w)")
	if err := r.Err(); err != nil {
		return nil, err
	}
	var fnName string
	var check func(inputs []*tensor.Tensor) error
	var inputs []*tensor.Tensor
	if isPlainFunction(cls) {
		pf := &plainFunction{fn: cls, name: classNameOf(cls, "the function"), args: args[1:]}
		fnName, inputs = pf.name, pf.tensorInputs()
		check = func(inputs []*tensor.Tensor) error { return gradcheck.Func(pf.name, pf.call, inputs...) }
	} else {
		_, fn, ins, err := newJSFunction(name, cls, args[1:])
		if err != nil {
			return nil, err
		}
		fnName, inputs = fn.Name, ins
		check = func(inputs []*tensor.Tensor) error { return gradcheck.Function(fn, inputs...) }
	}
	needs := false
	for _, x := range inputs {
		needs = needs || x.RequiresGrad()
	}
	if !needs {
		return nil, fmt.Errorf("%s: no input of %s requires a gradient, so there is nothing to check; make them with {requiresGrad: true}", name, fnName)
	}
	if err := check(inputs); err != nil {
		var own *fnError
		if errors.As(err, &own) {
			return nil, fmt.Errorf("%s: %w", name, own)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return true, nil
}

// jsFunction is one apply of a class written in a cell: the class, the
// arguments as given, and what forward and backward need to map the
// engine's tensors to them.
type jsFunction struct {
	cls  js.Value
	name string
	args []js.Value // apply's arguments, tensors and other values
	// slots holds the position in args of each tensor input, in order,
	// and shapes its shape (the cell may dispose it before backward).
	slots  []int
	shapes [][]int
	// array records that forward returned an array, so apply does too.
	array bool
	// ctxs maps the engine's Context of each forward (gradCheck applies
	// many times) to the ctx object the cell saw.
	ctxs map[*tensor.Context]js.Value
}

// fnError is an error in the cell's forward or backward; its message
// names the function and says what it returned and what was expected.
type fnError struct{ msg string }

func (e *fnError) Error() string { return e.msg }

// errorf makes an fnError whose message starts with the function's name
// and the method, such as "MyMul.backward".
func (f *jsFunction) errorf(method, format string, a ...any) error {
	return &fnError{f.name + "." + method + " " + fmt.Sprintf(format, a...)}
}

// newJSFunction checks the class and its arguments and makes the engine's
// Function on them; caller names the binding for messages.
func newJSFunction(caller string, cls js.Value, args []js.Value) (*jsFunction, *tensor.Function, []*tensor.Tensor, error) {
	if kindOf(cls) != kindFunction || !functionBase.Call("isPrototypeOf", cls).Bool() {
		if cls.Equal(functionBase) {
			return nil, nil, nil, fmt.Errorf("%s: called on tt.autograd.Function itself; extend it: class MyFn extends tt.autograd.Function { static forward(ctx, x) {…} static backward(ctx, g) {…} }, then MyFn.apply(x)", caller)
		}
		return nil, nil, nil, fmt.Errorf("%s: expected a class that extends tt.autograd.Function, got %s", caller, describeJS(cls))
	}
	f := &jsFunction{cls: cls, name: classNameOf(cls, "Function"), args: args, ctxs: map[*tensor.Context]js.Value{}}
	for _, method := range []string{"forward", "backward"} {
		if err := f.checkMethod(method); err != nil {
			return nil, nil, nil, err
		}
	}
	var inputs []*tensor.Tensor
	for i, a := range args {
		switch kindOf(a) {
		case kindTensor:
			t, _ := tensors.unwrap(a)
			inputs = append(inputs, t)
			f.slots, f.shapes = append(f.slots, i), append(f.shapes, t.Shape())
		case kindDisposedTensor:
			return nil, nil, nil, fmt.Errorf("%s.apply: argument %d is a disposed tensor (disposed, or freed when its tt.tidy ended); expected a live tensor", f.name, i+1)
		}
	}
	fn := &tensor.Function{Name: f.name, Forward: f.forward, Backward: f.backward}
	return f, fn, inputs, nil
}

// checkMethod checks that the class has the static method, and says so
// when it is written without static.
func (f *jsFunction) checkMethod(method string) error {
	sig := map[string]string{"forward": "forward(ctx, ...inputs)", "backward": "backward(ctx, ...gradOutputs)"}[method]
	if kindOf(getProp(f.cls, method)) == kindFunction {
		return nil
	}
	if kindOf(getProp(getProp(f.cls, "prototype"), method)) == kindFunction {
		return fmt.Errorf("%s.%s is an instance method; declare it static: static %s { … }", f.name, method, sig)
	}
	return fmt.Errorf("%s has no %s; expected static %s { … } in the class", f.name, method, sig)
}

// forward is the engine Function's Forward: it calls the class's static
// forward with a new ctx and the arguments of apply.
func (f *jsFunction) forward(ctx *tensor.Context, _ ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	obj := ctxKind.wrap(&fnContext{ctx: ctx, fn: f})
	needs := make([]any, len(f.args))
	for i := range needs {
		needs[i] = false
	}
	for k, slot := range f.slots {
		needs[slot] = ctx.NeedsInputGrad(k)
	}
	obj.Set("needsInputGrad", needs)
	f.ctxs[ctx] = obj
	v, err := callMethod(f.cls, "forward", append([]any{obj}, toAnySlice(f.args)...)...)
	if err != nil {
		return nil, f.threw("forward", err)
	}
	return f.outputs(v)
}

// outputs reads what forward returned: a tensor, or an array of tensors.
func (f *jsFunction) outputs(v js.Value) ([]*tensor.Tensor, error) {
	const want = "expected a tensor or an array of tensors"
	if isPromise(v) {
		return nil, f.errorf("forward", "returned a Promise; %s, computed synchronously (no async)", want)
	}
	if t, ok := tensors.unwrap(v); ok {
		f.array = false
		return []*tensor.Tensor{t}, nil
	}
	list, ok := elements(v)
	if kindOf(v) != kindArray || !ok {
		return nil, f.errorf("forward", "returned %s; %s", describeValue(v), want)
	}
	if len(list) == 0 {
		return nil, f.errorf("forward", "returned an empty array; %s", want)
	}
	outs := make([]*tensor.Tensor, len(list))
	for i, item := range list {
		t, ok := tensors.unwrap(item)
		if !ok {
			return nil, f.errorf("forward", "returned an array whose element %d is %s; %s", i, describeValue(item), want)
		}
		outs[i] = t
	}
	f.array = true
	return outs, nil
}

// backward is the engine Function's Backward: it calls the class's
// static backward with the ctx of the forward and one gradient per
// output, and maps what it returns, one gradient per argument of apply,
// to the tensor inputs.
func (f *jsFunction) backward(ctx *tensor.Context, grads ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	obj, ok := f.ctxs[ctx]
	if !ok {
		return nil, f.errorf("backward", "was called without its forward's ctx (internal error)")
	}
	args := []any{obj}
	for _, g := range grads {
		args = append(args, tensors.wrap(g))
	}
	v, err := callMethod(f.cls, "backward", args...)
	if err != nil {
		return nil, f.threw("backward", err)
	}
	list, err := f.gradList(v)
	if err != nil {
		return nil, err
	}
	out := make([]*tensor.Tensor, len(f.slots))
	k := 0
	for i, g := range list {
		isInput := k < len(f.slots) && f.slots[k] == i
		switch t, live := tensors.unwrap(g); {
		case missing(g):
		case !isInput:
			return nil, f.errorf("backward", "returned %s as the gradient of argument %d, which is %s, not a tensor; expected null", describeValue(g), i+1, describeValue(f.args[i]))
		case live:
			out[k] = t
		default:
			return nil, f.errorf("backward", "returned %s as the gradient of argument %d; expected a tensor of shape %s, or null", describeValue(g), i+1, tensor.FormatShape(f.shapes[k]))
		}
		if isInput {
			k++
		}
	}
	return out, nil
}

// gradList reads what backward returned as one gradient per argument of
// apply: an array, or a tensor (or null) for a function of one argument.
func (f *jsFunction) gradList(v js.Value) ([]js.Value, error) {
	n := len(f.args)
	want := fmt.Sprintf("expected an array of %d gradients, one per argument of apply (null for one that needs none)", n)
	if n == 1 {
		want = "expected the input's gradient, a tensor (or null, or an array of one)"
	}
	if isPromise(v) {
		return nil, f.errorf("backward", "returned a Promise; %s, computed synchronously (no async)", want)
	}
	if kindOf(v) != kindArray {
		if kindOf(v) == kindTensor || missing(v) {
			if n == 1 {
				return []js.Value{v}, nil
			}
			return nil, f.errorf("backward", "returned %s; %s", describeValue(v), want)
		}
		return nil, f.errorf("backward", "returned %s; %s", describeValue(v), want)
	}
	list, _ := elements(v)
	if len(list) != n {
		return nil, f.errorf("backward", "returned %d gradients; %s", len(list), want)
	}
	return list, nil
}

// threw describes an exception thrown by the cell's method (thrownText).
func (f *jsFunction) threw(method string, err error) error {
	return f.errorf(method, "threw %s", thrownText(err, f.name))
}

// describeValue is describeJS with a tensor's shape.
func describeValue(v js.Value) string {
	if t, ok := tensors.unwrap(v); ok {
		return "a tensor of shape " + tensor.FormatShape(t.Shape())
	}
	return describeJS(v)
}
