package profile

import (
	"fmt"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

// savedByEngine reports whether the op f, applied to the operands, keeps
// its input number which (or its output, which = -1) for backward, as the
// engine sees it: modifying a saved tensor in place before backward is an
// error that names it ("saved for the backward pass"), modifying any
// other is not.
func savedByEngine(t *testing.T, f func(ins []*tensor.Tensor) (*tensor.Tensor, error), nIn, which int) bool {
	t.Helper()
	ins := make([]*tensor.Tensor, nIn)
	for i := range ins {
		leaf := must(tensor.Rand(3, 3)).AddScalar(0.5) // positive, for log, sqrt and pow
		must(0, leaf.SetRequiresGrad(true))
		ins[i] = leaf.MulScalar(1) // not a leaf, so it may be modified in place
	}
	out, err := f(ins)
	if err != nil {
		t.Fatal(err)
	}
	target := out
	if which >= 0 {
		target = ins[which]
	}
	tensor.NoGrad(func() { must(target.AddScalarInPlace(0)) })
	err = out.SumAll().Backward()
	if err != nil && !strings.Contains(err.Error(), "saved for the backward pass") {
		t.Fatalf("backward: %v", err)
	}
	return err != nil
}

// TestSavedByMatchesEngine checks the profiler's table of what each op's
// backward reads (savedBy) against the engine's own version checks, so
// that the table cannot drift from the ops it describes.
func TestSavedByMatchesEngine(t *testing.T) {
	unary := func(f func(*tensor.Tensor) *tensor.Tensor) func([]*tensor.Tensor) (*tensor.Tensor, error) {
		return func(ins []*tensor.Tensor) (*tensor.Tensor, error) { return f(ins[0]), nil }
	}
	binary := func(f func(a, b *tensor.Tensor) (*tensor.Tensor, error)) func([]*tensor.Tensor) (*tensor.Tensor, error) {
		return func(ins []*tensor.Tensor) (*tensor.Tensor, error) { return f(ins[0], ins[1]) }
	}
	ops := []struct {
		name string
		nIn  int
		f    func([]*tensor.Tensor) (*tensor.Tensor, error)
	}{
		{"relu", 1, unary((*tensor.Tensor).Relu)}, {"exp", 1, unary((*tensor.Tensor).Exp)},
		{"log", 1, unary((*tensor.Tensor).Log)}, {"sqrt", 1, unary((*tensor.Tensor).Sqrt)},
		{"abs", 1, unary((*tensor.Tensor).Abs)}, {"sin", 1, unary((*tensor.Tensor).Sin)},
		{"cos", 1, unary((*tensor.Tensor).Cos)}, {"tanh", 1, unary((*tensor.Tensor).Tanh)},
		{"sigmoid", 1, unary((*tensor.Tensor).Sigmoid)}, {"gelu", 1, unary((*tensor.Tensor).Gelu)},
		{"neg", 1, unary((*tensor.Tensor).Neg)},
		{"add", 2, binary((*tensor.Tensor).Add)}, {"sub", 2, binary((*tensor.Tensor).Sub)},
		{"mul", 2, binary((*tensor.Tensor).Mul)}, {"div", 2, binary((*tensor.Tensor).Div)},
		{"pow", 2, binary((*tensor.Tensor).Pow)}, {"maximum", 2, binary((*tensor.Tensor).Maximum)},
		{"minimum", 2, binary((*tensor.Tensor).Minimum)}, {"matmul", 2, binary((*tensor.Tensor).Matmul)},
	}
	for _, op := range ops {
		s, ok := savedBy[op.name]
		if !ok {
			t.Errorf("%s: not in savedBy", op.name)
			continue
		}
		for which := -1; which < op.nIn; which++ {
			want := s.output
			if which >= 0 {
				want = s.allInputs || containsInt(s.inputs, which)
			}
			if got := savedByEngine(t, op.f, op.nIn, which); got != want {
				what := "its output"
				if which >= 0 {
					what = fmt.Sprintf("input %d", which)
				}
				t.Errorf("%s: the engine saves %s: %v; savedBy says %v", op.name, what, got, want)
			}
		}
	}
}
