//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/check"
	"tinytorch/engine/gradcheck"
	"tinytorch/engine/tensor"
)

// tt.check.fn(studentFn, referenceFn, {name, shapes, cases, grad, seed,
// atol, rtol}): a plain function of tensors against the reference, on
// the cases of check.Cases for the input shapes (random, negative and
// large values, size-1 and empty dims, a broadcast input; those the
// reference refuses are skipped) and the cases given as arrays of inputs.
// With grad, the gradients of Σ w·out (w seeded) with respect to every
// input are compared with the reference's, and, on the first case, with
// central differences (engine/gradcheck).

// fnCheck is one tt.check.fn or tt.check.function call.
type fnCheck struct {
	caller             string // the binding, for the check author's errors
	name               string // the student's function
	student, reference js.Value
	grad               bool
	tol                check.Tolerance
	seed               uint32
	cases              []check.Case
	// apply runs the student's code on inputs (wrapped for it), returning
	// its result, or a failure with Detail and Mistake set.
	apply func(in []*tensor.Tensor) (*tensor.Tensor, check.Value, *check.Failure)
	// after, when set, runs after the gradients of a case compare equal
	// (tt.check.function's shape check of what backward returned).
	after func(c check.Case, in []*tensor.Tensor, want []check.Value) *check.Failure
	// finite runs the finite-difference check on the first case.
	finite func(in []*tensor.Tensor, weight *tensor.Tensor) error
}

// checkFn is tt.check.fn.
func checkFn(_ js.Value, args []js.Value) (any, error) {
	c, err := readFnCheck("tt.check.fn", args, true)
	if err != nil {
		return nil, err
	}
	if kindOf(c.student) != kindFunction {
		return nil, notAFunction(c.name, c.student, "a function of tensors")
	}
	c.apply = c.callStudent
	c.finite = func(in []*tensor.Tensor, weight *tensor.Tensor) error {
		names := make([]string, len(in))
		for i := range in {
			names[i] = fmt.Sprintf("input %d", i+1)
		}
		return gradcheck.Check(func() (*tensor.Tensor, error) {
			t, _, fail := c.callStudent(in)
			if fail != nil {
				return nil, fmt.Errorf("%s", fail.Detail)
			}
			return t, nil
		}, weight, in, names)
	}
	return c.run()
}

// readFnCheck reads the arguments shared by tt.check.fn and
// tt.check.function; grad says whether the grad option exists.
func readFnCheck(caller string, args []js.Value, gradOption bool) (*fnCheck, error) {
	r := readArgs(caller, args)
	ref := r.Func(1, "the reference, a function of the same inputs,")
	o := r.Options(2)
	c := &fnCheck{caller: caller, student: r.Value(0), reference: ref, grad: true}
	c.name = o.String("name", "")
	shapes := readShapes(r, o.Value("shapes"))
	given := o.Value("cases")
	if gradOption {
		c.grad = o.Bool("grad", true)
	}
	c.seed = uint32(o.Int("seed", 1))
	c.tol = readTolerance(o)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if c.name == "" {
		c.name = functionName(c.student, "your function")
	}
	if shapes == nil && missing(given) {
		return nil, fmt.Errorf("%s: give the input shapes of the base case, such as {shapes: [[3, 4]]}, or cases: [[input, …], …]", caller)
	}
	if shapes != nil {
		c.cases = check.Cases(shapes, c.seed)
	}
	extra, err := readCases(caller, given)
	c.cases = append(c.cases, extra...)
	return c, err
}

// readShapes reads the shapes option: an array of shapes, one per input.
func readShapes(r *argReader, v js.Value) [][]int {
	if !r.ok() || missing(v) {
		return nil
	}
	list, ok := elements(v)
	if !ok || kindOf(v) != kindArray {
		r.failf("shapes must be an array of shapes, one per input, such as [[3, 4], [4]], got %s", describeJS(v))
		return nil
	}
	out := make([][]int, len(list))
	for i, s := range list {
		dims, ok := elements(s)
		if !ok || kindOf(s) != kindArray {
			r.failf("shapes[%d] must be a shape, such as [3, 4], got %s", i, describeJS(s))
			return nil
		}
		shape, err := toInts(fmt.Sprintf("shapes[%d]", i), dims)
		if err != nil {
			r.fail(err)
			return nil
		}
		if err := checkShapeSize(fmt.Sprintf("shapes[%d]", i), shape); err != nil {
			r.fail(err)
			return nil
		}
		out[i] = shape
	}
	return out
}

// readCases reads the cases option: an array of cases, each an array of
// inputs (tensors, numbers or arrays of numbers).
func readCases(caller string, v js.Value) ([]check.Case, error) {
	if missing(v) {
		return nil, nil
	}
	list, ok := elements(v)
	if !ok || kindOf(v) != kindArray {
		return nil, fmt.Errorf("%s: cases must be an array of cases, each an array of inputs, got %s", caller, describeJS(v))
	}
	out := make([]check.Case, len(list))
	for i, item := range list {
		ins, ok := elements(item)
		if !ok || kindOf(item) != kindArray {
			return nil, fmt.Errorf("%s: cases[%d] must be an array of inputs, got %s", caller, i, describeJS(item))
		}
		c := check.Case{Name: fmt.Sprintf("given case %d", i+1)}
		for j, in := range ins {
			t, err := tensors.operand(fmt.Sprintf("%s: cases[%d][%d]", caller, i, j), in)
			if err != nil {
				return nil, err
			}
			val := tensorValue(t)
			c.Shapes, c.Data = append(c.Shapes, val.Shape), append(c.Data, val.Data)
		}
		out[i] = c
	}
	return out, nil
}

// caseResult is what one case gave: whether it ran (the reference may
// refuse it) and the failure, if any.
type caseResult struct {
	ran bool
	err error
}

// run runs every case and returns the summary, or the first failure.
func (c *fnCheck) run() (any, error) {
	ran := 0
	for i, cs := range c.cases {
		r := inScope(func() caseResult { return c.runCase(cs, i == 0) })
		if r.err != nil {
			return nil, r.err
		}
		if r.ran {
			ran++
		}
	}
	what := "forward"
	if c.grad {
		what = "forward, gradients, finite differences"
	}
	return fmt.Sprintf("✓ %s: %d cases pass (%s)", c.name, ran, what), nil
}

// inputs makes a case's input tensors, leaves that require a gradient
// when the check compares gradients.
func (c *fnCheck) inputs(cs check.Case) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(cs.Shapes))
	for i, shape := range cs.Shapes {
		data := make([]float32, len(cs.Data[i]))
		for j, x := range cs.Data[i] {
			data[j] = float32(x)
		}
		t, err := tensor.New(data, shape...)
		if err != nil {
			panic(err) // Cases makes data of the shape's size
		}
		if c.grad {
			_ = t.SetRequiresGrad(true)
		}
		out[i] = t
	}
	return out
}

// wrapInputs gives the inputs to JavaScript.
func wrapInputs(in []*tensor.Tensor) []any {
	out := make([]any, len(in))
	for i, t := range in {
		out[i] = tensors.wrap(t)
	}
	return out
}

// expected runs the reference on a case: its output and, with grad, the
// gradient of Σ w·out for each input (zeros where none flows). ok is
// false when the reference refuses the case.
func (c *fnCheck) expected(cs check.Case) (out check.Value, grads []check.Value, err error) {
	in := c.inputs(cs)
	v, err := callJSAsIs(c.reference, wrapInputs(in)...)
	if err != nil {
		return out, nil, fmt.Errorf("the reference threw %s", thrownText(err, ""))
	}
	t, err := tensors.operand("the reference's result", v)
	if err != nil {
		return out, nil, err
	}
	out = tensorValue(t)
	if !c.grad || !t.RequiresGrad() {
		return out, nil, nil
	}
	if err := backwardWeighted(t, c.seed); err != nil {
		return out, nil, err
	}
	return out, gradValues(in), nil
}

// backwardWeighted backpropagates Σ w·out from out, w from the seed.
func backwardWeighted(out *tensor.Tensor, seed uint32) error {
	return out.BackwardWith(tensor.BackwardOptions{Gradient: weightsFor(out, seed)})
}

// weightsFor is the tensor of seeded weights w of out's shape.
func weightsFor(out *tensor.Tensor, seed uint32) *tensor.Tensor {
	w := check.Weights(out.Numel(), seed+7)
	data := make([]float32, len(w))
	for i, x := range w {
		data[i] = float32(x)
	}
	t, err := tensor.New(data, out.Shape()...)
	if err != nil {
		panic(err) // the data has out's size
	}
	return t
}

// gradValues reads the inputs' gradients, zeros where none flowed.
func gradValues(in []*tensor.Tensor) []check.Value {
	out := make([]check.Value, len(in))
	for i, x := range in {
		if g := x.Grad(); g != nil {
			out[i] = tensorValue(g)
		} else {
			out[i] = check.Value{Shape: x.Shape(), Data: make([]float64, x.Numel())}
		}
	}
	return out
}

// runCase runs one case: the reference, then the student's code, forward
// and backward; first says whether it is the first case, which also
// gets the finite differences.
func (c *fnCheck) runCase(cs check.Case, first bool) caseResult {
	want, wantGrads, err := c.expected(cs)
	if err != nil {
		if first {
			return caseResult{err: fmt.Errorf("%s: the reference fails on the first case (%s, shapes %v): %v", c.caller, cs.Name, cs.Shapes, err)}
		}
		return caseResult{} // a case the reference refuses: skipped
	}
	in := c.inputs(cs)
	input := describeInputs(in)
	fail := func(f check.Failure) caseResult {
		f.Name, f.Case, f.Input = c.name, cs.Name, input
		return caseResult{ran: true, err: failed(f)}
	}
	out, got, problem := c.apply(in)
	if problem != nil {
		if problem.Expected == "" && problem.Got != "" {
			problem.Expected = "a tensor of shape " + check.FormatShape(want.Shape)
		}
		return fail(*problem)
	}
	if m := check.Compare(got, want, c.tol); m != nil {
		return fail(check.FromMismatch(c.name, cs.Name, input, "the output", m))
	}
	if wantGrads == nil {
		return caseResult{ran: true}
	}
	if out == nil || !out.RequiresGrad() {
		return fail(check.Failure{Detail: "no gradient flows back to the inputs: the output was not computed from them by tensor operations (a tensor made from numbers, .item() or .tolist() leaves the graph)",
			Mistake: "the output is not connected to the inputs"})
	}
	if err := backwardWeighted(out, c.seed); err != nil {
		if c.after != nil {
			if f := c.after(cs, in, wantGrads); f != nil {
				return fail(*f)
			}
		}
		return fail(studentError(err))
	}
	for i, g := range gradValues(in) {
		if m := check.Compare(g, wantGrads[i], c.tol); m != nil {
			return fail(check.FromMismatch(c.name, cs.Name, input, fmt.Sprintf("the gradient of input %d", i+1), m))
		}
	}
	if c.after != nil {
		if f := c.after(cs, in, wantGrads); f != nil {
			return fail(*f)
		}
	}
	if first && c.finite != nil && !hasEmpty(in) {
		fresh := c.inputs(cs)
		if err := c.finite(fresh, weightsFor(out, c.seed)); err != nil {
			f := check.Failure{What: "the gradient", Detail: "against central differences: " + err.Error()}
			if transposedNote(err) {
				f.Mistake = check.Transposed
			}
			return fail(f)
		}
	}
	return caseResult{ran: true}
}

// transposedNote reports whether a gradcheck error names a transposed
// gradient.
func transposedNote(err error) bool {
	return err != nil && strings.Contains(err.Error(), "is the transpose of the right one")
}

// callStudent calls the student's plain function on inputs.
func (c *fnCheck) callStudent(in []*tensor.Tensor) (*tensor.Tensor, check.Value, *check.Failure) {
	v, err := callJSAsIs(c.student, wrapInputs(in)...)
	if err != nil {
		f := thrownFailure(err)
		return nil, check.Value{}, &f
	}
	val, t, problem := studentValue(v)
	if problem != nil {
		return nil, check.Value{}, problem
	}
	return t, val, nil
}

// hasEmpty reports whether an input has no elements, where finite
// differences have nothing to vary.
func hasEmpty(in []*tensor.Tensor) bool {
	for _, t := range in {
		if t.Numel() == 0 {
			return true
		}
	}
	return false
}

// maxCheckElements bounds the elements of one input of a check: a check
// runs on small tensors, and a mistyped shape must not allocate gigabytes.
const maxCheckElements = 1 << 20

// checkShapeSize refuses a shape with a negative size or more than
// maxCheckElements elements.
func checkShapeSize(what string, shape []int) error {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("%s = %s has a negative size", what, check.FormatShape(shape))
		}
		if d > 0 && n > maxCheckElements/d {
			return fmt.Errorf("%s = %s holds more than %d elements, too many for a check", what, check.FormatShape(shape), maxCheckElements)
		}
		n *= d
	}
	return nil
}
