//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// Optimizers and learning-rate schedulers written in a cell, with
// PyTorch's base classes torch.optim.Optimizer and
// torch.optim.lr_scheduler.LRScheduler:
//
//	class MySGD extends tt.optim.Optimizer {
//	  constructor(params, lr) { super(params, {lr}); }
//	  step() {
//	    tt.noGrad(() => {
//	      for (const g of this.paramGroups)
//	        for (const p of g.params) if (p.grad) p.sub_(p.grad.mul(g.lr));
//	    });
//	  }
//	}
//	class Halving extends tt.optim.LRScheduler {
//	  getLr() { return this.baseLrs.map((lr) => lr / 2 ** this.lastEpoch); }
//	}
//
// JavaScript's super() calls the base class, a Go binding, with the new
// instance as this. The binding builds the engine's side (an optim.Base, or
// the scheduler's optimizer) and enters the instance itself in the object
// table (adopt), so tt.train.fit, tt.train.Trainer and the engine's
// schedulers find a Go optim.Optimizer or optim.Scheduler behind it, as
// they find one behind tt.optim.SGD. The optimizer's Step calls the
// instance's step(); its ZeroGrad is the base's.

var (
	cellOptimizerKind = newKind("tt.optim.Optimizer")
	cellSchedulerKind = newKind("tt.optim.LRScheduler")
)

// cellOptimizer is the Go face of an instance of a class that extends
// tt.optim.Optimizer: the parameter groups and ZeroGrad are the base's,
// Step is the instance's step().
type cellOptimizer struct {
	*optim.Base
	obj   js.Value // the JavaScript instance
	class string   // its class's name, for messages
}

// Step calls the instance's step(); what it throws becomes the error.
func (o *cellOptimizer) Step() error {
	if typeOf(getProp(o.obj, "step")) != js.TypeFunction {
		return fmt.Errorf("%s has no step() method: %s", o.class, stepUsage)
	}
	res, err := callMethod(o.obj, "step")
	if err != nil {
		return fmt.Errorf("%s.step() threw %s", o.class, thrownText(err, ""))
	}
	if isPromise(res) {
		return fmt.Errorf("%s.step() returned a promise; step must update the parameters before it returns (not an async function)", o.class)
	}
	return nil
}

// keepingStep wraps a cell optimizer's step() so that the tensors it
// leaves in this.state (a momentum buffer, Adam's moments, made lazily on
// the first step as in PyTorch) are kept (tt.keep) when it returns: the
// tt.tidy that a training loop runs each step in must not free them,
// whether the engine (fit, Trainer) or the cell's own loop calls step.
func keepingStep(step js.Value) js.Value {
	if stepWrapper.IsUndefined() {
		// Made once: a closure over the original method and a keep
		// (tensors.keepAll) that every instance shares.
		keep := function("keep state", func(_ js.Value, args []js.Value) (any, error) {
			tensors.keepAll(arg(args, 0))
			return nil, nil
		})
		stepWrapper = js.Global().Get("Function").New("keep",
			"return (step) => function (...args) { const result = step.apply(this, args); keep(this.state); return result; };").Invoke(keep)
	}
	return stepWrapper.Invoke(step)
}

// stepWrapper is keepingStep's JavaScript half, made on first use.
var stepWrapper = js.Undefined()

// optimizerName is an optimizer's class: SGD, Adam, or a cell's own.
func optimizerName(o optim.Optimizer) string {
	if c, ok := o.(*cellOptimizer); ok {
		return c.class
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", o), "*optim.")
}

// stepUsage says what a cell optimizer must define.
const stepUsage = "a class that extends tt.optim.Optimizer defines step(), which updates each parameter from its gradient, such as " +
	"step() { tt.noGrad(() => { for (const g of this.paramGroups) for (const p of g.params) if (p.grad) p.sub_(p.grad.mul(g.lr)); }); }"

// cellScheduler is the Go face of an instance of a class that extends
// tt.optim.LRScheduler.
type cellScheduler struct {
	obj   js.Value
	opt   optim.Optimizer
	class string
}

// Step runs the instance's step(): the base's (lastEpoch + 1, then the
// groups' lr from getLr()) directly, one the class wrote through
// JavaScript.
func (s *cellScheduler) Step() error {
	if getProp(s.obj, "step").Equal(getProp(cellSchedulerKind.proto, "step")) {
		return s.advance()
	}
	if _, err := callMethod(s.obj, "step"); err != nil {
		return fmt.Errorf("%s.step() threw %s", s.class, thrownText(err, ""))
	}
	return nil
}

// LastLR returns the groups' learning rates.
func (s *cellScheduler) LastLR() []float64 {
	var lrs []float64
	for _, g := range s.opt.ParamGroups() {
		lrs = append(lrs, g.LR)
	}
	return lrs
}

// advance is LRScheduler's step(): lastEpoch + 1, then each group's lr
// from getLr(), which must return one number ≥ 0 per group.
func (s *cellScheduler) advance() error {
	epoch := getProp(s.obj, "lastEpoch")
	if typeOf(epoch) != js.TypeNumber {
		return fmt.Errorf("%s: lastEpoch must be a number, got %s", s.class, describeJS(epoch))
	}
	s.obj.Set("lastEpoch", epoch.Float()+1)
	if typeOf(getProp(s.obj, "getLr")) != js.TypeFunction {
		return fmt.Errorf("%s has no getLr() method: %s", s.class, getLrUsage)
	}
	res, err := callMethod(s.obj, "getLr")
	if err != nil {
		return fmt.Errorf("%s.getLr() threw %s", s.class, thrownText(err, ""))
	}
	groups := s.opt.ParamGroups()
	lrs, err := floatList("", res)
	if err != nil || len(lrs) != len(groups) {
		return fmt.Errorf("%s.getLr() returned %s, expected an array of %d numbers, one learning rate per parameter group", s.class, shownJS(res), len(groups))
	}
	for i, lr := range lrs {
		if !(lr >= 0) {
			return fmt.Errorf("%s.getLr() returned the learning rate %g for group %d, expected a number ≥ 0", s.class, lr, i)
		}
	}
	for i, g := range groups {
		g.LR = lrs[i]
	}
	return nil
}

// getLrUsage says what a cell scheduler must define.
const getLrUsage = "a class that extends tt.optim.LRScheduler defines getLr(), which returns each group's learning rate at epoch this.lastEpoch, " +
	"such as getLr() { return this.baseLrs.map((lr) => lr * 0.5 ** this.lastEpoch); }"

// shownJS shows a value a cell returned: an array of plain values as
// JSON, anything else as describeJS does.
func shownJS(v js.Value) string {
	if isArray(v) {
		s, err := callJSAsIs(js.Global().Get("JSON").Get("stringify"), v)
		if err == nil && typeOf(s) == js.TypeString && len(s.String()) <= 80 {
			return s.String()
		}
	}
	return describeJS(v)
}

// cellOptimizerClass makes tt.optim.Optimizer.
func cellOptimizerClass() js.Value {
	cellOptimizerKind.build(map[string]binding{
		"zeroGrad": kindMethod(cellOptimizerKind, "zeroGrad", func(o *cellOptimizer, _ js.Value, _ *argReader) (any, error) {
			o.ZeroGrad()
			return nil, nil
		}),
		"addParamGroup": kindMethod(cellOptimizerKind, "addParamGroup", func(o *cellOptimizer, _ js.Value, r *argReader) (any, error) {
			return nil, o.addGroup(r)
		}),
		"toString": kindMethod(cellOptimizerKind, "toString", func(o *cellOptimizer, _ js.Value, _ *argReader) (any, error) {
			return optimizerString(o), nil
		}),
	}, nil)
	return class("tt.optim.Optimizer", cellOptimizerKind, newCellOptimizer)
}

// cellSchedulerClass makes tt.optim.LRScheduler.
func cellSchedulerClass() js.Value {
	cellSchedulerKind.build(map[string]binding{
		"step": kindMethod(cellSchedulerKind, "step", func(s *cellScheduler, _ js.Value, _ *argReader) (any, error) {
			return nil, s.advance()
		}),
		"getLastLr": kindMethod(cellSchedulerKind, "getLastLr", func(s *cellScheduler, _ js.Value, _ *argReader) (any, error) {
			return floatsToJS(s.LastLR()), nil
		}),
		"toString": kindMethod(cellSchedulerKind, "toString", func(s *cellScheduler, _ js.Value, _ *argReader) (any, error) {
			return s.class, nil
		}),
	}, nil)
	return class("tt.optim.LRScheduler", cellSchedulerKind, newCellScheduler)
}

// class makes a JavaScript base class: a function to extend, whose
// prototype is the kind's, called by super() with the new instance as this.
func class(name string, k *kind, construct binding) js.Value {
	fn := function(name, construct)
	fn.Set("prototype", k.proto)
	js.Global().Get("Object").Call("defineProperty", k.proto, "constructor", map[string]any{"value": fn, "writable": true, "configurable": true})
	return fn
}

// instanceOf checks that a base constructor was reached through new (or
// super) on a class extending k, and returns the class's name.
func instanceOf(name, example string, k *kind, this js.Value) (string, error) {
	if typeOf(this) != js.TypeObject || !hasPrototype(k.proto, this) {
		return "", fmt.Errorf("%s is a base class: write %s and make one with new", name, example)
	}
	return classNameOf(getProp(this, "constructor"), strings.TrimPrefix(name, "tt.optim.")), nil
}

// newCellOptimizer is tt.optim.Optimizer(params, defaults), reached
// through super(params, defaults): params as for tt.optim.SGD (tensors,
// a module, or groups [{params, lr, …}, …]); defaults the group options,
// lr required. lr, momentum and weightDecay live in the Go groups (a
// scheduler changes lr); the other options are plain fields of each group.
// The instance gets paramGroups, defaults and state (a Map for per-parameter
// buffers, as PyTorch's optimizer.state).
func newCellOptimizer(this js.Value, args []js.Value) (any, error) {
	name, err := instanceOf("tt.optim.Optimizer", "class MySGD extends tt.optim.Optimizer { step() { … } }", cellOptimizerKind, this)
	if err != nil {
		return nil, err
	}
	if typeOf(getProp(this, "step")) != js.TypeFunction {
		return nil, fmt.Errorf("%s has no step() method: %s", name, stepUsage)
	}
	r := readArgs(name, args)
	specs := r.paramGroups(0)
	if r.ok() && !isOptionsObject(r.Value(1)) {
		r.failf("expected the defaults as an object after the parameters, such as super(params, {lr: 0.1}), got %s", describeJS(r.Value(1)))
	}
	if !r.ok() {
		return nil, r.err
	}
	defaults := r.Value(1)
	hyper, err := groupHyper(name+": defaults", defaults, optim.Group{LR: noLR})
	if err != nil {
		return nil, err
	}
	o := &cellOptimizer{obj: this, class: name}
	jsGroups := js.Global().Get("Array").New()
	for i, spec := range specs {
		opts := js.Undefined()
		if isArray(r.Value(0)) && i < r.Value(0).Length() && isOptionsObject(r.Value(0).Index(i)) {
			opts = r.Value(0).Index(i)
		}
		if err := o.add(fmt.Sprintf("%s: group %d", name, i), hyper, spec.params, defaults, opts, jsGroups); err != nil {
			return nil, err
		}
	}
	this.Set("paramGroups", jsGroups)
	this.Set("defaults", js.Global().Get("Object").Call("assign", js.Global().Get("Object").New(), defaults))
	this.Set("state", js.Global().Get("Map").New())
	this.Set("step", keepingStep(getProp(this, "step")))
	objects.adopt(this, o, true)
	return nil, nil
}

// noLR marks a group whose learning rate is not given yet.
var noLR = math.NaN()

// hyperKeys are the options kept in the Go group.
var hyperKeys = []string{"params", "lr", "momentum", "weightDecay"}

// groupHyper reads lr, momentum and weightDecay from an options object
// over def's values; an lr still NaN (noLR) at the end means none was
// given.
func groupHyper(name string, v js.Value, def optim.Group) (optim.Group, error) {
	g := def
	for _, f := range []struct {
		key string
		ptr *float64
	}{{"lr", &g.LR}, {"momentum", &g.Momentum}, {"weightDecay", &g.WeightDecay}} {
		x := getProp(v, f.key)
		if missing(x) {
			continue
		}
		n, err := toFloat(f.key, x)
		if err == nil && math.IsNaN(n) {
			err = fmt.Errorf("%s must be a number, got NaN", f.key)
		}
		if err != nil {
			return g, fmt.Errorf("%s: %w", name, err)
		}
		*f.ptr = n
	}
	return g, nil
}

// add makes one parameter group: the Go group (in the base, made by the
// first) and its JavaScript object, whose lr, momentum and weightDecay read
// and write the Go group and whose other fields are the defaults' and the
// group's own (opts, undefined for none).
func (o *cellOptimizer) add(name string, def optim.Group, params []*tensor.Tensor, defaults, opts js.Value, jsGroups js.Value) error {
	g, err := groupHyper(name, opts, def)
	if err != nil {
		return err
	}
	if math.IsNaN(g.LR) {
		return fmt.Errorf("%s: no learning rate: give lr in the defaults, such as super(params, {lr: 0.1}), or in each group", name)
	}
	if o.Base == nil {
		o.Base, err = optim.NewBase(params, g)
	} else {
		err = o.AddParamGroup(params, g.LR)
	}
	if err != nil {
		return fmt.Errorf("%s: %s", name, trimPrefixes(err.Error(), "optimizer: ", "optim: "))
	}
	groups := o.ParamGroups()
	goGroup := groups[len(groups)-1]
	goGroup.Momentum, goGroup.WeightDecay = g.Momentum, g.WeightDecay
	obj := groupKind.wrap(goGroup)
	// params is the same array every step, so its tensors can key
	// this.state across steps.
	js.Global().Get("Object").Call("defineProperty", obj, "params", map[string]any{"value": wrapTensors(params), "enumerable": true})
	for _, src := range []js.Value{defaults, opts} {
		if typeOf(src) != js.TypeObject {
			continue
		}
		keys := js.Global().Get("Object").Call("keys", src)
		for i := 0; i < keys.Length(); i++ {
			if k := keys.Index(i).String(); !isHyperKey(k) {
				obj.Set(k, src.Get(k))
			}
		}
	}
	jsGroups.Call("push", obj)
	return nil
}

// isHyperKey reports whether an option is one of hyperKeys.
func isHyperKey(k string) bool {
	for _, h := range hyperKeys {
		if k == h {
			return true
		}
	}
	return false
}

// trimPrefixes removes the first of prefixes that s starts with.
func trimPrefixes(s string, prefixes ...string) string {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

// addGroup is opt.addParamGroup({params, lr, …}), PyTorch's
// add_param_group: the group takes the defaults for what it does not give.
func (o *cellOptimizer) addGroup(r *argReader) error {
	spec := r.Value(0)
	if !isOptionsObject(spec) {
		return fmt.Errorf("%s: expected {params, lr, …}, got %s", r.name, describeJS(spec))
	}
	params, err := tensorList(r.name+": params", getProp(spec, "params"))
	if err != nil {
		return err
	}
	defaults := getProp(o.obj, "defaults")
	def, err := groupHyper(o.class+": defaults", defaults, optim.Group{LR: noLR})
	if err != nil {
		return err
	}
	return o.add(o.class+".addParamGroup", def, params, defaults, spec, getProp(o.obj, "paramGroups"))
}

// newCellScheduler is tt.optim.LRScheduler(optimizer), reached through
// super(optimizer): the optimizer is an engine one or a cell one. The
// instance gets optimizer, baseLrs (each group's lr now) and lastEpoch 0.
// Unlike PyTorch's constructor, it does not call getLr(): JavaScript runs
// none of the subclass's constructor before super() returns, so the
// fields getLr reads are not set yet. The learning rates at epoch 0 are
// thus the optimizer's own, which is what StepLR, ExponentialLR,
// MultiStepLR and CosineAnnealingLR give there.
func newCellScheduler(this js.Value, args []js.Value) (any, error) {
	name, err := instanceOf("tt.optim.LRScheduler", "class MyLR extends tt.optim.LRScheduler { getLr() { … } }", cellSchedulerKind, this)
	if err != nil {
		return nil, err
	}
	ownStep := !getProp(this, "step").Equal(getProp(cellSchedulerKind.proto, "step"))
	if typeOf(getProp(this, "getLr")) != js.TypeFunction && !ownStep {
		return nil, fmt.Errorf("%s has no getLr() method: %s", name, getLrUsage)
	}
	r := readArgs(name, args)
	opt, ok := optimizerOf(r.Value(0))
	if !ok {
		return nil, fmt.Errorf("%s: expected an optimizer first, such as tt.optim.SGD(…) or one that extends tt.optim.Optimizer, got %s", name, describeJS(r.Value(0)))
	}
	s := &cellScheduler{obj: this, opt: opt, class: name}
	this.Set("optimizer", r.Value(0))
	this.Set("baseLrs", floatsToJS(s.LastLR()))
	this.Set("lastEpoch", 0)
	objects.adopt(this, s, true)
	return nil, nil
}
