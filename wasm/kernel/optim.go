//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// Bindings of engine/optim: tt.optim.SGD, Adam, AdamW, RMSprop,
// tt.optim.lrScheduler.* and tt.optim.clipGradNorm, with PyTorch's option
// names in camelCase: tt.optim.SGD(model.parameters(), {lr: 0.1,
// momentum: 0.9}), tt.optim.lrScheduler.StepLR(opt, {stepSize: 10,
// gamma: 0.5}). An optimizer updates the module's own Go tensors in place.
// tt.optim.Optimizer and tt.optim.LRScheduler, the base classes of a
// cell's own optimizers and schedulers, are in optim_cell.go.

var (
	optimizerKind = newKind("optimizer")
	schedulerKind = newKind("scheduler")
	groupKind     = newKind("parameter group")
)

// newOptim builds tt.optim.
func newOptim() js.Value {
	optimizerKind.build(map[string]binding{
		"step": kindMethod(optimizerKind, "step", func(o optim.Optimizer, _ js.Value, _ *argReader) (any, error) {
			return nil, o.Step()
		}),
		"zeroGrad": kindMethod(optimizerKind, "zeroGrad", func(o optim.Optimizer, _ js.Value, _ *argReader) (any, error) {
			o.ZeroGrad()
			return nil, nil
		}),
		"addParamGroup": kindMethod(optimizerKind, "addParamGroup", func(o optim.Optimizer, _ js.Value, r *argReader) (any, error) {
			return nil, addGroup(r, o)
		}),
		"toString": kindMethod(optimizerKind, "toString", func(o optim.Optimizer, _ js.Value, _ *argReader) (any, error) {
			return optimizerString(o), nil
		}),
	}, map[string]binding{
		"paramGroups": kindMethod(optimizerKind, "paramGroups", func(o optim.Optimizer, _ js.Value, _ *argReader) (any, error) {
			groups := o.ParamGroups()
			arr := js.Global().Get("Array").New(len(groups))
			for i, g := range groups {
				arr.SetIndex(i, groupKind.wrap(g))
			}
			return arr, nil
		}),
	})
	groupKind.build(map[string]binding{}, map[string]binding{
		"params": kindMethod(groupKind, "params", func(g *optim.Group, _ js.Value, _ *argReader) (any, error) {
			return wrapTensors(g.Params), nil
		}),
	})
	// A group's hyperparameters can be read and set, as in PyTorch's
	// opt.param_groups[0]["lr"] = 0.01: opt.paramGroups[0].lr = 0.01.
	for _, field := range []string{"lr", "momentum", "weightDecay"} {
		ptr := func(g *optim.Group) *float64 {
			switch field {
			case "lr":
				return &g.LR
			case "momentum":
				return &g.Momentum
			}
			return &g.WeightDecay
		}
		get := function(field, kindMethod(groupKind, field, func(g *optim.Group, _ js.Value, _ *argReader) (any, error) {
			return *ptr(g), nil
		}))
		set := function(field, kindMethod(groupKind, "paramGroups[i]."+field, func(g *optim.Group, _ js.Value, r *argReader) (any, error) {
			if v := r.Float(0, field, *ptr(g)); r.ok() {
				*ptr(g) = v
			}
			return nil, nil
		}))
		js.Global().Get("Object").Call("defineProperty", groupKind.proto, field, map[string]any{"get": get, "set": set, "enumerable": true})
	}
	schedulerKind.build(map[string]binding{
		"step": kindMethod(schedulerKind, "step", func(s optim.Scheduler, _ js.Value, _ *argReader) (any, error) {
			return nil, s.Step()
		}),
		"getLastLr": kindMethod(schedulerKind, "getLastLr", func(s optim.Scheduler, _ js.Value, _ *argReader) (any, error) {
			return floatsToJS(s.LastLR()), nil
		}),
		"toString": kindMethod(schedulerKind, "toString", func(s optim.Scheduler, _ js.Value, _ *argReader) (any, error) {
			return strings.TrimPrefix(fmt.Sprintf("%T", s), "*optim."), nil
		}),
	}, nil)

	ns := object(map[string]binding{
		"SGD":          optimizerBinding("tt.optim.SGD", sgd),
		"Adam":         optimizerBinding("tt.optim.Adam", adam(optim.NewAdam)),
		"AdamW":        optimizerBinding("tt.optim.AdamW", adam(optim.NewAdamW)),
		"RMSprop":      optimizerBinding("tt.optim.RMSprop", rmsprop),
		"clipGradNorm": clipGradNormFunc,
	})
	ns.Set("Optimizer", cellOptimizerClass()) // base classes for cells (optim_cell.go)
	ns.Set("LRScheduler", cellSchedulerClass())
	sched := object(schedulerConstructors())
	sched.Set("LRScheduler", ns.Get("LRScheduler"))
	ns.Set("lrScheduler", sched)
	return ns
}

// optimizerOf returns the Go optimizer behind a JavaScript one.
func optimizerOf(v js.Value) (optim.Optimizer, bool) {
	x, ok := objects.get(v)
	if !ok {
		return nil, false
	}
	o, ok := x.(optim.Optimizer)
	return o, ok
}

// schedulerOf returns the Go scheduler behind a JavaScript one.
func schedulerOf(v js.Value) (optim.Scheduler, bool) {
	x, ok := objects.get(v)
	if !ok {
		return nil, false
	}
	s, ok := x.(optim.Scheduler)
	return s, ok
}

// groupSpec is one parameter group given as {params, lr, momentum,
// weightDecay}; a missing number is NaN (the optimizer's default).
type groupSpec struct {
	params               []*tensor.Tensor
	lr, momentum, weight js.Value
}

// paramGroups reads an optimizer's first argument: an array of tensors
// (model.parameters()), a module, or an array of groups
// [{params, lr}, …] as in PyTorch.
func (r *argReader) paramGroups(i int) []groupSpec {
	v := r.Value(i)
	if !r.ok() {
		return nil
	}
	if isArray(v) && v.Length() > 0 && typeOf(v.Index(0)) == js.TypeObject && !isArray(v.Index(0)) {
		if _, isTensor := tensors.unwrap(v.Index(0)); !isTensor {
			groups := make([]groupSpec, v.Length())
			for i := range groups {
				g := v.Index(i)
				ps, err := tensorList(fmt.Sprintf("%s: group %d: params", r.name, i), getProp(g, "params"))
				if err != nil {
					r.err = err
					return nil
				}
				groups[i] = groupSpec{ps, getProp(g, "lr"), getProp(g, "momentum"), getProp(g, "weightDecay")}
			}
			return groups
		}
	}
	ps, err := tensorList(r.name, v)
	if err != nil {
		r.err = err
		return nil
	}
	if len(ps) == 0 {
		r.failf("got an empty list of parameters")
		return nil
	}
	u := js.Undefined()
	return []groupSpec{{ps, u, u, u}}
}

// optimizerBinding makes the binding of an optimizer class from a maker
// that reads the options (positionally, lr alone: SGD(p, 0.1)) and
// builds the optimizer over the first group's parameters.
func optimizerBinding(name string, make func(o *optReader, groups []groupSpec) (optim.Optimizer, error)) binding {
	return func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs(name, args)
		groups := r.paramGroups(0)
		o := r.Options(1, "lr")
		if !r.ok() { // Err would also check the option keys, which make has yet to read
			return nil, r.err
		}
		opt, err := make(o, groups)
		if err := r.Err(); err != nil {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return finishOptimizer(name, opt, groups)
	}
}

// sgd reads tt.optim.SGD's options {lr, momentum, dampening, weightDecay,
// nesterov, maximize}; lr is required, in the options or the first group.
func sgd(o *optReader, groups []groupSpec) (optim.Optimizer, error) {
	opts := optim.SGDOptions{LR: o.Float("lr", 0), Momentum: o.Float("momentum", 0), Dampening: o.Float("dampening", 0),
		WeightDecay: o.Float("weightDecay", 0), Nesterov: o.Bool("nesterov", false), Maximize: o.Bool("maximize", false)}
	if opts.LR == 0 && typeOf(groups[0].lr) == js.TypeNumber {
		opts.LR = groups[0].lr.Float()
	}
	if opts.LR == 0 && o.r.ok() {
		o.r.failf("the learning rate is required, such as tt.optim.SGD(model.parameters(), {lr: 0.1})")
	}
	if err := o.r.Err(); err != nil {
		return nil, err
	}
	return optim.NewSGD(groups[0].params, opts)
}

// adam reads the options of Adam and AdamW: {lr, betas, eps, weightDecay,
// amsgrad, maximize}.
func adam(make func([]*tensor.Tensor, optim.AdamOptions) (*optim.Adam, error)) func(*optReader, []groupSpec) (optim.Optimizer, error) {
	return func(o *optReader, groups []groupSpec) (optim.Optimizer, error) {
		opts := optim.AdamOptions{LR: o.Float("lr", 0), Eps: o.Float("eps", 0), WeightDecay: o.Float("weightDecay", 0),
			AMSGrad: o.Bool("amsgrad", false), Maximize: o.Bool("maximize", false)}
		if betas := o.Value("betas"); !betas.IsUndefined() && o.r.ok() {
			bs, err := floatList("", betas)
			if err != nil || len(bs) != 2 {
				o.r.failf("betas must be two numbers, such as [0.9, 0.999]")
			} else {
				opts.Beta1, opts.Beta2 = bs[0], bs[1]
			}
		}
		if err := o.r.Err(); err != nil {
			return nil, err
		}
		return make(groups[0].params, opts)
	}
}

// rmsprop reads tt.optim.RMSprop's options {lr, alpha, eps, weightDecay,
// momentum, centered, maximize}.
func rmsprop(o *optReader, groups []groupSpec) (optim.Optimizer, error) {
	opts := optim.RMSpropOptions{LR: o.Float("lr", 0), Alpha: o.Float("alpha", 0), Eps: o.Float("eps", 0),
		WeightDecay: o.Float("weightDecay", 0), Momentum: o.Float("momentum", 0),
		Centered: o.Bool("centered", false), Maximize: o.Bool("maximize", false)}
	if err := o.r.Err(); err != nil {
		return nil, err
	}
	return optim.NewRMSprop(groups[0].params, opts)
}

// finishOptimizer adds the groups after the first and applies each
// group's own settings.
func finishOptimizer(name string, o optim.Optimizer, groups []groupSpec) (any, error) {
	for _, g := range groups[1:] {
		lr := firstLR(o)
		if typeOf(g.lr) == js.TypeNumber {
			lr = g.lr.Float()
		}
		if err := o.AddParamGroup(g.params, lr); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	for i, g := range o.ParamGroups() {
		spec := groups[i]
		if typeOf(spec.lr) == js.TypeNumber {
			g.LR = spec.lr.Float()
		}
		if typeOf(spec.momentum) == js.TypeNumber {
			g.Momentum = spec.momentum.Float()
		}
		if typeOf(spec.weight) == js.TypeNumber {
			g.WeightDecay = spec.weight.Float()
		}
	}
	return optimizerKind.wrap(o), nil
}

// addGroup is opt.addParamGroup({params, lr}).
func addGroup(r *argReader, o optim.Optimizer) error {
	if !isOptionsObject(r.Value(0)) {
		return fmt.Errorf("%s: expected {params, lr}, got %s", r.name, describeJS(r.Value(0)))
	}
	g := r.Options(0)
	ps, err := tensorList(r.name+": params", g.Value("params"))
	lr := g.Float("lr", firstLR(o))
	if err := r.Err(); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	return o.AddParamGroup(ps, lr)
}

// firstLR returns the first group's learning rate.
func firstLR(o optim.Optimizer) float64 {
	if g := o.ParamGroups(); len(g) > 0 {
		return g[0].LR
	}
	return 0
}

// schedulerConstructors are tt.optim.lrScheduler's classes. Each takes the
// optimizer, then an options object or PyTorch's positional numbers:
// StepLR(opt, {stepSize: 10}) or StepLR(opt, 10).
func schedulerConstructors() map[string]binding {
	sched := func(typ string, make func(o *optReader, opt optim.Optimizer) (optim.Scheduler, error), positional ...string) binding {
		name := "tt.optim.lrScheduler." + typ
		return func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs(name, args)
			opt, ok := optimizerOf(r.Value(0))
			if !ok {
				return nil, fmt.Errorf("%s: expected an optimizer first, such as tt.optim.SGD(…), got %s", name, describeJS(r.Value(0)))
			}
			s, err := make(r.Options(1, positional...), opt)
			if err := r.Err(); err != nil {
				return nil, err
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "optim: "))
			}
			return schedulerKind.wrap(s), nil
		}
	}
	return map[string]binding{
		"StepLR": sched("StepLR", func(o *optReader, opt optim.Optimizer) (optim.Scheduler, error) {
			step, gamma := o.Int("stepSize", 0), o.Float("gamma", 0.1)
			if !o.r.ok() {
				return nil, nil
			}
			return optim.NewStepLR(opt, step, gamma)
		}, "stepSize", "gamma"),
		"CosineAnnealingLR": sched("CosineAnnealingLR", func(o *optReader, opt optim.Optimizer) (optim.Scheduler, error) {
			tMax, etaMin := o.Int("tMax", 0), o.Float("etaMin", 0)
			if !o.r.ok() {
				return nil, nil
			}
			return optim.NewCosineAnnealingLR(opt, tMax, etaMin)
		}, "tMax", "etaMin"),
		"LinearLR": sched("LinearLR", func(o *optReader, opt optim.Optimizer) (optim.Scheduler, error) {
			start, end, total := o.Float("startFactor", 1.0/3), o.Float("endFactor", 1), o.Int("totalIters", 5)
			if !o.r.ok() {
				return nil, nil
			}
			return optim.NewLinearLR(opt, start, end, total)
		}, "startFactor", "endFactor", "totalIters"),
		"OneCycleLR": sched("OneCycleLR", func(o *optReader, opt optim.Optimizer) (optim.Scheduler, error) {
			c := optim.OneCycleOptions{MaxLR: o.Float("maxLr", 0), TotalSteps: o.Int("totalSteps", 0),
				PctStart: o.Float("pctStart", 0), DivFactor: o.Float("divFactor", 0), FinalDivFactor: o.Float("finalDivFactor", 0),
				BaseMomentum: o.Float("baseMomentum", 0), MaxMomentum: o.Float("maxMomentum", 0),
				FixedMomentum: !o.Bool("cycleMomentum", true), LinearAnneal: o.String("annealStrategy", "cos") == "linear"}
			if epochs, per := o.Int("epochs", 0), o.Int("stepsPerEpoch", 0); c.TotalSteps == 0 {
				c.TotalSteps = epochs * per
			}
			if !o.r.ok() {
				return nil, nil
			}
			return optim.NewOneCycleLR(opt, c)
		}, "maxLr", "totalSteps"),
	}
}

// clipGradNormFunc is tt.optim.clipGradNorm(params, maxNorm) (also
// tt.nn.utils.clipGradNorm_): it rescales the gradients so that their
// global norm is at most maxNorm and returns the norm before clipping.
func clipGradNormFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("clipGradNorm", args)
	ps, err := tensorList(r.name, r.Value(0))
	if err != nil {
		return nil, err
	}
	maxNorm := r.Float(1, "maxNorm", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if maxNorm <= 0 {
		return nil, fmt.Errorf("%s: maxNorm must be a positive number, such as clipGradNorm(model.parameters(), 1.0)", r.name)
	}
	return optim.ClipGradNorm(ps, maxNorm)
}

// optimizerString describes an optimizer and its groups, like PyTorch.
func optimizerString(o optim.Optimizer) string {
	var b strings.Builder
	b.WriteString(optimizerName(o) + " (\n")
	for i, g := range o.ParamGroups() {
		n := 0
		for _, p := range g.Params {
			n += p.Numel()
		}
		fmt.Fprintf(&b, "Parameter Group %d\n    lr: %g\n    momentum: %g\n    weight_decay: %g\n    params: %d tensors, %s numbers\n",
			i, g.LR, g.Momentum, g.WeightDecay, len(g.Params), commas(n))
	}
	b.WriteString(")")
	return b.String()
}

// floatList reads an array of numbers.
func floatList(name string, v js.Value) ([]float64, error) {
	if !isArray(v) {
		return nil, fmt.Errorf("%s: expected an array of numbers, got %s", name, describeJS(v))
	}
	out := make([]float64, v.Length())
	for i := range out {
		f, err := floatArg(name, []js.Value{v.Index(i)}, 0, "element", 0)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// floatsToJS converts numbers to a JavaScript array.
func floatsToJS(xs []float64) any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
