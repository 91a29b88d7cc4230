//go:build js && wasm

package kernel

import (
	"fmt"
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
	moduleKind.build(moduleMethods(), moduleGetters())
	ns := object(layerConstructors())
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

// wrapModule gives a module a JavaScript object. Its children are
// properties too, wrapped the same way: model[0] for a Sequential,
// model.features for a named child, as in PyTorch.
func wrapModule(m nn.Module) js.Value {
	obj := moduleKind.wrap(m)
	for _, c := range m.Base().Children() {
		if getProp(moduleKind.proto, c.Path).IsUndefined() {
			obj.Set(c.Path, wrapModule(c.Module))
		}
	}
	return obj
}

// layerConstructors are tt.nn's layer classes; each is a function
// returning a module object (new is optional: tt.nn.Linear(2, 8)).
func layerConstructors() map[string]binding {
	simple := func(make func() nn.Module) binding {
		return func(js.Value, []js.Value) (any, error) { return wrapModule(make()), nil }
	}
	return map[string]binding{
		"Linear": func(_ js.Value, args []js.Value) (any, error) {
			in, err := needInt("tt.nn.Linear", args, 0, "inFeatures")
			if err != nil {
				return nil, err
			}
			out, err := needInt("tt.nn.Linear", args, 1, "outFeatures")
			if err != nil {
				return nil, err
			}
			bias := true
			if b := arg(args, 2); typeOf(b) == js.TypeBoolean {
				bias = b.Bool()
			} else if bias, err = boolOpt("tt.nn.Linear", args, 2, "bias", true); err != nil {
				return nil, err
			}
			return wrapLayer(nn.NewLinear(in, out, bias))
		},
		"Conv2d": func(_ js.Value, args []js.Value) (any, error) {
			const name = "tt.nn.Conv2d"
			var sizes [3]int
			for i, what := range []string{"inChannels", "outChannels", "kernelSize"} {
				v, err := needInt(name, args, i, what)
				if err != nil {
					return nil, err
				}
				sizes[i] = v
			}
			var o nn.ConvOptions
			var err error
			if o.Stride, err = intOpt(name, args, 3, 0, "stride", 1); err != nil {
				return nil, err
			}
			if o.Padding, err = intOpt(name, args, 3, 1, "padding", 0); err != nil {
				return nil, err
			}
			if o.Dilation, err = intOpt(name, args, 3, 2, "dilation", 1); err != nil {
				return nil, err
			}
			if g, err := intOpt(name, args, 3, 3, "groups", 1); err != nil || g != 1 {
				return nil, fmt.Errorf("%s: only groups = 1 is supported", name)
			}
			bias, err := boolOpt(name, args, 3, "bias", true)
			if err != nil {
				return nil, err
			}
			o.NoBias = !bias
			return wrapLayer(nn.NewConv2d(sizes[0], sizes[1], sizes[2], o))
		},
		"MaxPool2d": poolConstructor("MaxPool2d", func(k int, o nn.PoolOptions) (nn.Module, error) { return nn.NewMaxPool2d(k, o) }),
		"AvgPool2d": poolConstructor("AvgPool2d", func(k int, o nn.PoolOptions) (nn.Module, error) { return nn.NewAvgPool2d(k, o) }),
		"Flatten": func(_ js.Value, args []js.Value) (any, error) {
			start, err := intOpt("tt.nn.Flatten", args, 0, 0, "startDim", 1)
			if err != nil {
				return nil, err
			}
			end, err := intOpt("tt.nn.Flatten", args, 0, 1, "endDim", -1)
			if err != nil {
				return nil, err
			}
			return wrapModule(nn.NewFlattenDims(start, end)), nil
		},
		"Dropout": func(_ js.Value, args []js.Value) (any, error) {
			p, err := numOpt("tt.nn.Dropout", args, 0, 0, "p", 0.5)
			if err != nil {
				return nil, err
			}
			return wrapLayer(nn.NewDropout(p))
		},
		"BatchNorm1d": normConstructor("BatchNorm1d", nn.NewBatchNorm1d),
		"BatchNorm2d": normConstructor("BatchNorm2d", nn.NewBatchNorm2d),
		"LayerNorm": func(_ js.Value, args []js.Value) (any, error) {
			shape, err := intsFrom("tt.nn.LayerNorm", []js.Value{arg(args, 0)}, 0, "normalizedShape")
			if err != nil {
				return nil, err
			}
			eps, err := numOpt("tt.nn.LayerNorm", args, 1, 0, "eps", 0)
			if err != nil {
				return nil, err
			}
			return wrapLayer(nn.NewLayerNorm(shape, eps))
		},
		"Embedding": func(_ js.Value, args []js.Value) (any, error) {
			num, err := needInt("tt.nn.Embedding", args, 0, "numEmbeddings")
			if err != nil {
				return nil, err
			}
			dim, err := needInt("tt.nn.Embedding", args, 1, "embeddingDim")
			if err != nil {
				return nil, err
			}
			return wrapLayer(nn.NewEmbedding(num, dim))
		},
		"ReLU":    simple(func() nn.Module { return nn.NewReLU() }),
		"GELU":    simple(func() nn.Module { return nn.NewGELU() }),
		"Sigmoid": simple(func() nn.Module { return nn.NewSigmoid() }),
		"Tanh":    simple(func() nn.Module { return nn.NewTanh() }),
		"LeakyReLU": func(_ js.Value, args []js.Value) (any, error) {
			slope, err := numOpt("tt.nn.LeakyReLU", args, 0, 0, "negativeSlope", 0.01)
			if err != nil {
				return nil, err
			}
			return wrapModule(nn.NewLeakyReLU(float32(slope))), nil
		},
		"Softmax": func(_ js.Value, args []js.Value) (any, error) {
			dim, err := intOpt("tt.nn.Softmax", args, 0, 0, "dim", -1)
			if err != nil {
				return nil, err
			}
			return wrapModule(nn.NewSoftmax(dim)), nil
		},
		"Sequential": sequentialConstructor,
	}
}

// wrapLayer wraps the result of a layer constructor that may fail.
func wrapLayer[M nn.Module](m M, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return wrapModule(m), nil
}

// poolConstructor binds MaxPool2d and AvgPool2d: (kernelSize, stride,
// padding, dilation) or (kernelSize, {stride, padding, dilation}).
func poolConstructor(typ string, make func(int, nn.PoolOptions) (nn.Module, error)) binding {
	name := "tt.nn." + typ
	return func(_ js.Value, args []js.Value) (any, error) {
		k, err := needInt(name, args, 0, "kernelSize")
		if err != nil {
			return nil, err
		}
		var o nn.PoolOptions
		if o.Stride, err = intOpt(name, args, 1, 0, "stride", 0); err != nil {
			return nil, err
		}
		if o.Padding, err = intOpt(name, args, 1, 1, "padding", 0); err != nil {
			return nil, err
		}
		if o.Dilation, err = intOpt(name, args, 1, 2, "dilation", 0); err != nil {
			return nil, err
		}
		return wrapLayer(make(k, o))
	}
}

// normConstructor binds BatchNorm1d and BatchNorm2d: (numFeatures,
// {eps, momentum, affine, trackRunningStats}).
func normConstructor(typ string, make func(int, nn.NormOptions) (*nn.BatchNorm, error)) binding {
	name := "tt.nn." + typ
	return func(_ js.Value, args []js.Value) (any, error) {
		features, err := needInt(name, args, 0, "numFeatures")
		if err != nil {
			return nil, err
		}
		var o nn.NormOptions
		if o.Eps, err = numOpt(name, args, 1, 0, "eps", 0); err != nil {
			return nil, err
		}
		if o.Momentum, err = numOpt(name, args, 1, 1, "momentum", 0); err != nil {
			return nil, err
		}
		affine, err := boolOpt(name, args, 1, "affine", true)
		if err != nil {
			return nil, err
		}
		running, err := boolOpt(name, args, 1, "trackRunningStats", true)
		if err != nil {
			return nil, err
		}
		o.NoAffine, o.NoRunningStats = !affine, !running
		return wrapLayer(make(features, o))
	}
}

// sequentialConstructor is tt.nn.Sequential(...modules), also given one
// array of modules or one object of named modules (PyTorch's OrderedDict
// form: children named "features", "classifier").
func sequentialConstructor(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.nn.Sequential"
	s := nn.NewSequential()
	list := args
	if len(args) == 1 && isArray(args[0]) {
		list = make([]js.Value, args[0].Length())
		for i := range list {
			list[i] = args[0].Index(i)
		}
	}
	if len(list) == 1 && typeOf(list[0]) == js.TypeObject && !isArray(list[0]) {
		if _, isModule := moduleOf(list[0]); !isModule {
			keys := js.Global().Get("Object").Call("keys", list[0])
			for i := 0; i < keys.Length(); i++ {
				key := keys.Index(i).String()
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
	k := func(name string, fn func(m nn.Module, this js.Value, args []js.Value) (any, error)) binding {
		return func(this js.Value, args []js.Value) (any, error) {
			s, err := self[nn.Module](moduleKind, name, this)
			if err != nil {
				return nil, err
			}
			return fn(s, this, args)
		}
	}
	forward := func(name string) binding {
		return k(name, func(m nn.Module, this js.Value, args []js.Value) (any, error) {
			if err := needArgs(name, args, 1, "an input tensor"); err != nil {
				return nil, err
			}
			x, err := tensors.operand(name, args[0])
			if err != nil {
				return nil, err
			}
			this.Set("_inputShape", intsToJS(x.Shape()))
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
		"parameters": k("parameters", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return wrapTensors(m.ParamTensors()), nil
		}),
		"namedParameters": k("namedParameters", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return named(m.Parameters()), nil
		}),
		"buffers": k("buffers", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			list := m.Buffers()
			ts := make([]*tensor.Tensor, len(list))
			for i, p := range list {
				ts[i] = p.Tensor
			}
			return wrapTensors(ts), nil
		}),
		"namedBuffers": k("namedBuffers", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return named(m.Buffers()), nil
		}),
		"children": k("children", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return namedModules(m.Base().Children(), false), nil
		}),
		"namedChildren": k("namedChildren", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return namedModules(m.Base().Children(), true), nil
		}),
		"modules": k("modules", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return namedModules(m.Base().Modules(), false), nil
		}),
		"namedModules": k("namedModules", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return namedModules(m.Base().Modules(), true), nil
		}),
		"train": k("train", func(m nn.Module, this js.Value, args []js.Value) (any, error) {
			on, err := boolArg("train", args, 0, "mode", true)
			if err != nil {
				return nil, err
			}
			m.Train(on)
			return this, nil
		}),
		"eval": k("eval", func(m nn.Module, this js.Value, _ []js.Value) (any, error) {
			m.Eval()
			return this, nil
		}),
		"zeroGrad": k("zeroGrad", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			m.ZeroGrad()
			return nil, nil
		}),
		"numParams": k("numParams", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			return m.NumParams(), nil
		}),
		"stateDict": k("stateDict", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) {
			obj := js.Global().Get("Object").New()
			for _, p := range m.StateDict() {
				obj.Set(p.Name, tensors.wrap(p.Tensor))
			}
			return obj, nil
		}),
		"loadStateDict": k("loadStateDict", func(m nn.Module, _ js.Value, args []js.Value) (any, error) {
			sd := arg(args, 0)
			if typeOf(sd) != js.TypeObject || isArray(sd) {
				return nil, fmt.Errorf("loadStateDict: expected an object of tensors, such as model.stateDict(), got %s", describeJS(sd))
			}
			keys := js.Global().Get("Object").Call("keys", sd)
			state := make([]nn.NamedParam, keys.Length())
			for i := range state {
				key := keys.Index(i).String()
				t, err := tensors.operand("loadStateDict: key "+key, getProp(sd, key))
				if err != nil {
					return nil, err
				}
				state[i] = nn.NamedParam{Name: key, Tensor: t}
			}
			return nil, m.LoadStateDict(state)
		}),
		"summary": k("summary", func(m nn.Module, this js.Value, args []js.Value) (any, error) {
			shape, err := intsFrom("summary", args, 0, "inputShape")
			if err != nil {
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
		"apply": k("apply", func(m nn.Module, this js.Value, args []js.Value) (any, error) {
			fn := arg(args, 0)
			if typeOf(fn) != js.TypeFunction {
				return nil, fmt.Errorf("apply: expected a function of a module, got %s", describeJS(fn))
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
		"append": k("append", func(m nn.Module, this js.Value, args []js.Value) (any, error) {
			s, ok := m.(*nn.Sequential)
			if !ok {
				return nil, fmt.Errorf("append: only a Sequential can grow, this is a %s", m.Base().TypeName())
			}
			child, err := needModule("append", arg(args, 0))
			if err != nil {
				return nil, err
			}
			s.Append(child)
			this.Set(fmt.Sprint(s.Len()-1), arg(args, 0))
			return this, nil
		}),
		"at": k("at", func(m nn.Module, _ js.Value, args []js.Value) (any, error) {
			s, ok := m.(*nn.Sequential)
			if !ok {
				return nil, fmt.Errorf("at: only a Sequential is indexed, this is a %s", m.Base().TypeName())
			}
			i, err := needInt("at", args, 0, "index")
			if err != nil {
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
		"toString": k("toString", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) { return m.String(), nil }),
		"toJSON":   k("toJSON", func(m nn.Module, _ js.Value, _ []js.Value) (any, error) { return m.String(), nil }),
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
// the autograd graph, and returns it.
func initFunctions() map[string]binding {
	fns := map[string]binding{}
	add := func(name string, fill func(t *tensor.Tensor, args []js.Value) error) {
		full := "tt.nn.init." + name + "_"
		fn := func(_ js.Value, args []js.Value) (any, error) {
			t, ok := tensors.unwrap(arg(args, 0))
			if !ok {
				return nil, fmt.Errorf("%s: expected a tensor first, got %s", full, describeJS(arg(args, 0)))
			}
			if err := fill(t, args); err != nil {
				return nil, fmt.Errorf("%s: %v", full, err)
			}
			return args[0], nil
		}
		fns[name+"_"] = fn
		fns[name] = fn
	}
	num := func(args []js.Value, i int, key string, def float64) (float64, error) {
		return numOpt("tt.nn.init", args, 1, i-1, key, def)
	}
	add("uniform", func(t *tensor.Tensor, args []js.Value) error {
		a, err := num(args, 1, "a", 0)
		if err != nil {
			return err
		}
		b, err := num(args, 2, "b", 1)
		if err != nil {
			return err
		}
		return nn.InitUniform(t, a, b)
	})
	add("normal", func(t *tensor.Tensor, args []js.Value) error {
		mean, err := num(args, 1, "mean", 0)
		if err != nil {
			return err
		}
		std, err := num(args, 2, "std", 1)
		if err != nil {
			return err
		}
		return nn.InitNormal(t, mean, std)
	})
	add("constant", func(t *tensor.Tensor, args []js.Value) error {
		v, err := num(args, 1, "val", 0)
		if err != nil {
			return err
		}
		return nn.InitConstant(t, v)
	})
	add("zeros", func(t *tensor.Tensor, _ []js.Value) error { return nn.InitZeros(t) })
	add("ones", func(t *tensor.Tensor, _ []js.Value) error { return nn.InitOnes(t) })
	xavier := func(fill func(*tensor.Tensor, float64) error) func(*tensor.Tensor, []js.Value) error {
		return func(t *tensor.Tensor, args []js.Value) error {
			gain, err := num(args, 1, "gain", 1)
			if err != nil {
				return err
			}
			return fill(t, gain)
		}
	}
	add("xavierUniform", xavier(nn.InitXavierUniform))
	add("xavierNormal", xavier(nn.InitXavierNormal))
	kaiming := func(fill func(*tensor.Tensor, float64, nn.FanMode, string) error) func(*tensor.Tensor, []js.Value) error {
		return func(t *tensor.Tensor, args []js.Value) error {
			a, err := num(args, 1, "a", 0)
			if err != nil {
				return err
			}
			mode, nonlin := option(args, 1, "mode"), option(args, 1, "nonlinearity")
			if o := arg(args, 1); typeOf(o) != js.TypeObject {
				mode, nonlin = arg(args, 2), arg(args, 3)
			}
			fan := nn.FanIn
			if typeOf(mode) == js.TypeString {
				switch mode.String() {
				case "fanIn", "fan_in":
				case "fanOut", "fan_out":
					fan = nn.FanOut
				default:
					return fmt.Errorf("mode %q: expected \"fanIn\" or \"fanOut\"", mode.String())
				}
			}
			nl := "leaky_relu"
			if typeOf(nonlin) == js.TypeString {
				nl = snakeCase(nonlin.String())
			}
			return fill(t, a, fan, nl)
		}
	}
	add("kaimingUniform", kaiming(nn.InitKaimingUniform))
	add("kaimingNormal", kaiming(nn.InitKaimingNormal))
	fns["calculateGain"] = func(_ js.Value, args []js.Value) (any, error) {
		nl := arg(args, 0)
		if typeOf(nl) != js.TypeString {
			return nil, fmt.Errorf("tt.nn.init.calculateGain: expected a nonlinearity name such as \"relu\", got %s", describeJS(nl))
		}
		p, err := floatArg("tt.nn.init.calculateGain", args, 1, "param", 0)
		if err != nil {
			return nil, err
		}
		return nn.CalculateGain(snakeCase(nl.String()), p)
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
		const name = "tt.nn.functional.linear"
		var ops [3]*tensor.Tensor
		for i := range ops {
			if i == 2 && (arg(args, 2).IsUndefined() || arg(args, 2).IsNull()) {
				break
			}
			t, err := tensors.operand(name, arg(args, i))
			if err != nil {
				return nil, err
			}
			ops[i] = t
		}
		if ops[1].Dim() != 2 {
			return nil, fmt.Errorf("%s: weight of shape %v, expected [out, in]", name, ops[1].Shape())
		}
		wt, err := ops[1].Transpose(0, 1)
		if err != nil {
			return nil, err
		}
		y, err := ops[0].Matmul(wt)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if ops[2] != nil {
			if y, err = y.Add(ops[2]); err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
		}
		return tensors.wrap(y), nil
	}
	fns["dropout"] = func(_ js.Value, args []js.Value) (any, error) {
		const name = "tt.nn.functional.dropout"
		x, err := tensors.operand(name, arg(args, 0))
		if err != nil {
			return nil, err
		}
		p, err := numOpt(name, args, 1, 0, "p", 0.5)
		if err != nil {
			return nil, err
		}
		training, err := boolOpt(name, args, 1, "training", true)
		if err != nil {
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
