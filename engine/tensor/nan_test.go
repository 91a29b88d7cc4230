package tensor

import (
	"math"
	"testing"
)

// NaN and infinities as PyTorch 1.13 treats them: max, argmax and pooling
// pick NaN (the first for max, the last in a pooling window), amax/amin
// and maximum propagate it, and a 0/1 mask gives gradient 0 even where
// the incoming gradient is infinite.
func TestNaNAsTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	x := must(New([]float32{1, nan, 3, nan}, 4))
	v, i := mustPair(x.MaxDim(0, false))
	wantData(t, "max values", v, nil, []float32{nan})
	wantData(t, "max indices", i, nil, []float32{1})
	v, i = mustPair(x.MinDim(0, false))
	wantData(t, "min values", v, nil, []float32{nan})
	wantData(t, "min indices", i, nil, []float32{1})
	wantData(t, "argmax", must(x.Argmax(0, false)), nil, []float32{1})
	wantData(t, "argmin", must(x.Argmin(0, false)), nil, []float32{1})
	wantData(t, "amin([NaN, -Inf])", must(must(New([]float32{nan, -inf}, 2)).Amin(nil, false)), nil, []float32{nan})
	wantData(t, "amax([NaN, Inf])", must(must(New([]float32{nan, inf}, 2)).Amax(nil, false)), nil, []float32{nan})
	wantData(t, "maximum(NaN, Inf)", must(Scalar(nan).Maximum(Scalar(inf))), nil, []float32{nan})
	wantData(t, "minimum(NaN, -Inf)", must(Scalar(nan).Minimum(Scalar(-inf))), nil, []float32{nan})
	wantData(t, "clamp(NaN, 0, Inf)", Scalar(nan).Clamp(0, inf), nil, []float32{nan})

	// Pooling: each path (2×2 fast, no padding, padding) picks the last
	// NaN of the window.
	p := must(New([]float32{1, nan, nan, 2}, 1, 1, 2, 2))
	for _, w := range []Window{
		{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}},
		{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}},
		{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}},
	} {
		x := param(t, []float32{1, nan, nan, 2}, 1, 1, 2, 2)
		y := must(x.MaxPool2d(w))
		if got := y.Data()[0]; !math.IsNaN(float64(got)) {
			t.Errorf("maxPool2d %+v of %v: %v, want NaN", w, p.Data(), y.Data())
		}
		// The gradient of the first window's result alone.
		g := must(Zeros(y.Shape()...))
		g.st.data[0] = 1
		if err := y.BackwardWith(BackwardOptions{Gradient: g}); err != nil {
			t.Fatal(err)
		}
		wantData(t, "maxPool2d grad", x.Grad(), []int{1, 1, 2, 2}, []float32{0, 0, 1, 0})
	}
}

// The gradients of masking ops: relu, clamp and maximum give 0 where the
// mask is 0 even for an infinite incoming gradient ([-1, 2]: log's slope
// at relu's 0 is Inf), and maximum with a NaN gives both operands the
// gradient. Values from PyTorch 1.13.
func TestMaskedGradientsAsTorch(t *testing.T) {
	nan := float32(math.NaN())
	zeros := must(New([]float32{0, 0}, 2))
	for _, c := range []struct {
		name string
		f    func(x *Tensor) *Tensor
	}{
		{"relu", func(x *Tensor) *Tensor { return x.Relu() }},
		{"clamp(0, 5)", func(x *Tensor) *Tensor { return x.Clamp(0, 5) }},
		{"maximum(x, 0)", func(x *Tensor) *Tensor { return must(x.Maximum(zeros)) }},
	} {
		for _, generic := range []bool{false, true} {
			genericOnly = generic
			x := param(t, []float32{-1, 2}, 2)
			if err := c.f(x).Log().SumAll().Backward(); err != nil {
				t.Fatal(err)
			}
			wantData(t, c.name+"(x).log() grad", x.Grad(), []int{2}, []float32{0, 0.5})
		}
		genericOnly = false
	}
	// pow with exponent 0: its slope 0 masks an infinite gradient too.
	x := param(t, []float32{0, 2}, 2)
	inf := must(New([]float32{float32(math.Inf(1)), float32(math.Inf(1))}, 2))
	if err := must(x.PowScalar(0).Mul(inf)).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "pow 0 grad", x.Grad(), []int{2}, []float32{0, 0})

	a := param(t, []float32{nan, 2}, 2)
	b := param(t, []float32{1, 1}, 2)
	if err := must(a.Maximum(b)).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "maximum(NaN) grad a", a.Grad(), []int{2}, []float32{1, 1})
	wantData(t, "maximum(NaN) grad b", b.Grad(), []int{2}, []float32{1, 0})
	a = param(t, []float32{nan, 2}, 2)
	b = param(t, []float32{1, 1}, 2)
	if err := must(a.Minimum(b)).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "minimum(NaN) grad a", a.Grad(), []int{2}, []float32{1, 0})
	wantData(t, "minimum(NaN) grad b", b.Grad(), []int{2}, []float32{1, 1})
}
