package tensor

import "testing"

// In-place ops that PyTorch allows: on results that are tensors of their
// own (a product, max with a dim, logsumexp, a flatten that copies or
// changes nothing, a convolution), and on empty tensors. The expected
// gradients are PyTorch 1.13's for x = [[1, 2], [3, 4]].
func TestInPlaceOnResultsThatAreNotViews(t *testing.T) {
	cases := []struct {
		name string
		f    func(x *Tensor) *Tensor
		gx   []float32
	}{
		{"matmul: y = x@x; y += 1; (y*y).sum()", func(x *Tensor) *Tensor {
			y := must(x.Matmul(x))
			must(y.AddScalarInPlace(1))
			return must(y.Mul(y)).SumAll()
		}, []float32{172, 296, 284, 508}},
		{"max(dim): v *= 2", func(x *Tensor) *Tensor {
			v, _ := mustPair(x.MaxDim(1, false))
			must(v.MulScalarInPlace(2))
			return v.SumAll()
		}, []float32{0, 2, 0, 2}},
		{"logsumexp: v *= 2", func(x *Tensor) *Tensor {
			v := must(x.LogSumExp([]int{1}, false))
			must(v.MulScalarInPlace(2))
			return v.SumAll()
		}, []float32{0.5378828, 1.4621172, 0.5378828, 1.4621172}},
		{"flatten of a transpose: v *= 2", func(x *Tensor) *Tensor {
			v := must(must(x.MulScalar(2).Transpose(0, 1)).Flatten(0, -1))
			must(v.MulScalarInPlace(2))
			return must(v.Mul(v)).SumAll()
		}, []float32{32, 64, 96, 128}},
		{"flatten(0, 0) is the tensor itself", func(x *Tensor) *Tensor {
			v := must(x.MulScalar(2).Flatten(0, 0))
			must(v.MulScalarInPlace(2))
			return must(v.Mul(v)).SumAll()
		}, []float32{32, 64, 96, 128}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := param(t, []float32{1, 2, 3, 4}, 2, 2)
			if err := c.f(x).Backward(); err != nil {
				t.Fatal(err)
			}
			wantGrad(t, "x", x, c.gx)
		})
	}
	// Indices returned by max are a copy: modifying them leaves the
	// gradient of the values alone.
	x := param(t, []float32{1, 2, 3, 4}, 2, 2)
	v, i := mustPair(x.MaxDim(1, false))
	must(i.AddScalarInPlace(5))
	if err := v.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantGrad(t, "x after indices += 5", x, []float32{0, 1, 0, 1})
}

// An empty tensor has PyTorch's strides ([2, 0, 3] → [3, 3, 1]), is
// contiguous, and accepts in-place ops.
func TestEmptyTensorStridesAndInPlace(t *testing.T) {
	e := must(Zeros(2, 0, 3))
	if got := e.Strides(); !sameShape(got, []int{3, 3, 1}) {
		t.Errorf("strides %v, want [3 3 1]", got)
	}
	if !e.IsContiguous() {
		t.Error("an empty tensor is not contiguous")
	}
	w := param(t, nil, 2, 0, 3)
	y := w.MulScalar(2)
	if _, err := y.AddScalarInPlace(1); err != nil {
		t.Fatal(err)
	}
	if _, err := must(Zeros(0, 5)).FillInPlace(1); err != nil {
		t.Fatal(err)
	}
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", w.Grad(), []int{2, 0, 3}, nil)
}

// mustPair unwraps a pair of results.
func mustPair(a, b *Tensor, err error) (*Tensor, *Tensor) {
	if err != nil {
		panic(err)
	}
	return a, b
}
