//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// tt.check.optimizer(StudentClass, {reference, options, args, steps = 5,
// name, seed, atol, rtol}): the student's optimizer and the engine's,
// each on its own copy of the same parameters (a 3×4 matrix and a
// 4-vector, seeded), are given the same gradients (of Σ p·(w + p/2), w
// seeded anew each step, so the gradient is w + p) for steps steps; the
// parameters are compared after each step. The student's optimizer is
// made as new StudentClass(params, options), or (params, ...args) with
// args; reference(params, options) (or (params, ...args)) makes the
// engine's. Each step calls zeroGrad(), checks that it cleared the
// gradients, then step(). The update (new - old) is what is compared, so
// the mistake named is the update's: twice the step (lr applied twice),
// the opposite sign, no change at all.

// maxCheckSteps bounds the steps of an optimizer check and the graphs of
// a backward check, so that a mistyped count cannot run for hours.
const maxCheckSteps = 1000

// optimizerShapes are the shapes of the parameters an optimizer check
// trains.
var optimizerShapes = [][]int{{3, 4}, {4}}

// checkOptimizer is tt.check.optimizer.
func checkOptimizer(_ js.Value, args []js.Value) (any, error) {
	const caller = "tt.check.optimizer"
	r := readArgs(caller, args)
	cls := r.Value(0)
	o := r.Options(1)
	ref := o.Value("reference")
	options := o.Value("options")
	extra := readList(r, o.Value("args"), "args")
	steps := o.Size("steps", 5)
	name := o.String("name", "")
	seed := uint32(o.Int("seed", 1))
	tol := readTolerance(o)
	if r.ok() && steps > maxCheckSteps {
		r.failf("steps must be at most %d, got %d", maxCheckSteps, steps)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if kindOf(ref) != kindFunction {
		return nil, fmt.Errorf("%s: reference must be a function making the engine's optimizer, such as (params, opts) => tt.optim.SGD(params, opts), got %s", caller, describeJS(ref))
	}
	if name == "" {
		name = classNameOf(cls, "your optimizer")
	}
	if kindOf(cls) != kindFunction {
		return nil, notAFunction(name, cls, "a class that extends tt.optim.Optimizer")
	}
	ctorArgs := extra
	if !missing(options) {
		ctorArgs = append([]any{options}, extra...)
	}
	base := check.Cases(optimizerShapes, seed)[0]
	fc := &fnCheck{grad: true}
	refP, stuP := fc.inputs(base), fc.inputs(base)
	refObj, err := callJSAsIs(ref, append([]any{wrapTensors(refP)}, ctorArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("%s: the reference threw %s", caller, thrownText(err, ""))
	}
	refO, ok := optimizerOf(refObj)
	if !ok {
		return nil, fmt.Errorf("%s: the reference returned %s, expected an optimizer", caller, describeJS(refObj))
	}
	fail := func(f check.Failure) error {
		f.Name = name
		f.Input = "parameters of shapes [3, 4] and [4]"
		return failed(f)
	}
	obj, err := callJSAsIs(js.Global().Get("Reflect").Get("construct"), cls, append([]any{wrapTensors(stuP)}, ctorArgs...))
	if err != nil {
		f := thrownFailure(err)
		f.Case = "the constructor"
		if strings.Contains(f.Detail, "has no step() method") {
			f.Mistake = "no step method" // the base class refuses it
		}
		return nil, fail(f)
	}
	if _, ok := optimizerOf(obj); !ok {
		return nil, fail(check.Failure{Case: "the constructor", Expected: "a tt.optim.Optimizer", Got: describeJS(obj),
			Detail: "extend tt.optim.Optimizer and call super(params, defaults) in the constructor"})
	}
	if kindOf(getProp(obj, "step")) != kindFunction {
		return nil, fail(check.Failure{Case: "step 1", Mistake: "no step method", Detail: "define step() { … } in the class: it updates every parameter from its .grad"})
	}
	for s := 1; s <= steps; s++ {
		if err := inScope(func() error {
			return optimizerStep(s, seed, refO, obj, refP, stuP, tol, fail)
		}); err != nil {
			return nil, err
		}
	}
	return fmt.Sprintf("✓ %s: %d steps match the reference's parameters", name, steps), nil
}

// optimizerStep runs step s of both optimizers and compares the updates.
func optimizerStep(s int, seed uint32, refO optim.Optimizer, obj js.Value, refP, stuP []*tensor.Tensor, tol check.Tolerance, fail func(check.Failure) error) error {
	caseName := fmt.Sprintf("step %d", s)
	refO.ZeroGrad()
	if _, err := callMethod(obj, "zeroGrad"); err != nil {
		f := thrownFailure(err)
		f.Case = caseName + ", zeroGrad()"
		return fail(f)
	}
	for i, p := range stuP {
		if g := p.Grad(); g != nil && !check.IsZero(tensorValue(g)) {
			return fail(check.Failure{Case: caseName, Mistake: "zeroGrad() left the gradients",
				Detail: fmt.Sprintf("parameter %d still has a gradient after zeroGrad(); leave zeroGrad to tt.optim.Optimizer, or set each p.grad to null", i+1)})
		}
	}
	before := make([]check.Value, len(stuP))
	for i, p := range stuP {
		before[i] = tensorValue(p)
	}
	for k, params := range [][]*tensor.Tensor{refP, stuP} {
		if err := gradientStep(params, seed+uint32(s)*31); err != nil {
			return fmt.Errorf("tt.check.optimizer: setting the gradients (set %d): %v", k, err)
		}
	}
	if err := refO.Step(); err != nil {
		return fmt.Errorf("tt.check.optimizer: the reference's step failed: %v", err)
	}
	res, err := callMethod(obj, "step")
	if err != nil {
		f := thrownFailure(err)
		f.Case = caseName
		return fail(f)
	}
	if isPromise(res) {
		return fail(check.Failure{Case: caseName, Detail: "step() returned a Promise: it must update the parameters synchronously (no async)"})
	}
	for i := range stuP {
		got, want := delta(tensorValue(stuP[i]), before[i]), delta(tensorValue(refP[i]), before[i])
		m := check.Compare(got, want, tol)
		if m == nil {
			continue
		}
		f := check.FromMismatch("", caseName, "", fmt.Sprintf("the update of parameter %d (new value - old)", i+1), m)
		switch {
		case m.Mistake == check.AllZeros:
			f.Mistake, f.Hint = "the step changed no parameter", "update each parameter in place, such as p.sub_(p.grad.mul(lr)) inside tt.noGrad"
		case m.Mistake == check.ConstantFactor && strings.HasPrefix(m.Hint, "got 2 ×"):
			f.Mistake, f.Hint = "lr applied twice", "the update is twice the expected one"
		case m.Mistake == check.WrongSign:
			f.Mistake, f.Hint = check.WrongSign, "the step goes up the gradient: subtract lr·grad"
		}
		return fail(f)
	}
	return nil
}

// gradientStep gives params the gradient of Σ p·(w + p/2), that is w + p,
// w seeded.
func gradientStep(params []*tensor.Tensor, seed uint32) error {
	for i, p := range params {
		w := weightsFor(p, seed+uint32(i))
		half, err := p.Mul(tensor.Scalar(0.5))
		if err != nil {
			return err
		}
		sum, err := w.Add(half)
		if err != nil {
			return err
		}
		loss, err := p.Mul(sum)
		if err != nil {
			return err
		}
		if err := loss.SumAll().Backward(); err != nil {
			return err
		}
	}
	return nil
}

// delta is after - before, element by element.
func delta(after, before check.Value) check.Value {
	out := check.Value{Shape: after.Shape, Data: make([]float64, len(after.Data))}
	for i := range out.Data {
		out.Data[i] = after.Data[i] - before.Data[i]
	}
	return out
}
