//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// tt.check.module(StudentClass, {args, reference, input, name, seed, atol,
// rtol}): builds new StudentClass(...args) and the engine's
// reference(...args), checks that the student's module has the
// reference's parameters (same names, same shapes, nothing more), copies
// the reference's values into it, and compares the forward on input (a
// shape, filled with seeded values, or a tensor) and the gradients of
// Σ w·out for every parameter and the input.

// checkModule is tt.check.module.
func checkModule(_ js.Value, args []js.Value) (any, error) {
	const caller = "tt.check.module"
	r := readArgs(caller, args)
	cls := r.Value(0)
	o := r.Options(1)
	ctorArgs := readList(r, o.Value("args"), "args")
	ref := o.Value("reference")
	inputV := o.Value("input")
	name := o.String("name", "")
	seed := uint32(o.Int("seed", 1))
	tol := readTolerance(o)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if kindOf(ref) != kindFunction {
		return nil, fmt.Errorf("%s: reference must be a function making the engine's module from args, such as (i, o) => tt.nn.Linear(i, o), got %s", caller, describeJS(ref))
	}
	if name == "" {
		name = classNameOf(cls, "your module")
	}
	refObj, err := callJSAsIs(ref, ctorArgs...)
	if err != nil {
		return nil, fmt.Errorf("%s: the reference threw %s", caller, thrownText(err, ""))
	}
	refM, ok := moduleOf(refObj)
	if !ok {
		return nil, fmt.Errorf("%s: the reference returned %s, expected a module", caller, describeJS(refObj))
	}
	x, err := readInput(caller, inputV, seed)
	if err != nil {
		return nil, err
	}
	fail := func(f check.Failure) error {
		f.Name = name
		if f.Input == "" {
			f.Input = "args " + shownArgs(ctorArgs)
		}
		return failed(f)
	}
	if kindOf(cls) != kindFunction {
		return nil, notAFunction(name, cls, "a class that extends tt.nn.Module")
	}
	obj, err := callJSAsIs(js.Global().Get("Reflect").Get("construct"), cls, ctorArgs)
	if err != nil {
		f := thrownFailure(err)
		f.Case = "the constructor"
		return nil, fail(f)
	}
	stuM, ok := moduleOf(obj)
	if !ok {
		return nil, fail(check.Failure{Case: "the constructor", Expected: "a tt.nn.Module", Got: describeJS(obj),
			Detail: "extend tt.nn.Module and call super() first in the constructor"})
	}
	if f := sameParameters(refM, stuM); f != nil {
		return nil, fail(*f)
	}
	if err := copyParameters(refM, stuM); err != nil {
		return nil, err
	}
	return inScope(func() moduleResult {
		err := compareModules(refM, stuM, x, seed, tol, fail)
		return moduleResult{fmt.Sprintf("✓ %s: forward and the gradients of its %d parameters and of the input match", name, len(refM.Parameters())), err}
	}).done()
}

// moduleResult is a module check's summary or failure.
type moduleResult struct {
	summary string
	err     error
}

func (m moduleResult) done() (any, error) {
	if m.err != nil {
		return nil, m.err
	}
	return m.summary, nil
}

// readList reads an optional array option as its items.
func readList(r *argReader, v js.Value, what string) []any {
	if !r.ok() || missing(v) {
		return nil
	}
	list, ok := elements(v)
	if !ok || kindOf(v) != kindArray {
		r.failf("%s must be an array, got %s", what, describeJS(v))
		return nil
	}
	return toAnySlice(list)
}

// shownArgs writes constructor arguments briefly.
func shownArgs(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		v := js.ValueOf(a)
		switch kindOf(v) {
		case kindNumber:
			parts[i] = formatNumber(v.Float())
		case kindString:
			parts[i] = fmt.Sprintf("%q", v.String())
		default:
			parts[i] = shownJS(v)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// readInput reads the input option: a shape filled with seeded values,
// or a tensor (or array) given as it is.
func readInput(caller string, v js.Value, seed uint32) (*tensor.Tensor, error) {
	if missing(v) {
		return nil, fmt.Errorf("%s: missing input, a shape such as [4, 3] or a tensor", caller)
	}
	if list, ok := elements(v); ok && kindOf(v) == kindArray && len(list) > 0 && kindOf(list[0]) == kindNumber {
		shape, err := toInts("input", list)
		if err == nil {
			err = checkShapeSize("input", shape)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", caller, err)
		}
		c := check.Cases([][]int{shape}, seed)[0]
		return (&fnCheck{}).inputs(c)[0], nil
	}
	t, err := tensors.operand(caller+": input", v)
	if err != nil {
		return nil, err
	}
	return t.Detach(), nil
}

// sameParameters checks that the student's module has the reference's
// parameters, by name and shape.
func sameParameters(ref, stu nn.Module) *check.Failure {
	theirs := map[string]*tensor.Tensor{}
	var listed []string
	for _, p := range stu.Parameters() {
		theirs[p.Name] = p.Tensor
		listed = append(listed, p.Name+" "+check.FormatShape(p.Tensor.Shape()))
	}
	yours := "your parameters: " + strings.Join(listed, ", ")
	if len(listed) == 0 {
		yours = "your module has no parameters (register them as this.name = new tt.nn.Parameter(…))"
	}
	known := map[string]bool{}
	for _, p := range ref.Parameters() {
		known[p.Name] = true
		want := p.Tensor.Shape()
		t, ok := theirs[p.Name]
		if !ok {
			return &check.Failure{Case: "the parameters", Expected: p.Name + " of shape " + check.FormatShape(want), Got: "no parameter " + p.Name,
				Detail: yours, Mistake: "a missing parameter (named as PyTorch names it)"}
		}
		if got := t.Shape(); !slices.Equal(got, want) {
			f := &check.Failure{Case: "the parameters", Expected: p.Name + " of shape " + check.FormatShape(want),
				Got: p.Name + " of shape " + check.FormatShape(got), Detail: yours, Mistake: "a parameter of the wrong shape"}
			if len(got) == 2 && len(want) == 2 && got[0] == want[1] && got[1] == want[0] {
				f.Hint = "transposed: PyTorch keeps a Linear's weight as [out, in] and computes x·Wᵀ"
			}
			return f
		}
	}
	for _, p := range stu.Parameters() {
		if !known[p.Name] {
			return &check.Failure{Case: "the parameters", Expected: "no parameter " + p.Name, Got: p.Name + " of shape " + check.FormatShape(p.Tensor.Shape()),
				Detail: yours, Mistake: "an extra parameter"}
		}
	}
	return nil
}

// copyParameters gives the student's parameters the reference's values.
func copyParameters(ref, stu nn.Module) error {
	theirs := map[string]*tensor.Tensor{}
	for _, p := range stu.Parameters() {
		theirs[p.Name] = p.Tensor
	}
	var err error
	tensor.NoGrad(func() {
		for _, p := range ref.Parameters() {
			if err == nil {
				_, err = theirs[p.Name].CopyInPlace(p.Tensor)
			}
		}
	})
	return err
}

// compareModules runs both modules on copies of x and compares the
// outputs and the gradients.
func compareModules(ref, stu nn.Module, x *tensor.Tensor, seed uint32, tol check.Tolerance, fail func(check.Failure) error) error {
	input := check.Short(tensorValue(x))
	leaf := func() *tensor.Tensor {
		t := x.Detach().Clone()
		_ = t.SetRequiresGrad(true)
		return t
	}
	xr, xs := leaf(), leaf()
	ref.ZeroGrad()
	stu.ZeroGrad()
	want, err := nn.Call(ref, xr)
	if err != nil {
		return fmt.Errorf("tt.check.module: the reference's forward failed: %v", err)
	}
	got, err := nn.Call(stu, xs)
	if err != nil {
		f := studentError(err)
		f.Case, f.Input = "forward", input
		return fail(f)
	}
	if m := check.Compare(tensorValue(got), tensorValue(want), tol); m != nil {
		return fail(check.FromMismatch("", "forward", input, "the output", m))
	}
	if err := backwardWeighted(want, seed); err != nil {
		return fmt.Errorf("tt.check.module: the reference's backward failed: %v", err)
	}
	if !got.RequiresGrad() {
		return fail(check.Failure{Case: "backward", Input: input, Mistake: "the output is not connected to the parameters",
			Detail: "no gradient flows back: compute the output from the input and the parameters with tensor operations"})
	}
	if err := backwardWeighted(got, seed); err != nil {
		f := studentError(err)
		f.Case, f.Input = "backward", input
		return fail(f)
	}
	theirs := map[string]*tensor.Tensor{}
	for _, p := range stu.Parameters() {
		theirs[p.Name] = p.Tensor
	}
	pairs := [][2]*tensor.Tensor{{xr, xs}}
	names := []string{"the gradient of the input"}
	for _, p := range ref.Parameters() {
		pairs = append(pairs, [2]*tensor.Tensor{p.Tensor, theirs[p.Name]})
		names = append(names, "the gradient of "+p.Name)
	}
	for i, p := range pairs {
		g := gradValues([]*tensor.Tensor{p[0], p[1]})
		if m := check.Compare(g[1], g[0], tol); m != nil {
			return fail(check.FromMismatch("", "backward", input, names[i], m))
		}
	}
	return nil
}
