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

var (
	optimizerKind = newKind("optimizer")
	schedulerKind = newKind("scheduler")
	groupKind     = newKind("parameter group")
)

// newOptim builds tt.optim.
func newOptim() js.Value {
	optimizerKind.build(map[string]binding{
		"step": methodOf(optimizerKind, "step", func(o optim.Optimizer, _ js.Value, _ []js.Value) (any, error) {
			return nil, o.Step()
		}),
		"zeroGrad": methodOf(optimizerKind, "zeroGrad", func(o optim.Optimizer, _ js.Value, _ []js.Value) (any, error) {
			o.ZeroGrad()
			return nil, nil
		}),
		"addParamGroup": methodOf(optimizerKind, "addParamGroup", func(o optim.Optimizer, _ js.Value, args []js.Value) (any, error) {
			return nil, addGroup("addParamGroup", o, arg(args, 0), firstLR(o))
		}),
		"toString": methodOf(optimizerKind, "toString", func(o optim.Optimizer, _ js.Value, _ []js.Value) (any, error) {
			return optimizerString(o), nil
		}),
	}, map[string]binding{
		"paramGroups": methodOf(optimizerKind, "paramGroups", func(o optim.Optimizer, _ js.Value, _ []js.Value) (any, error) {
			groups := o.ParamGroups()
			arr := js.Global().Get("Array").New(len(groups))
			for i, g := range groups {
				arr.SetIndex(i, groupKind.wrap(g))
			}
			return arr, nil
		}),
	})
	groupKind.build(map[string]binding{}, map[string]binding{
		"params": methodOf(groupKind, "params", func(g *optim.Group, _ js.Value, _ []js.Value) (any, error) {
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
		get := function(field, methodOf(groupKind, field, func(g *optim.Group, _ js.Value, _ []js.Value) (any, error) {
			return *ptr(g), nil
		}))
		set := function(field, methodOf(groupKind, field, func(g *optim.Group, _ js.Value, args []js.Value) (any, error) {
			v, err := floatArg("paramGroups[i]."+field, args, 0, field, *ptr(g))
			*ptr(g) = v
			return nil, err
		}))
		js.Global().Get("Object").Call("defineProperty", groupKind.proto, field, map[string]any{"get": get, "set": set, "enumerable": true})
	}
	schedulerKind.build(map[string]binding{
		"step": methodOf(schedulerKind, "step", func(s optim.Scheduler, _ js.Value, _ []js.Value) (any, error) {
			return nil, s.Step()
		}),
		"getLastLr": methodOf(schedulerKind, "getLastLr", func(s optim.Scheduler, _ js.Value, _ []js.Value) (any, error) {
			return floatsToJS(s.LastLR()), nil
		}),
		"toString": methodOf(schedulerKind, "toString", func(s optim.Scheduler, _ js.Value, _ []js.Value) (any, error) {
			return strings.TrimPrefix(fmt.Sprintf("%T", s), "*optim."), nil
		}),
	}, nil)

	ns := object(map[string]binding{
		"SGD":          sgdConstructor,
		"Adam":         adamConstructor("Adam", optim.NewAdam),
		"AdamW":        adamConstructor("AdamW", optim.NewAdamW),
		"RMSprop":      rmspropConstructor,
		"clipGradNorm": clipGradNormFunc,
	})
	ns.Set("lrScheduler", object(schedulerConstructors()))
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

// paramsArg reads an optimizer's first argument: an array of tensors
// (model.parameters()), a module, or an array of groups
// [{params, lr}, …] as in PyTorch.
func paramsArg(name string, v js.Value) ([]groupSpec, error) {
	if isArray(v) && v.Length() > 0 && typeOf(v.Index(0)) == js.TypeObject && !isArray(v.Index(0)) {
		if _, isTensor := tensors.unwrap(v.Index(0)); !isTensor {
			groups := make([]groupSpec, v.Length())
			for i := range groups {
				g := v.Index(i)
				ps, err := tensorList(fmt.Sprintf("%s: group %d: params", name, i), getProp(g, "params"))
				if err != nil {
					return nil, err
				}
				groups[i] = groupSpec{ps, getProp(g, "lr"), getProp(g, "momentum"), getProp(g, "weightDecay")}
			}
			return groups, nil
		}
	}
	ps, err := tensorList(name, v)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%s: got an empty list of parameters", name)
	}
	u := js.Undefined()
	return []groupSpec{{ps, u, u, u}}, nil
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
func addGroup(name string, o optim.Optimizer, v js.Value, defLR float64) error {
	if typeOf(v) != js.TypeObject || isArray(v) {
		return fmt.Errorf("%s: expected {params, lr}, got %s", name, describeJS(v))
	}
	ps, err := tensorList(name+": params", getProp(v, "params"))
	if err != nil {
		return err
	}
	lr, err := floatArg(name, []js.Value{getProp(v, "lr")}, 0, "lr", defLR)
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

// sgdConstructor is tt.optim.SGD(params, {lr, momentum, dampening,
// weightDecay, nesterov, maximize}); lr may also come second: SGD(p, 0.1).
func sgdConstructor(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.optim.SGD"
	groups, err := paramsArg(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	var o optim.SGDOptions
	if o.LR, err = numOpt(name, args, 1, 0, "lr", 0); err != nil {
		return nil, err
	}
	if o.LR == 0 && typeOf(groups[0].lr) == js.TypeNumber {
		o.LR = groups[0].lr.Float()
	}
	if o.LR == 0 {
		return nil, fmt.Errorf("%s: the learning rate is required, such as tt.optim.SGD(model.parameters(), {lr: 0.1})", name)
	}
	for key, dst := range map[string]*float64{"momentum": &o.Momentum, "dampening": &o.Dampening, "weightDecay": &o.WeightDecay} {
		if *dst, err = numOpt(name, args, 1, 99, key, 0); err != nil {
			return nil, err
		}
	}
	if o.Nesterov, err = boolOpt(name, args, 1, "nesterov", false); err != nil {
		return nil, err
	}
	if o.Maximize, err = boolOpt(name, args, 1, "maximize", false); err != nil {
		return nil, err
	}
	s, err := optim.NewSGD(groups[0].params, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return finishOptimizer(name, s, groups)
}

// adamConstructor binds Adam and AdamW: (params, {lr, betas, eps,
// weightDecay, amsgrad, maximize}).
func adamConstructor(typ string, make func([]*tensor.Tensor, optim.AdamOptions) (*optim.Adam, error)) binding {
	name := "tt.optim." + typ
	return func(_ js.Value, args []js.Value) (any, error) {
		groups, err := paramsArg(name, arg(args, 0))
		if err != nil {
			return nil, err
		}
		var o optim.AdamOptions
		if o.LR, err = numOpt(name, args, 1, 0, "lr", 0); err != nil {
			return nil, err
		}
		if o.Eps, err = numOpt(name, args, 1, 99, "eps", 0); err != nil {
			return nil, err
		}
		if o.WeightDecay, err = numOpt(name, args, 1, 99, "weightDecay", 0); err != nil {
			return nil, err
		}
		beta1Zero := false
		if betas := option(args, 1, "betas"); !betas.IsUndefined() {
			bs, err := floatList(name+": betas", betas)
			if err != nil || len(bs) != 2 {
				return nil, fmt.Errorf("%s: betas must be two numbers, such as [0.9, 0.999]", name)
			}
			o.Beta1, o.Beta2 = bs[0], bs[1]
			beta1Zero = bs[0] == 0
		}
		if o.AMSGrad, err = boolOpt(name, args, 1, "amsgrad", false); err != nil {
			return nil, err
		}
		if o.Maximize, err = boolOpt(name, args, 1, "maximize", false); err != nil {
			return nil, err
		}
		a, err := make(groups[0].params, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if beta1Zero { // a zero option means the default; β1 lives in Momentum
			for _, g := range a.ParamGroups() {
				g.Momentum = 0
			}
		}
		return finishOptimizer(name, a, groups)
	}
}

// rmspropConstructor is tt.optim.RMSprop(params, {lr, alpha, eps,
// weightDecay, momentum, centered, maximize}).
func rmspropConstructor(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.optim.RMSprop"
	groups, err := paramsArg(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	var o optim.RMSpropOptions
	if o.LR, err = numOpt(name, args, 1, 0, "lr", 0); err != nil {
		return nil, err
	}
	for key, dst := range map[string]*float64{"alpha": &o.Alpha, "eps": &o.Eps, "weightDecay": &o.WeightDecay, "momentum": &o.Momentum} {
		if *dst, err = numOpt(name, args, 1, 99, key, 0); err != nil {
			return nil, err
		}
	}
	if o.Centered, err = boolOpt(name, args, 1, "centered", false); err != nil {
		return nil, err
	}
	if o.Maximize, err = boolOpt(name, args, 1, "maximize", false); err != nil {
		return nil, err
	}
	r, err := optim.NewRMSprop(groups[0].params, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return finishOptimizer(name, r, groups)
}

// schedulerConstructors are tt.optim.lrScheduler's classes. Each takes the
// optimizer, then an options object (or PyTorch's positional numbers).
func schedulerConstructors() map[string]binding {
	sched := func(typ string, make func(name string, o optim.Optimizer, args []js.Value) (optim.Scheduler, error)) binding {
		name := "tt.optim.lrScheduler." + typ
		return func(_ js.Value, args []js.Value) (any, error) {
			o, ok := optimizerOf(arg(args, 0))
			if !ok {
				return nil, fmt.Errorf("%s: expected an optimizer first, such as tt.optim.SGD(…), got %s", name, describeJS(arg(args, 0)))
			}
			s, err := make(name, o, args)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "optim: "))
			}
			return schedulerKind.wrap(s), nil
		}
	}
	return map[string]binding{
		"StepLR": sched("StepLR", func(name string, o optim.Optimizer, args []js.Value) (optim.Scheduler, error) {
			step, err := intOpt(name, args, 1, 0, "stepSize", 0)
			if err != nil {
				return nil, err
			}
			gamma, err := numOpt(name, args, 1, 1, "gamma", 0.1)
			if err != nil {
				return nil, err
			}
			return optim.NewStepLR(o, step, gamma)
		}),
		"CosineAnnealingLR": sched("CosineAnnealingLR", func(name string, o optim.Optimizer, args []js.Value) (optim.Scheduler, error) {
			tMax, err := intOpt(name, args, 1, 0, "tMax", 0)
			if err != nil {
				return nil, err
			}
			etaMin, err := numOpt(name, args, 1, 1, "etaMin", 0)
			if err != nil {
				return nil, err
			}
			return optim.NewCosineAnnealingLR(o, tMax, etaMin)
		}),
		"LinearLR": sched("LinearLR", func(name string, o optim.Optimizer, args []js.Value) (optim.Scheduler, error) {
			start, err := numOpt(name, args, 1, 0, "startFactor", 1.0/3)
			if err != nil {
				return nil, err
			}
			end, err := numOpt(name, args, 1, 1, "endFactor", 1)
			if err != nil {
				return nil, err
			}
			total, err := intOpt(name, args, 1, 2, "totalIters", 5)
			if err != nil {
				return nil, err
			}
			return optim.NewLinearLR(o, start, end, total)
		}),
		"OneCycleLR": sched("OneCycleLR", func(name string, o optim.Optimizer, args []js.Value) (optim.Scheduler, error) {
			var c optim.OneCycleOptions
			var err error
			if c.MaxLR, err = numOpt(name, args, 1, 0, "maxLr", 0); err != nil {
				return nil, err
			}
			if c.TotalSteps, err = intOpt(name, args, 1, 1, "totalSteps", 0); err != nil {
				return nil, err
			}
			if c.TotalSteps == 0 {
				epochs, err := intOpt(name, args, 1, 99, "epochs", 0)
				if err != nil {
					return nil, err
				}
				per, err := intOpt(name, args, 1, 99, "stepsPerEpoch", 0)
				if err != nil {
					return nil, err
				}
				c.TotalSteps = epochs * per
			}
			for key, dst := range map[string]*float64{"pctStart": &c.PctStart, "divFactor": &c.DivFactor, "finalDivFactor": &c.FinalDivFactor,
				"baseMomentum": &c.BaseMomentum, "maxMomentum": &c.MaxMomentum} {
				if *dst, err = numOpt(name, args, 1, 99, key, 0); err != nil {
					return nil, err
				}
			}
			cycle, err := boolOpt(name, args, 1, "cycleMomentum", true)
			if err != nil {
				return nil, err
			}
			c.FixedMomentum = !cycle
			if s := option(args, 1, "annealStrategy"); typeOf(s) == js.TypeString {
				c.LinearAnneal = s.String() == "linear"
			}
			return optim.NewOneCycleLR(o, c)
		}),
	}
}

// clipGradNormFunc is tt.optim.clipGradNorm(params, maxNorm) (also
// tt.nn.utils.clipGradNorm_): it rescales the gradients so that their
// global norm is at most maxNorm and returns the norm before clipping.
func clipGradNormFunc(_ js.Value, args []js.Value) (any, error) {
	const name = "clipGradNorm"
	ps, err := tensorList(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	maxNorm, err := floatArg(name, args, 1, "maxNorm", 0)
	if err != nil {
		return nil, err
	}
	if maxNorm <= 0 {
		return nil, fmt.Errorf("%s: maxNorm must be a positive number, such as clipGradNorm(model.parameters(), 1.0)", name)
	}
	return optim.ClipGradNorm(ps, maxNorm)
}

// optimizerString describes an optimizer and its groups, like PyTorch.
func optimizerString(o optim.Optimizer) string {
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(fmt.Sprintf("%T", o), "*optim.") + " (\n")
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
