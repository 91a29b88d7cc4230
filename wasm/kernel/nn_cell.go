//go:build js && wasm

package kernel

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Modules written in a cell, with PyTorch's semantics:
//
//	class MyLinear extends tt.nn.Module {
//	  constructor(i, o) {
//	    super();
//	    this.weight = tt.nn.Parameter(tt.randn([o, i]).mul(0.1));
//	    this.bias = tt.nn.Parameter(tt.zeros([o]));
//	  }
//	  forward(x) { return x.matmul(this.weight.t()).add(this.bias); }
//	}
//
// tt.nn.Module is the base class. Its constructor, run by super(), makes
// a cellModule — a Go module like the user modules of
// engine/nn/plugins_test.go, whose Forward calls the cell's forward — and
// returns a Proxy of the new object, so that `this` in the subclass's
// constructor is the proxy. The proxy's set trap registers what is
// assigned, as PyTorch's __setattr__ does: a tt.nn.Parameter becomes a
// parameter, a module (a tt.nn layer or another cell module) a submodule,
// anything else (a number, a plain tensor) stays an ordinary property. The
// names are the property names, so namedParameters() and stateDict() say
// "fc1.weight" as in PyTorch. registerParameter, registerBuffer and
// registerModule (or addModule) register explicitly.
//
// The engine then treats the module as any other: Sequential, parameters(),
// train()/eval(), state dicts, the summary, the profiler (by the class
// name), fit and Trainer, and nesting either way. model.call(x) is
// PyTorch's model(x): it goes through nn.Call, which names the layer in
// errors and tells the profiler; calling forward directly skips both, as
// PyTorch's model.forward(x) skips hooks.
//
// Class fields (fc = tt.nn.Linear(2, 8)) are defined rather than
// assigned; the proxy's defineProperty trap registers them the same way.
// A train(mode) override in the class is the module's Train, as in
// PyTorch: a parent's train()/eval() and the module's own eval() call it,
// and its super.train(mode) sets the modes (tt.nn.Module's train).
// Two things PyTorch allows are not supported and say so: assigning
// to a registered name again (the engine keeps one entry per name: change
// the values in place) and assigning training (use train(on) or eval()).
// An array of modules is not registered, as a Python list is not: use
// tt.nn.Sequential.
//
// A cell module lives as long as the kernel: its Go value holds its
// JavaScript object, so neither can be collected while the other lives.

// cellModule is the Go side of a module written in a cell.
type cellModule struct {
	nn.ModuleBase
	// obj is the proxy the cell holds as `this`.
	obj js.Value
}

// cellForwardMissing is the forward of moduleKind's prototype (the Go
// binding that calls nn.Call): a cell module whose forward is this one
// has none of its own.
var cellForwardMissing js.Value

// Forward calls the cell's forward(x) with the module as this and
// returns the tensor it returns. Anything else is an error, which nn.Call
// prefixes with the class name.
func (c *cellModule) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	fwd := getProp(c.obj, "forward")
	if kindOf(fwd) != kindFunction || fwd.Equal(cellForwardMissing) {
		return nil, fmt.Errorf("no forward method: define forward(x) in class %s", c.TypeName())
	}
	res, err := callMethod(c.obj, "forward", tensors.wrap(x))
	if err != nil {
		return nil, fmt.Errorf("forward threw %s", thrownText(err, c.TypeName()))
	}
	if isPromise(res) {
		return nil, errors.New("forward returned a promise; it must return a tensor, so it cannot be async")
	}
	y, ok := tensors.unwrap(res)
	if !ok {
		return nil, fmt.Errorf("forward returned %s, expected a tensor", describeJS(res))
	}
	return y, nil
}

// cellTrainBase is the train of moduleKind's prototype, tt.nn.Module's
// own: a cell module whose train is this one has no override.
var cellTrainBase js.Value

// trainThrew holds the first exception of a cell's train override during
// the outermost train() or eval() of a module, which throws it
// (settingModes); the engine's Train, which calls the override, returns
// no error. trainDepth counts the train() and eval() calls under way.
var (
	trainThrew error
	trainDepth int
)

// Train calls the cell's train(on) override, when the class has one, so
// that a parent's train()/eval() reaches it as in PyTorch; without one it
// is the engine's Train. The override sets the modes by super.train(on),
// tt.nn.Module's train, which runs the engine's Train on this module.
func (c *cellModule) Train(on bool) {
	fn := getProp(c.obj, "train")
	if kindOf(fn) != kindFunction || fn.Equal(cellTrainBase) {
		c.ModuleBase.Train(on)
		return
	}
	if _, err := callMethod(c.obj, "train", on); err != nil && trainThrew == nil {
		trainThrew = fmt.Errorf("%s.train threw %s", c.TypeName(), thrownText(err, c.TypeName()))
	}
}

// ExtraRepr shows the cell's extraRepr(), when the class has one, inside
// the parentheses of the module's repr, as PyTorch's extra_repr does.
func (c *cellModule) ExtraRepr() string {
	fn := getProp(c.obj, "extraRepr")
	if kindOf(fn) != kindFunction {
		return ""
	}
	res, err := callMethod(c.obj, "extraRepr")
	if err != nil || kindOf(res) != kindString {
		return ""
	}
	return res.String()
}

// addCellModules installs tt.nn.Module, the base class, and
// tt.nn.Parameter on the tt.nn namespace.
func addCellModules(ns js.Value) {
	cellForwardMissing = getProp(moduleKind.proto, "forward")
	cellTrainBase = getProp(moduleKind.proto, "train")
	base := function("tt.nn.Module", cellModuleConstructor)
	// Every module object, an engine layer's too, is then an instance of
	// tt.nn.Module, as every PyTorch layer is an nn.Module.
	base.Set("prototype", moduleKind.proto)
	js.Global().Get("Object").Call("defineProperty", moduleKind.proto, "constructor",
		map[string]any{"value": base, "writable": true, "configurable": true})
	ns.Set("Module", base)
	ns.Set("Parameter", function("tt.nn.Parameter", parameterConstructor))
	cellHandler = js.Global().Get("Object").New()
	cellHandler.Set("set", function("set", cellSetTrap))
	cellHandler.Set("defineProperty", function("defineProperty", cellDefineTrap))
}

// cellHandler is the Proxy handler of every cell module.
var cellHandler js.Value

// cellModuleConstructor is tt.nn.Module's constructor, run by super() in
// a subclass's constructor, with this the new object.
func cellModuleConstructor(this js.Value, _ []js.Value) (any, error) {
	if typeOf(this) != js.TypeObject || !hasPrototype(moduleKind.proto, this) {
		return nil, errors.New("tt.nn.Module is a base class: write class MyNet extends tt.nn.Module { constructor() { super(); … } forward(x) { … } } and make one with new MyNet()")
	}
	if _, ok := objects.get(this); ok {
		return nil, errors.New("tt.nn.Module: super() was called twice")
	}
	c := &cellModule{}
	c.Init(c, classNameOf(getProp(this, "constructor"), "Module"))
	objects.adopt(this, c, false)
	c.obj = js.Global().Get("Proxy").New(this, cellHandler)
	return c.obj, nil
}

// parameterMark is the property that marks a tensor object made by
// tt.nn.Parameter, which assignment registers as a parameter.
const parameterMark = "__ttParameter"

// parameterConstructor is tt.nn.Parameter(tensor): the tensor as a leaf
// that requires grad, marked so that assigning it to a cell module's
// property registers it. A tensor computed by tracked ops is detached
// first, as PyTorch's Parameter(data) keeps data alone.
func parameterConstructor(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.nn.Parameter", args)
	t := r.parameterTensor(0, "the argument")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return markParameter(t), nil
}

// parameterTensor reads argument i as the tensor of a parameter: a
// tensor object (not a number or an array), detached when it is not a
// leaf, requiring grad.
func (r *argReader) parameterTensor(i int, what string) *tensor.Tensor {
	v := r.Value(i)
	t, ok := tensors.unwrap(v)
	if r.ok() && !ok {
		r.failf("%s must be a tensor, such as tt.randn([8, 2]), got %s", what, describeJS(v))
	}
	if !r.ok() {
		return nil
	}
	if !t.IsLeaf() {
		t = t.Detach()
	}
	r.fail(t.SetRequiresGrad(true))
	return t
}

// markParameter wraps t as a tensor object marked as a parameter.
func markParameter(t *tensor.Tensor) js.Value {
	obj := tensors.wrap(t)
	js.Global().Get("Object").Call("defineProperty", obj, parameterMark, map[string]any{"value": true})
	return obj
}

// isParameter reports whether v is a tensor object made by tt.nn.Parameter.
func isParameter(v js.Value) bool {
	return tensors.isTensorObject(v) && getProp(v, parameterMark).Equal(js.ValueOf(true))
}

// cellSetTrap is the proxy's set trap, (target, key, value): it
// registers a parameter or a submodule, then defines the property on the
// target (an own property, which hides the prototype's getters such as
// weight, as an attribute of a PyTorch module would).
func cellSetTrap(_ js.Value, args []js.Value) (any, error) {
	target, key, value := arg(args, 0), arg(args, 1), arg(args, 2)
	if kindOf(key) == kindString {
		c, ok := objects.get(target)
		if cm, isCell := c.(*cellModule); ok && isCell {
			if err := cm.assign(key.String(), value); err != nil {
				return nil, err
			}
		}
	}
	define(target, key, value)
	return true, nil
}

// cellDefineTrap is the proxy's defineProperty trap, (target, key,
// descriptor): a class field (class Net extends tt.nn.Module { fc =
// tt.nn.Linear(2, 8) }) is defined, not set, on the object super()
// returned, and registers the same way as an assignment.
func cellDefineTrap(_ js.Value, args []js.Value) (any, error) {
	target, key, desc := arg(args, 0), arg(args, 1), arg(args, 2)
	if kindOf(key) == kindString && typeOf(desc) == js.TypeObject && desc.Call("hasOwnProperty", "value").Bool() {
		c, ok := objects.get(target)
		if cm, isCell := c.(*cellModule); ok && isCell {
			if err := cm.assign(key.String(), getProp(desc, "value")); err != nil {
				return nil, err
			}
		}
	}
	return js.Global().Get("Reflect").Call("defineProperty", target, key, desc), nil
}

// define makes key an own, enumerable, writable property of obj.
func define(obj, key, value js.Value) {
	js.Global().Get("Reflect").Call("defineProperty", obj, key,
		map[string]any{"value": value, "writable": true, "enumerable": true, "configurable": true})
}

// assign registers what `this.name = value` registers in PyTorch.
func (c *cellModule) assign(name string, value js.Value) error {
	switch {
	case name == "training":
		return fmt.Errorf("%s: set the mode with this.train(on) or this.eval(), not by assigning training", c.TypeName())
	case c.holds(name, value):
		return nil // registered already (registerParameter then defines the property)
	case isParameter(value):
		t, _ := tensors.unwrap(value)
		return c.register(name, "parameter", func() { c.AddParam(name, t) })
	}
	if m, ok := moduleOf(value); ok {
		return c.addChild(name, m)
	}
	if kind := c.registered(name); kind != "" {
		return fmt.Errorf("%s: %s is a registered %s; assigning %s to it is not supported (change its values in place, such as with tt.noGrad(() => this.%s.copy_(…)))",
			c.TypeName(), name, kind, describeJS(value), name)
	}
	return nil
}

// addChild registers m as the submodule name, unless m contains c
// (a module cannot hold itself).
func (c *cellModule) addChild(name string, m nn.Module) error {
	for _, d := range m.Base().Modules() {
		if d.Module == nn.Module(c) {
			return fmt.Errorf("%s: submodule %s would contain the module itself", c.TypeName(), name)
		}
	}
	return c.register(name, "submodule", func() { c.AddChild(name, m) })
}

// register runs add unless name is already registered (the engine keeps
// one entry per name; replacing one is not supported).
func (c *cellModule) register(name, kind string, add func()) error {
	if was := c.registered(name); was != "" {
		return fmt.Errorf("%s: %s is already a registered %s; a %s cannot replace it (change its values in place instead)", c.TypeName(), name, was, kind)
	}
	add()
	return nil
}

// holds reports whether c registered value itself under name: the same
// tensor as a parameter or buffer, or the same module.
func (c *cellModule) holds(name string, value js.Value) bool {
	if t, ok := tensors.unwrap(value); ok {
		for _, p := range append(c.ownParams(), c.ownBuffers()...) {
			if p.Name == name && p.Tensor == t {
				return true
			}
		}
		return false
	}
	m, ok := moduleOf(value)
	return ok && slices.Contains(c.Children(), nn.NamedModule{Path: name, Module: m})
}

// ownParams and ownBuffers are c's own parameters and buffers, without
// its children's (their names have no dot).
func (c *cellModule) ownParams() []nn.NamedParam  { return own(c.Parameters()) }
func (c *cellModule) ownBuffers() []nn.NamedParam { return own(c.Buffers()) }

// own keeps the entries whose names have no dot.
func own(list []nn.NamedParam) []nn.NamedParam {
	return slices.DeleteFunc(list, func(p nn.NamedParam) bool { return strings.Contains(p.Name, ".") })
}

// registered says what name is registered as in c itself: "parameter",
// "buffer", "submodule", or "" for nothing.
func (c *cellModule) registered(name string) string {
	own := func(list []nn.NamedParam) bool {
		return slices.ContainsFunc(list, func(p nn.NamedParam) bool { return p.Name == name })
	}
	switch {
	case own(c.Parameters()):
		return "parameter"
	case own(c.Buffers()):
		return "buffer"
	case slices.ContainsFunc(c.Children(), func(m nn.NamedModule) bool { return m.Path == name }):
		return "submodule"
	}
	return ""
}

// cellModuleMethods are the registration methods of module objects,
// PyTorch's register_parameter, register_buffer, register_module and
// add_module; only a cell module has them working.
func cellModuleMethods() map[string]binding {
	k := func(name string, fn func(c *cellModule, this js.Value, r *argReader) (any, error)) binding {
		return kindMethod(moduleKind, name, func(m nn.Module, this js.Value, r *argReader) (any, error) {
			c, ok := m.(*cellModule)
			if !ok {
				return nil, fmt.Errorf("%s: only a module written in a cell (class MyNet extends tt.nn.Module) registers its own parts; this is a %s", name, m.Base().TypeName())
			}
			r.name = c.TypeName() + "." + name
			return fn(c, this, r)
		})
	}
	module := func(name string) binding {
		return k(name, func(c *cellModule, this js.Value, r *argReader) (any, error) {
			key := r.NeedString(0, "name")
			m := r.Module(1, key)
			if err := r.Err(); err != nil {
				return nil, err
			}
			if err := c.addChild(key, m); err != nil {
				return nil, err
			}
			define(this, js.ValueOf(key), r.Value(1))
			return this, nil
		})
	}
	return map[string]binding{
		"registerParameter": k("registerParameter", func(c *cellModule, this js.Value, r *argReader) (any, error) {
			key := r.NeedString(0, "name")
			t := r.parameterTensor(1, "parameter "+key)
			if err := r.Err(); err != nil {
				return nil, err
			}
			if err := c.register(key, "parameter", func() { c.AddParam(key, t) }); err != nil {
				return nil, err
			}
			define(this, js.ValueOf(key), markParameter(t))
			return this, nil
		}),
		"registerBuffer": k("registerBuffer", func(c *cellModule, this js.Value, r *argReader) (any, error) {
			key := r.NeedString(0, "name")
			v := r.Value(1)
			t, ok := tensors.unwrap(v)
			if r.ok() && !ok {
				r.failf("buffer %s must be a tensor, got %s", key, describeJS(v))
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			if err := c.register(key, "buffer", func() { c.AddBuffer(key, t) }); err != nil {
				return nil, err
			}
			define(this, js.ValueOf(key), v)
			return this, nil
		}),
		"registerModule": module("registerModule"),
		"addModule":      module("addModule"),
	}
}

// settingModes runs set, a module's train() or eval(), and returns the
// first exception of a cell's train override during it. Calls nest (an
// override's super.train(on) is a train() of its own); the outermost
// reports.
func settingModes(set func()) error {
	if trainDepth == 0 {
		trainThrew = nil
	}
	trainDepth++
	set()
	trainDepth--
	if trainDepth > 0 {
		return nil
	}
	err := trainThrew
	trainThrew = nil
	return err
}
