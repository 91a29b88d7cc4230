//go:build js && wasm

package kernel

import (
	"fmt"
	"maps"
	"strings"
	"syscall/js"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Bindings of engine/nn: tt.nn's layers as JavaScript objects, tt.nn.init
// and tt.nn.functional's activations. The losses of tt.nn come from
// loss.go.
//
// A module is an object of moduleKind (objects.go) whose methods follow
// PyTorch's in camelCase. JavaScript objects cannot be called like
// functions, so PyTorch's model(x) is model.call(x) (or model.forward(x),
// the same here: both go through nn.Call, which names the layer in errors).
// parameters() returns tensor objects over the module's own Go tensors, so
// p.grad and the optimizers see the very tensors the module uses.

// moduleKind is the prototype of every module object.
var moduleKind *kind

// newNN builds tt.nn: the layer classes, init, functional and utils.
func newNN() js.Value {
	moduleKind = newKind("Module")
	methods := moduleMethods()
	maps.Copy(methods, cellModuleMethods()) // nn_cell.go
	moduleKind.build(methods, moduleGetters())
	ns := object(layerConstructors())
	addCellModules(ns) // tt.nn.Module and tt.nn.Parameter, nn_cell.go
	ns.Set("init", object(initFunctions()))
	ns.Set("functional", object(functionalFunctions()))
	ns.Set("utils", object(map[string]binding{
		"clipGradNorm_": clipGradNormFunc,
		"clipGradNorm":  clipGradNormFunc,
	}))
	return ns
}

// moduleOf returns the Go module behind a JavaScript module object.
func moduleOf(v js.Value) (nn.Module, bool) {
	x, ok := objects.get(v)
	if !ok {
		return nil, false
	}
	m, ok := x.(nn.Module)
	return m, ok
}

// needModule reads a module argument.
func needModule(name string, v js.Value) (nn.Module, error) {
	if m, ok := moduleOf(v); ok {
		return m, nil
	}
	return nil, fmt.Errorf("%s: expected a module such as tt.nn.Linear(2, 8), got %s", name, describeJS(v))
}

// Module reads a module argument; what names it.
func (r *argReader) Module(i int, what string) nn.Module {
	if !r.ok() {
		return nil
	}
	m, err := needModule(what, r.Value(i))
	r.fail(err)
	return m
}

// wrapModule gives a module a JavaScript object. Its children are
// properties too, wrapped the same way: model[0] for a Sequential,
// model.features for a named child, as in PyTorch.
func wrapModule(m nn.Module) js.Value {
	if c, ok := m.(*cellModule); ok {
		return c.obj // the cell's own object, with its forward and fields
	}
	obj := moduleKind.wrap(m)
	for _, c := range m.Base().Children() {
		if getProp(moduleKind.proto, c.Path).IsUndefined() {
			obj.Set(c.Path, wrapModule(c.Module))
		}
	}
	return obj
}

// layer is a layer constructor: it reads the arguments with r and makes
// the module. layerConstructors turns it into a binding that checks the
// reader's error before wrapping the module.
type layer func(r *argReader) (nn.Module, error)

// layerConstructors are tt.nn's layer classes; each is a function
// returning a module object (new is optional: tt.nn.Linear(2, 8)).
func layerConstructors() map[string]binding {
	simple := func(make func() nn.Module) layer {
		return func(*argReader) (nn.Module, error) { return make(), nil }
	}
	layers := map[string]layer{
		"Linear": func(r *argReader) (nn.Module, error) {
			in, out := r.NeedInt(0, "inFeatures"), r.NeedInt(1, "outFeatures")
			bias := true
			if b := r.Value(2); typeOf(b) == js.TypeBoolean { // PyTorch's Linear(2, 8, false)
				bias = b.Bool()
			} else {
				bias = r.Options(2).Bool("bias", true)
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			return asModule(nn.NewLinear(in, out, bias))
		},
		"Conv2d": func(r *argReader) (nn.Module, error) {
			in, out, k := r.NeedInt(0, "inChannels"), r.NeedInt(1, "outChannels"), r.NeedInt(2, "kernelSize")
			o := r.Options(3, "stride", "padding", "dilation", "groups")
			opts := nn.ConvOptions{Stride: o.Int("stride", 1), Padding: o.Int("padding", 0), Dilation: o.Int("dilation", 1),
				NoBias: !o.Bool("bias", true)}
			if g := o.Int("groups", 1); r.ok() && g != 1 {
				r.failf("only groups = 1 is supported")
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			return asModule(nn.NewConv2d(in, out, k, opts))
		},
		"MaxPool2d": poolLayer(func(k int, o nn.PoolOptions) (nn.Module, error) { return nn.NewMaxPool2d(k, o) }),
		"AvgPool2d": poolLayer(func(k int, o nn.PoolOptions) (nn.Module, error) { return nn.NewAvgPool2d(k, o) }),
		"Flatten": func(r *argReader) (nn.Module, error) {
			o := r.Options(0, "startDim", "endDim")
			return nn.NewFlattenDims(o.Int("startDim", 1), o.Int("endDim", -1)), nil
		},
		"Dropout": func(r *argReader) (nn.Module, error) {
			return asModule(nn.NewDropout(r.Options(0, "p").Float("p", 0.5)))
		},
		"BatchNorm1d": normLayer(nn.NewBatchNorm1d),
		"BatchNorm2d": normLayer(nn.NewBatchNorm2d),
		"LayerNorm": func(r *argReader) (nn.Module, error) {
			shape, eps := r.IntList(0, "normalizedShape"), r.Options(1, "eps").Float("eps", 0)
			if err := r.Err(); err != nil {
				return nil, err
			}
			return asModule(nn.NewLayerNorm(shape, eps))
		},
		"Embedding": func(r *argReader) (nn.Module, error) {
			return asModule(nn.NewEmbedding(r.NeedInt(0, "numEmbeddings"), r.NeedInt(1, "embeddingDim")))
		},
		"ReLU":    simple(func() nn.Module { return nn.NewReLU() }),
		"GELU":    simple(func() nn.Module { return nn.NewGELU() }),
		"Sigmoid": simple(func() nn.Module { return nn.NewSigmoid() }),
		"Tanh":    simple(func() nn.Module { return nn.NewTanh() }),
		"LeakyReLU": func(r *argReader) (nn.Module, error) {
			return nn.NewLeakyReLU(float32(r.Options(0, "negativeSlope").Float("negativeSlope", 0.01))), nil
		},
		"Softmax": func(r *argReader) (nn.Module, error) {
			return nn.NewSoftmax(r.Options(0, "dim").Int("dim", -1)), nil
		},
	}
	out := map[string]binding{"Sequential": sequentialConstructor}
	for name, make := range layers {
		out[name] = layerBinding("tt.nn."+name, make)
	}
	return out
}

// layerBinding turns a layer constructor into a binding.
func layerBinding(name string, make layer) binding {
	return func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs(name, args)
		m, err := make(r)
		if err := r.Err(); err != nil {
			return nil, err
		}
		return wrapLayer(m, err)
	}
}

// wrapLayer wraps the result of a layer constructor that may fail.
func wrapLayer[M nn.Module](m M, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return wrapModule(m), nil
}

// asModule is the result of an engine constructor as a module.
func asModule[M nn.Module](m M, err error) (nn.Module, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}

// poolLayer binds MaxPool2d and AvgPool2d: (kernelSize, stride,
// padding, dilation) or (kernelSize, {stride, padding, dilation}).
func poolLayer(make func(int, nn.PoolOptions) (nn.Module, error)) layer {
	return func(r *argReader) (nn.Module, error) {
		k, o := r.NeedInt(0, "kernelSize"), r.Options(1, "stride", "padding", "dilation")
		opts := nn.PoolOptions{Stride: o.Int("stride", 0), Padding: o.Int("padding", 0), Dilation: o.Int("dilation", 0)}
		if err := r.Err(); err != nil {
			return nil, err
		}
		return make(k, opts)
	}
}

// normLayer binds BatchNorm1d and BatchNorm2d: (numFeatures,
// {eps, momentum, affine, trackRunningStats}).
func normLayer(make func(int, nn.NormOptions) (*nn.BatchNorm, error)) layer {
	return func(r *argReader) (nn.Module, error) {
		features, o := r.NeedInt(0, "numFeatures"), r.Options(1, "eps", "momentum")
		opts := nn.NormOptions{Eps: o.Float("eps", 0), Momentum: o.Float("momentum", 0),
			NoAffine: !o.Bool("affine", true), NoRunningStats: !o.Bool("trackRunningStats", true)}
		if err := r.Err(); err != nil {
			return nil, err
		}
		return asModule(make(features, opts))
	}
}

// sequentialConstructor is tt.nn.Sequential(...modules), also given one
// array of modules or one object of named modules (PyTorch's OrderedDict
// form: children named "features", "classifier").
func sequentialConstructor(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.nn.Sequential"
	s := nn.NewSequential()
	list := args
	if items, ok := elements(arg(args, 0)); len(args) == 1 && ok {
		list = items
	}
	if len(list) == 1 && typeOf(list[0]) == js.TypeObject && !isArray(list[0]) {
		if _, isModule := moduleOf(list[0]); !isModule {
			for _, key := range optionKeys(list[0]) {
				m, err := needModule(fmt.Sprintf("%s: entry %q", name, key), getProp(list[0], key))
				if err != nil {
					return nil, err
				}
				s.AppendNamed(key, m)
			}
			return wrapModule(s), nil
		}
	}
	for i, v := range list {
		m, err := needModule(fmt.Sprintf("%s: argument %d", name, i+1), v)
		if err != nil {
			return nil, err
		}
		s.Append(m)
	}
	return wrapModule(s), nil
}

// moduleMethods are the methods of every module object.
func moduleMethods() map[string]binding {
	k := func(name string, fn func(m nn.Module, this js.Value, r *argReader) (any, error)) binding {
		return kindMethod(moduleKind, name, fn)
	}
	forward := func(name string) binding {
		return k(name, func(m nn.Module, this js.Value, r *argReader) (any, error) {
			if a, ok := m.(*nn.MultiheadAttention); ok {
				return attentionCall(a, this, r) // nn_attention.go: (query, key, value, masks)
			}
			x := r.Tensor(0, "an input tensor")
			if err := r.Err(); err != nil {
				return nil, err
			}
			setInputShape(this, x.Shape())
			return tensors.wrapResult(nn.Call(m, x))
		})
	}
	named := func(list []nn.NamedParam) js.Value {
		arr := js.Global().Get("Array").New(len(list))
		for i, p := range list {
			arr.SetIndex(i, []any{p.Name, tensors.wrap(p.Tensor)})
		}
		return arr
	}
	namedModules := func(list []nn.NamedModule, pairs bool) js.Value {
		arr := js.Global().Get("Array").New(len(list))
		for i, c := range list {
			if pairs {
				arr.SetIndex(i, []any{c.Path, wrapModule(c.Module)})
			} else {
				arr.SetIndex(i, wrapModule(c.Module))
			}
		}
		return arr
	}
	return map[string]binding{
		"forward": forward("forward"),
		"call":    forward("call"),
		"parameters": k("parameters", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return wrapTensors(m.ParamTensors()), nil
		}),
		"namedParameters": k("namedParameters", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return named(m.Parameters()), nil
		}),
		"buffers": k("buffers", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			list := m.Buffers()
			ts := make([]*tensor.Tensor, len(list))
			for i, p := range list {
				ts[i] = p.Tensor
			}
			return wrapTensors(ts), nil
		}),
		"namedBuffers": k("namedBuffers", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return named(m.Buffers()), nil
		}),
		"children": k("children", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return namedModules(m.Base().Children(), false), nil
		}),
		"namedChildren": k("namedChildren", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return namedModules(m.Base().Children(), true), nil
		}),
		"modules": k("modules", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return namedModules(m.Base().Modules(), false), nil
		}),
		"namedModules": k("namedModules", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return namedModules(m.Base().Modules(), true), nil
		}),
		"train": k("train", func(m nn.Module, this js.Value, r *argReader) (any, error) {
			on := r.Bool(0, "mode", true)
			if err := r.Err(); err != nil {
				return nil, err
			}
			return this, settingModes(func() {
				if c, ok := m.(*cellModule); ok {
					// tt.nn.Module's own train, which a cell's override
					// reaches by super.train(on): JavaScript dispatched
					// to the override, if any, before this.
					c.ModuleBase.Train(on)
				} else {
					m.Train(on)
				}
			})
		}),
		"eval": k("eval", func(m nn.Module, this js.Value, _ *argReader) (any, error) {
			// Train(false): a cell's override, if any (nn_cell.go).
			return this, settingModes(m.Eval)
		}),
		"zeroGrad": k("zeroGrad", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			m.ZeroGrad()
			return nil, nil
		}),
		"numParams": k("numParams", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			return m.NumParams(), nil
		}),
		"stateDict": k("stateDict", func(m nn.Module, _ js.Value, _ *argReader) (any, error) {
			obj := js.Global().Get("Object").New()
			for _, p := range m.StateDict() {
				obj.Set(p.Name, tensors.wrap(p.Tensor))
			}
			return obj, nil
		}),
		"loadStateDict": k("loadStateDict", func(m nn.Module, _ js.Value, r *argReader) (any, error) {
			sd := r.Value(0)
			if typeOf(sd) != js.TypeObject || isArray(sd) {
				return nil, fmt.Errorf("loadStateDict: expected an object of tensors, such as model.stateDict(), got %s", describeJS(sd))
			}
			var state []nn.NamedParam
			for _, key := range optionKeys(sd) {
				state = append(state, nn.NamedParam{Name: key, Tensor: r.tensorValue(getProp(sd, key), "key "+key)})
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			return nil, m.LoadStateDict(state)
		}),
		"summary": k("summary", func(m nn.Module, this js.Value, r *argReader) (any, error) {
			shape := r.Ints(0, "inputShape")
			if err := r.Err(); err != nil {
				return nil, err
			}
			if len(shape) == 0 {
				shape = recordedShape(this)
			}
			b, err := moduleBundle(m, shape, true)
			if err != nil {
				return nil, err
			}
			return richValue(b), nil
		}),
		"apply": k("apply", func(m nn.Module, this js.Value, r *argReader) (any, error) {
			fn := r.Func(0, "the argument (a function of a module)")
			if err := r.Err(); err != nil {
				return nil, err
			}
			// Children first, then the module itself, as in PyTorch.
			all := m.Base().Modules()
			for i := len(all) - 1; i >= 0; i-- {
				if _, err := callJS(fn, wrapModule(all[i].Module)); err != nil {
					return nil, err
				}
			}
			return this, nil
		}),
		"append": k("append", func(m nn.Module, this js.Value, r *argReader) (any, error) {
			s, ok := m.(*nn.Sequential)
			if !ok {
				return nil, fmt.Errorf("append: only a Sequential can grow, this is a %s", m.Base().TypeName())
			}
			child := r.Module(0, "append")
			if err := r.Err(); err != nil {
				return nil, err
			}
			s.Append(child)
			this.Set(fmt.Sprint(s.Len()-1), r.Value(0))
			return this, nil
		}),
		"at": k("at", func(m nn.Module, _ js.Value, r *argReader) (any, error) {
			s, ok := m.(*nn.Sequential)
			if !ok {
				return nil, fmt.Errorf("at: only a Sequential is indexed, this is a %s", m.Base().TypeName())
			}
			i := r.NeedInt(0, "index")
			if err := r.Err(); err != nil {
				return nil, err
			}
			if i < 0 {
				i += s.Len()
			}
			if i < 0 || i >= s.Len() {
				return nil, fmt.Errorf("at: index %d is out of range for a Sequential of %d modules", i, s.Len())
			}
			return wrapModule(s.At(i)), nil
		}),
		"toString": k("toString", func(m nn.Module, _ js.Value, _ *argReader) (any, error) { return m.String(), nil }),
		"toJSON":   k("toJSON", func(m nn.Module, _ js.Value, _ *argReader) (any, error) { return m.String(), nil }),
	}
}

// moduleGetters are the read-only properties of module objects: the mode,
// the type, the length of a Sequential, the bundle display() shows, and
// the common parameter and buffer names (weight, bias, runningMean, …),
// null when the module has no such tensor.
func moduleGetters() map[string]binding {
	k := func(name string, fn func(m nn.Module, this js.Value) any) binding {
		return func(this js.Value, _ []js.Value) (any, error) {
			m, err := self[nn.Module](moduleKind, name, this)
			if err != nil {
				return nil, err
			}
			return fn(m, this), nil
		}
	}
	g := map[string]binding{
		"training": k("training", func(m nn.Module, _ js.Value) any { return m.Training() }),
		"typeName": k("typeName", func(m nn.Module, _ js.Value) any { return m.Base().TypeName() }),
		"length": k("length", func(m nn.Module, _ js.Value) any {
			if s, ok := m.(*nn.Sequential); ok {
				return s.Len()
			}
			return len(m.Base().Children())
		}),
		"__ttBundle": k("display", func(m nn.Module, this js.Value) any {
			b, err := moduleBundle(m, recordedShape(this), false)
			if err != nil {
				return js.Undefined()
			}
			return map[string]any(b)
		}),
	}
	for prop, key := range map[string]string{"weight": "weight", "bias": "bias", "runningMean": "running_mean", "runningVar": "running_var", "numBatchesTracked": "num_batches_tracked"} {
		g[prop] = k(prop, func(m nn.Module, _ js.Value) any {
			for _, p := range append(m.Parameters(), m.Buffers()...) {
				if p.Name == key && p.Tensor != nil {
					return tensors.wrap(p.Tensor)
				}
			}
			return nil
		})
	}
	return g
}

// recordedShape is the input shape of the module's last forward call,
// kept on its JavaScript object, or nil.
func recordedShape(obj js.Value) []int {
	v := getProp(obj, "_inputShape")
	if !isArray(v) {
		return nil
	}
	shape, err := intsFrom("", []js.Value{v}, 0, "")
	if err != nil {
		return nil
	}
	return shape
}

// inferInputShape guesses an input shape when the model was never called:
// [1, in] when its first layer is a Linear.
func inferInputShape(m nn.Module) []int {
	for _, c := range m.Base().Modules() {
		if len(c.Module.Base().Children()) > 0 {
			continue
		}
		if l, ok := c.Module.(*nn.Linear); ok {
			return []int{1, l.In}
		}
		return nil
	}
	return nil
}

// moduleBundle is how display() shows a module: the engine's summary
// (nn.Summary), with PyTorch's repr above a table of layers with output
// shapes (for inputShape, the last input, or a guess; the batch dimension
// shows as N) and parameter counts, as text and as an HTML table. With
// strict, a forward pass that fails is an error; otherwise the table is
// shown without shapes.
func moduleBundle(m nn.Module, inputShape []int, strict bool) (bundle, error) {
	if inputShape == nil {
		inputShape = inferInputShape(m)
	}
	s := m.Base().Layers()
	if len(inputShape) > 0 {
		run, err := m.Summary(append([]int{1}, inputShape[1:]...)...)
		switch {
		case err != nil && strict:
			return nil, fmt.Errorf("summary: %v", err)
		case err != nil:
			s.Note = "output shapes unknown: " + err.Error()
		default:
			s = run
		}
	} else {
		s.Note = "output shapes appear after the first forward pass, or with model.summary([N, …])"
	}
	s.Model, s.AnyBatch = m.String(), true
	return bundle{"text/plain": s.String(), "text/html": s.HTML()}, nil
}

// commas formats n with thousands separators: 101,770.
func commas(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// initFunctions are tt.nn.init's schemes, named as in PyTorch
// (kaimingUniform_, with the trailing underscore of an in-place function;
// the names without it work too). Each fills the tensor in place, outside
// the autograd graph, and returns it. The numbers after the tensor come
// positionally or in an options object: uniform_(w, -1, 1) or
// uniform_(w, {a: -1, b: 1}).
func initFunctions() map[string]binding {
	// A scheme reads its options and returns the fill, which runs only
	// when they were read without error.
	type scheme func(o *optReader) func(t *tensor.Tensor) error
	fns := map[string]binding{}
	add := func(name string, read scheme, positional ...string) {
		full := "tt.nn.init." + name + "_"
		fn := func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs(full, args)
			t, ok := tensors.unwrap(r.Value(0))
			if !ok {
				return nil, fmt.Errorf("%s: expected a tensor first, got %s", full, describeJS(r.Value(0)))
			}
			fill := read(r.Options(1, positional...))
			if err := r.Err(); err != nil {
				return nil, err
			}
			if err := fill(t); err != nil {
				return nil, fmt.Errorf("%s: %v", full, err)
			}
			return args[0], nil
		}
		fns[name+"_"] = fn
		fns[name] = fn
	}
	add("uniform", func(o *optReader) func(*tensor.Tensor) error {
		a, b := o.Float("a", 0), o.Float("b", 1)
		return func(t *tensor.Tensor) error { return nn.InitUniform(t, a, b) }
	}, "a", "b")
	add("normal", func(o *optReader) func(*tensor.Tensor) error {
		mean, std := o.Float("mean", 0), o.Float("std", 1)
		return func(t *tensor.Tensor) error { return nn.InitNormal(t, mean, std) }
	}, "mean", "std")
	add("constant", func(o *optReader) func(*tensor.Tensor) error {
		v := o.Float("val", 0)
		return func(t *tensor.Tensor) error { return nn.InitConstant(t, v) }
	}, "val")
	add("zeros", func(*optReader) func(*tensor.Tensor) error { return nn.InitZeros })
	add("ones", func(*optReader) func(*tensor.Tensor) error { return nn.InitOnes })
	xavier := func(fill func(*tensor.Tensor, float64) error) scheme {
		return func(o *optReader) func(*tensor.Tensor) error {
			gain := o.Float("gain", 1)
			return func(t *tensor.Tensor) error { return fill(t, gain) }
		}
	}
	add("xavierUniform", xavier(nn.InitXavierUniform), "gain")
	add("xavierNormal", xavier(nn.InitXavierNormal), "gain")
	kaiming := func(fill func(*tensor.Tensor, float64, nn.FanMode, string) error) scheme {
		return func(o *optReader) func(*tensor.Tensor) error {
			a, mode, nonlin := o.Float("a", 0), o.String("mode", "fanIn"), o.String("nonlinearity", "leakyRelu")
			return func(t *tensor.Tensor) error {
				switch mode {
				case "fanIn", "fan_in":
					return fill(t, a, nn.FanIn, snakeCase(nonlin))
				case "fanOut", "fan_out":
					return fill(t, a, nn.FanOut, snakeCase(nonlin))
				}
				return fmt.Errorf("mode %q: expected \"fanIn\" or \"fanOut\"", mode)
			}
		}
	}
	add("kaimingUniform", kaiming(nn.InitKaimingUniform), "a", "mode", "nonlinearity")
	add("kaimingNormal", kaiming(nn.InitKaimingNormal), "a", "mode", "nonlinearity")
	fns["calculateGain"] = func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("tt.nn.init.calculateGain", args)
		if nl := r.Value(0); typeOf(nl) != js.TypeString {
			return nil, fmt.Errorf("tt.nn.init.calculateGain: expected a nonlinearity name such as \"relu\", got %s", describeJS(nl))
		}
		nl, p := r.String(0, "nonlinearity", ""), r.Float(1, "param", 0)
		if err := r.Err(); err != nil {
			return nil, err
		}
		return nn.CalculateGain(snakeCase(nl), p)
	}
	return fns
}

// snakeCase turns leakyRelu or valLoss into leaky_relu or val_loss.
func snakeCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camelCase turns val_loss into valLoss.
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// functionalFunctions are tt.nn.functional's activations and layers as
// plain functions of tensors (the losses are added by loss.go).
func functionalFunctions() map[string]binding {
	fns := map[string]binding{}
	for _, name := range []string{"relu", "sigmoid", "tanh", "gelu", "leakyRelu", "softmax", "logSoftmax"} {
		fns[name] = tensors.functional(name)
	}
	fns["linear"] = func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("tt.nn.functional.linear", args)
		x, w := r.Tensor(0, "input"), r.Tensor(1, "weight")
		var bias *tensor.Tensor
		if r.Has(2) {
			bias = r.Tensor(2, "bias")
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
		if w.Dim() != 2 {
			return nil, fmt.Errorf("%s: weight of shape %v, expected [out, in]", r.name, w.Shape())
		}
		wt, err := w.Transpose(0, 1)
		if err != nil {
			return nil, err
		}
		y, err := x.Matmul(wt)
		if err == nil && bias != nil {
			y, err = y.Add(bias)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", r.name, err)
		}
		return tensors.wrap(y), nil
	}
	fns["dropout"] = func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("tt.nn.functional.dropout", args)
		x, o := r.Tensor(0, "input"), r.Options(1, "p")
		p, training := o.Float("p", 0.5), o.Bool("training", true)
		if err := r.Err(); err != nil {
			return nil, err
		}
		d, err := nn.NewDropout(p)
		if err != nil {
			return nil, err
		}
		d.Train(training)
		return tensors.wrapResult(d.Forward(x))
	}
	return fns
}
