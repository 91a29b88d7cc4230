package tensor

import (
	"math"
	"strings"
	"testing"
)

// A 0-d tensor accepts dim 0 and -1 wherever PyTorch does (it wraps dims
// as if the tensor had one dimension); the values are PyTorch 1.13's for
// x = tensor(2.), and the gradient, where there is one, flows back.
func TestScalarAcceptsDimZeroAndMinusOne(t *testing.T) {
	type op func(x *Tensor, dim int) (*Tensor, error)
	first := func(f func(x *Tensor, dim int) (*Tensor, *Tensor, error)) op {
		return func(x *Tensor, dim int) (*Tensor, error) { v, _, err := f(x, dim); return v, err }
	}
	second := func(f func(x *Tensor, dim int) (*Tensor, *Tensor, error)) op {
		return func(x *Tensor, dim int) (*Tensor, error) { _, i, err := f(x, dim); return i, err }
	}
	cases := []struct {
		name   string
		f      op
		shape  []int
		want   float32
		grad   float32 // d(out)/dx; 0 with noGrad
		noGrad bool
	}{
		{"sum", func(x *Tensor, d int) (*Tensor, error) { return x.Sum([]int{d}, false) }, nil, 2, 1, false},
		{"sum keepdim", func(x *Tensor, d int) (*Tensor, error) { return x.Sum([]int{d}, true) }, nil, 2, 1, false},
		{"mean", func(x *Tensor, d int) (*Tensor, error) { return x.Mean([]int{d}, false) }, nil, 2, 1, false},
		{"std, correction 0", func(x *Tensor, d int) (*Tensor, error) { return x.Std([]int{d}, 0, false) }, nil, 0, 0, false},
		{"logsumexp", func(x *Tensor, d int) (*Tensor, error) { return x.LogSumExp([]int{d}, false) }, nil, 2, 1, false},
		{"amax", func(x *Tensor, d int) (*Tensor, error) { return x.Amax([]int{d}, false) }, nil, 2, 1, false},
		{"amin", func(x *Tensor, d int) (*Tensor, error) { return x.Amin([]int{d}, false) }, nil, 2, 1, false},
		{"softmax", func(x *Tensor, d int) (*Tensor, error) { return x.Softmax(d) }, nil, 1, 0, false},
		{"logSoftmax", func(x *Tensor, d int) (*Tensor, error) { return x.LogSoftmax(d) }, nil, 0, 0, false},
		{"max values", first(func(x *Tensor, d int) (*Tensor, *Tensor, error) { return x.MaxDim(d, false) }), nil, 2, 1, false},
		{"max indices", second(func(x *Tensor, d int) (*Tensor, *Tensor, error) { return x.MaxDim(d, false) }), nil, 0, 0, true},
		{"min values keepdim", first(func(x *Tensor, d int) (*Tensor, *Tensor, error) { return x.MinDim(d, true) }), nil, 2, 1, false},
		{"argmax", func(x *Tensor, d int) (*Tensor, error) { return x.Argmax(d, false) }, nil, 0, 0, true},
		{"argmin keepdim", func(x *Tensor, d int) (*Tensor, error) { return x.Argmin(d, true) }, nil, 0, 0, true},
		{"transpose", func(x *Tensor, d int) (*Tensor, error) { return x.Transpose(d, 0) }, nil, 2, 1, false},
		{"squeeze", func(x *Tensor, d int) (*Tensor, error) { return x.Squeeze(d) }, nil, 2, 1, false},
		{"unsqueeze", func(x *Tensor, d int) (*Tensor, error) { return x.Unsqueeze(d) }, []int{1}, 2, 1, false},
		{"flatten", func(x *Tensor, d int) (*Tensor, error) { return x.Flatten(d, -1) }, []int{1}, 2, 1, false},
		{"gather", func(x *Tensor, d int) (*Tensor, error) { return x.Gather(d, Scalar(0)) }, nil, 2, 1, false},
		{"indexSelect", func(x *Tensor, d int) (*Tensor, error) { return x.IndexSelect(d, must(New([]float32{0}, 1))) }, nil, 2, 1, false},
	}
	for _, c := range cases {
		for _, dim := range []int{0, -1} {
			x := param(t, []float32{2}, []int{}...)
			out, err := c.f(x, dim)
			if err != nil {
				t.Errorf("%s, dim %d: %v", c.name, dim, err)
				continue
			}
			wantData(t, c.name, out, c.shape, []float32{c.want})
			if c.noGrad {
				continue
			}
			if err := out.SumAll().Backward(); err != nil {
				t.Errorf("%s, dim %d: backward: %v", c.name, dim, err)
				continue
			}
			wantData(t, c.name+" grad", x.Grad(), nil, []float32{c.grad})
		}
	}
}

// The ops PyTorch refuses on a 0-d tensor say so, instead of panicking on
// the missing dimension.
func TestScalarRefusedWhereTorchRefuses(t *testing.T) {
	x := Scalar(2)
	for _, c := range []struct {
		name string
		f    func() (*Tensor, error)
		want string
	}{
		{"narrow", func() (*Tensor, error) { return x.Narrow(0, 0, 1) }, "narrow: cannot be applied to a 0-d tensor"},
		{"select", func() (*Tensor, error) { return x.Select(0, 0) }, "select: cannot be applied to a 0-d tensor"},
		{"slice", func() (*Tensor, error) { return x.Slice(-1, 0, 1, 1) }, "slice: cannot be applied to a 0-d tensor"},
		{"cat", func() (*Tensor, error) { return Cat([]*Tensor{x, x}, 0) }, "cat: tensor 0 is 0-d"},
		{"dim 1", func() (*Tensor, error) { return x.Sum([]int{1}, false) }, "sum: dimension 1 is out of range for a 0-d tensor, expected -1 to 0"},
		{"repeated", func() (*Tensor, error) { return x.Sum([]int{0, -1}, false) }, "sum: dimension 0 appears twice in [0, -1]"},
	} {
		_, err := c.f()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want %q", c.name, err, c.want)
		}
	}
}

// Degenerate statistics as PyTorch computes them: the gradient of std
// where std is 0 is 0, and var divides by max(N - correction, 0).
func TestVarStdDegenerate(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		name       string
		data       []float32
		correction int
		std        bool
		want       float32
		grad       []float32
	}{
		{"std of equal values", []float32{1, 1}, 1, true, 0, []float32{0, 0}},
		{"std of one value, correction 0", []float32{3}, 0, true, 0, []float32{0}},
		{"var of one value, correction 1", []float32{3}, 1, false, nan, nil},
		{"var of one value, correction 2", []float32{3}, 2, false, nan, nil},
		{"var of two values, correction 2", []float32{1, 2}, 2, false, float32(math.Inf(1)), nil},
	}
	for _, c := range cases {
		x := param(t, c.data, len(c.data))
		f := x.Var
		if c.std {
			f = x.Std
		}
		out := must(f(nil, c.correction, false))
		wantData(t, c.name, out, nil, []float32{c.want})
		if c.grad == nil {
			continue
		}
		if err := out.Backward(); err != nil {
			t.Fatal(err)
		}
		wantData(t, c.name+" grad", x.Grad(), x.Shape(), c.grad)
	}
	// No elements at all.
	wantData(t, "var of none", must(must(Zeros(0)).Var(nil, 1, false)), nil, []float32{nan})
}

// narrow's start counts from the end when negative, as in PyTorch.
func TestNarrowNegativeStart(t *testing.T) {
	x := must(New([]float32{0, 1, 2, 3, 4}, 5))
	wantData(t, "narrow(0, -2, 2)", must(x.Narrow(0, -2, 2)), []int{2}, []float32{3, 4})
	wantData(t, "narrow(0, -5, 1)", must(x.Narrow(0, -5, 1)), []int{1}, []float32{0})
	if _, err := x.Narrow(0, -6, 1); err == nil {
		t.Error("narrow(0, -6, 1) accepted")
	}
}
