//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/gradcheck"
	"tinytorch/engine/tensor"
)

// tt.check.function(StudentFn, referenceFn, {name, shapes, cases, seed,
// atol, rtol}): a class that extends tt.autograd.Function (one output),
// run as StudentFn.apply(...inputs) on the cases of tt.check.fn. Its
// forward is compared with the reference's output; its backward with
// autograd of the reference, gradient by gradient, and with central
// differences on the first case (gradcheck.Function, which names a
// transposed gradient). What backward returned is also checked before
// the engine sums a broadcast gradient down (as PyTorch does): a bias's
// gradient of shape [batch, features] is a missing sum even though the
// engine would forgive it. A last case gives the first input alone a
// gradient (ctx.needsInputGrad [true, false, …]): backward must still
// give it the right one.

// checkFunction is tt.check.function.
func checkFunction(_ js.Value, args []js.Value) (any, error) {
	c, err := readFnCheck("tt.check.function", args, false)
	if err != nil {
		return nil, err
	}
	if c.name == "" || c.name == "your function" {
		c.name = classNameOf(c.student, "your Function")
	}
	if kindOf(c.student) != kindFunction {
		return nil, notAFunction(c.name, c.student, "a class that extends tt.autograd.Function")
	}
	var raw []*tensor.Tensor // what backward returned, before the engine's checks
	c.apply = func(in []*tensor.Tensor) (*tensor.Tensor, check.Value, *check.Failure) {
		raw = nil
		fn, inputs, problem := c.newFunction(in)
		if problem != nil {
			return nil, check.Value{}, problem
		}
		inner := fn.Backward
		fn.Backward = func(ctx *tensor.Context, grads ...*tensor.Tensor) ([]*tensor.Tensor, error) {
			gs, err := inner(ctx, grads...)
			raw = gs
			return gs, err
		}
		outs, err := fn.Apply(inputs...)
		if err != nil {
			f := studentError(err)
			return nil, check.Value{}, &f
		}
		return outs[0], tensorValue(outs[0]), nil
	}
	c.after = func(_ check.Case, in []*tensor.Tensor, want []check.Value) *check.Failure {
		for i, g := range raw {
			if g == nil || i >= len(in) || slices.Equal(g.Shape(), in[i].Shape()) {
				continue
			}
			m := check.Compare(tensorValue(g), want[i], c.tol)
			if m == nil {
				continue
			}
			f := check.FromMismatch(c.name, "", "", fmt.Sprintf("the gradient of input %d (as backward returned it)", i+1), m)
			return &f
		}
		return nil
	}
	c.finite = func(in []*tensor.Tensor, _ *tensor.Tensor) error {
		fn, inputs, problem := c.newFunction(in)
		if problem != nil {
			return fmt.Errorf("%s", problem.Detail)
		}
		return gradcheck.Function(fn, inputs...)
	}
	summary, err := c.run()
	if err != nil {
		return nil, err
	}
	if err := c.onlyFirstNeedsGrad(); err != nil {
		return nil, err
	}
	return summary, nil
}

// newFunction makes the engine's Function of the student's class on the
// inputs, as StudentFn.apply would.
func (c *fnCheck) newFunction(in []*tensor.Tensor) (*tensor.Function, []*tensor.Tensor, *check.Failure) {
	wrapped := make([]js.Value, len(in))
	for i, t := range in {
		wrapped[i] = tensors.wrap(t)
	}
	_, fn, inputs, err := newJSFunction(c.name+".apply", c.student, wrapped)
	if err != nil {
		f := check.Failure{Detail: err.Error()}
		return nil, nil, &f
	}
	return fn, inputs, nil
}

// onlyFirstNeedsGrad runs the first case with a gradient for the first
// input alone.
func (c *fnCheck) onlyFirstNeedsGrad() error {
	if len(c.cases) == 0 || len(c.cases[0].Shapes) < 2 {
		return nil
	}
	cs := c.cases[0]
	return inScope(func() error {
		_, wantGrads, err := c.expected(cs)
		if err != nil || wantGrads == nil {
			return nil
		}
		in := c.inputs(cs)
		for _, x := range in[1:] {
			_ = x.SetRequiresGrad(false)
		}
		name := "only input 1 requires a gradient (ctx.needsInputGrad is [true, false, …])"
		fail := func(f check.Failure) error {
			f.Name, f.Case, f.Input = c.name, name, describeInputs(in)
			return failed(f)
		}
		out, _, problem := c.apply(in)
		if problem != nil {
			return fail(*problem)
		}
		if err := backwardWeighted(out, c.seed); err != nil {
			return fail(studentError(err))
		}
		if m := check.Compare(gradValues(in[:1])[0], wantGrads[0], c.tol); m != nil {
			return fail(check.FromMismatch(c.name, name, "", "the gradient of input 1", m))
		}
		return nil
	})
}

// studentError is the failure of an error that came out of the student's
// code through the engine (a Function's forward or backward, a module's
// forward, an optimizer's step): its message names the code already; the
// starter's tt.todo is named as such.
func studentError(err error) check.Failure {
	msg := err.Error()
	if strings.Contains(msg, "TodoError: ") {
		return check.Failure{Mistake: check.NotWritten, Detail: msg}
	}
	return check.Failure{Detail: msg}
}
