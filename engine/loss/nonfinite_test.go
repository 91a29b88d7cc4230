package loss

import (
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// Values and gradients at non-finite logits and signed zeros, as
// PyTorch 1.13 gives them (difftest seeds 504871, 900460, 904431:
// bce-with-logits' gradient at -Inf; 900241: the sign of nll's zero).
func TestLossNonFiniteAsTorch(t *testing.T) {
	inf := float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name          string
		loss          Criterion
		input, target []float32
		grad          []float32 // incoming gradient, of the loss's shape
		want, wantDx  []float32
	}{
		// torch: F.binary_cross_entropy_with_logits(x, y, reduction="none")
		// backward g gives g·(sigmoid(x) - y): -g·y at -Inf, g·(1-y) at +Inf.
		{"bceWithLogits at ±Inf", BCEWithLogits{None}, []float32{-inf, inf, 0.5}, []float32{0.375, 0.25, 0.5},
			[]float32{-1.5, 2, 1}, nil, []float32{0.5625, 1.5, 0.12245933}},
		// torch: F.nll_loss(tensor([0.0]), tensor(0), reduction="none") is +0.
		{"nll [C] of 0, none", NLL{None}, []float32{0, 1}, nil, nil, []float32{0}, nil},
		{"nll [C] of -0, none", NLL{None}, []float32{negZero, 1}, nil, nil, []float32{0}, nil},
	}
	for _, c := range cases {
		x := must(tensor.New(c.input, len(c.input)))
		if err := x.SetRequiresGrad(true); err != nil {
			t.Fatal(err)
		}
		var y *tensor.Tensor
		if c.target == nil {
			y = tensor.Scalar(0)
		} else {
			y = must(tensor.New(c.target, len(c.target)))
		}
		out, err := c.loss.Forward(x, y)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i, w := range c.want {
			if got := out.Data()[i]; math.Float32bits(got) != math.Float32bits(w) {
				t.Errorf("%s: value %v (sign bit %v), want %v", c.name, got, math.Signbit(float64(got)), w)
			}
		}
		if c.wantDx == nil {
			continue
		}
		g := must(tensor.New(c.grad, len(c.grad)))
		if err := out.BackwardWith(tensor.BackwardOptions{Gradient: g}); err != nil {
			t.Fatalf("%s: backward: %v", c.name, err)
		}
		for i, w := range c.wantDx {
			if got := x.Grad().Data()[i]; !sameValue(float64(got), float64(w)) {
				t.Errorf("%s: grad %v, want %v", c.name, x.Grad().Data(), c.wantDx)
				break
			}
		}
	}
}
