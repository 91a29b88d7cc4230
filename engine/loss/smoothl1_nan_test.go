package loss

import (
	"fmt"
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// TestSmoothL1GradAtNaN has PyTorch 1.13's smooth-L1 losses and
// gradients, with a NaN difference among infinite and ordinary ones
// (difftest seed 233, a NaN from sqrt of a negative number). PyTorch's
// backward gives d/beta·g where neither d ≤ -beta nor d ≥ beta holds,
// which at NaN d is NaN, for beta 0 (L1 with its gradient -1 at 0) too.
func TestSmoothL1GradAtNaN(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	input := []float32{nan, 1, -1, -0.2, inf, -inf, 0.3, 2}
	target := []float32{0, 0, 0, 0, 0, 1, 0, nan}
	seed := []float32{2, inf, -inf, 1, 1, 1, inf, 0}
	cases := []struct {
		beta               float64
		r                  Reduction
		loss, gIn, gTarget []float32
	}{
		{0, Sum, []float32{nan}, []float32{nan, 1, -1, -1, 1, -1, 1, nan}, []float32{nan, -1, 1, 1, -1, 1, -1, nan}},
		{0, None, []float32{nan, 1, 1, 0.2, inf, inf, 0.3, nan}, []float32{nan, inf, inf, -1, 1, -1, inf, nan}, []float32{nan, -inf, -inf, 1, -1, 1, -inf, nan}},
		{1, Sum, []float32{nan}, []float32{nan, 1, -1, -0.2, 1, -1, 0.3, nan}, []float32{nan, -1, 1, 0.2, -1, 1, -0.3, nan}},
		{1, None, []float32{nan, 0.5, 0.5, 0.02, inf, inf, 0.045, nan}, []float32{nan, inf, inf, -0.2, 1, -1, inf, nan}, []float32{nan, -inf, -inf, 0.2, -1, 1, -inf, nan}},
		{0.5, Sum, []float32{nan}, []float32{nan, 1, -1, -0.4, 1, -1, 0.6, nan}, []float32{nan, -1, 1, 0.4, -1, 1, -0.6, nan}},
		{0.5, None, []float32{nan, 0.75, 0.75, 0.04, inf, inf, 0.09, nan}, []float32{nan, inf, inf, -0.4, 1, -1, inf, nan}, []float32{nan, -inf, -inf, 0.4, -1, 1, -inf, nan}},
	}
	for _, c := range cases {
		name := fmt.Sprintf("beta %g, %s", c.beta, c.r)
		x, y := leafOf(t, input), leafOf(t, target)
		l, err := SmoothL1{Reduction: c.r, Beta: c.beta}.Forward(x, y)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		g := tensor.Scalar(1)
		if c.r == None {
			g = must(tensor.New(seed, len(seed)))
		}
		if err := l.BackwardWith(tensor.BackwardOptions{Gradient: g}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range []struct {
			what      string
			got, want []float32
		}{{"loss", l.Data(), c.loss}, {"input.grad", x.Grad().Data(), c.gIn}, {"target.grad", y.Grad().Data(), c.gTarget}} {
			for i := range v.want {
				if !sameValue(float64(v.got[i]), float64(v.want[i])) {
					t.Errorf("%s: %s %v, want %v", name, v.what, v.got, v.want)
					break
				}
			}
		}
	}
}

// leafOf is a copy of v as a leaf vector that requires grad.
func leafOf(t *testing.T, v []float32) *tensor.Tensor {
	x := must(tensor.New(append([]float32{}, v...), len(v)))
	if err := x.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	return x
}
