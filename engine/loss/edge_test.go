package loss

import (
	"math"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

// Edge cases against PyTorch 1.13: a single [C] sample without reduction
// gives a scalar, infinite logits give PyTorch's NaN or Inf, an empty
// class dimension gives empty losses, and BCE refuses inputs outside
// [0, 1].
func TestLossEdgeCasesAsTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	vec := func(v ...float32) *tensor.Tensor { return must(tensor.New(v, len(v))) }
	mat := func(r, c int, v ...float32) *tensor.Tensor { return must(tensor.New(v, r, c)) }
	cases := []struct {
		name          string
		loss          Criterion
		input, target *tensor.Tensor
		shape         []int
		want          []float32
	}{
		{"crossEntropy [C], none", CrossEntropy{Reduction: None}, vec(1, 2), tensor.Scalar(1), nil, []float32{0.31326169}},
		{"crossEntropy [C] soft, none", CrossEntropy{Reduction: None}, vec(1, 2), vec(0.5, 0.5), nil, []float32{0.81326169}},
		{"nll [C], none", NLL{None}, vec(1, 2), tensor.Scalar(1), nil, []float32{-2}},
		{"crossEntropy [Inf, 0], class 0", CrossEntropy{}, mat(1, 2, inf, 0), vec(0), nil, []float32{nan}},
		{"crossEntropy [Inf, 0], class 1", CrossEntropy{}, mat(1, 2, inf, 0), vec(1), nil, []float32{nan}},
		{"crossEntropy [-Inf, 0], class 0", CrossEntropy{}, mat(1, 2, -inf, 0), vec(0), nil, []float32{inf}},
		{"crossEntropy [-Inf, 0], class 1", CrossEntropy{}, mat(1, 2, -inf, 0), vec(1), nil, []float32{0}},
		{"crossEntropy over no classes, none", CrossEntropy{Reduction: None}, mat(2, 0), mat(2, 0), []int{2}, []float32{0, 0}},
		{"bceWithLogits ±Inf", BCEWithLogits{None}, vec(inf, -inf, inf, -inf, 3), vec(1, 0, 0, 1, 0.25), []int{5},
			[]float32{nan, nan, inf, nan, 2.29858735}},
	}
	for _, c := range cases {
		out, err := c.loss.Forward(c.input, c.target)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := out.Shape(); !slices.Equal(got, c.shape) && !(len(got) == 0 && len(c.shape) == 0) {
			t.Errorf("%s: shape %v, want %v", c.name, got, c.shape)
			continue
		}
		for i, v := range out.Data() {
			if !sameValue(float64(v), float64(c.want[i])) {
				t.Errorf("%s: %v, want %v", c.name, out.Data(), c.want)
				break
			}
		}
	}
	for _, p := range []float32{1.5, -0.1, nan} {
		_, err := BCE{}.Forward(vec(0.5, p), vec(1, 1))
		if err == nil || !strings.Contains(err.Error(), "bceLoss: input") || !strings.Contains(err.Error(), "position 1 is not a probability in [0, 1]") {
			t.Errorf("bce of %v: error = %v", p, err)
		}
	}
}

// sameValue compares within float32 rounding; NaN equals NaN, and an
// infinity only itself.
func sameValue(got, want float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return got == want
	}
	return math.Abs(got-want) <= 1e-5*(1+math.Abs(want))
}

// Shapes in the losses' errors are written as PyTorch prints them.
func TestLossErrorsUseTorchShapes(t *testing.T) {
	_, err := MSE{}.Forward(must(tensor.Zeros(2, 3)), must(tensor.Zeros(3)))
	if err == nil || !strings.Contains(err.Error(), "input shape [2, 3] and target shape [3] differ") {
		t.Errorf("error = %v", err)
	}
}

// TestSoftTargetZeroLossIsNegativeZero: with class probabilities as the
// target, PyTorch 1.13 negates after reducing, -(Σ target·logp), so a
// loss that is exactly zero (a single class, where logp is 0) is -0 for
// every reduction. Divided into a positive number, -0 gives -Inf where +0
// gives +Inf, which is how the random programs (make difftest, seed
// 50703) found the difference.
func TestSoftTargetZeroLossIsNegativeZero(t *testing.T) {
	probs := []float32{0.75, 0.625, 0.375, 0.5, 1, 0, 0.25, 0.875}
	for _, shape := range [][]int{{2, 1}, {1, 1, 2, 4}} {
		n := shape[0] * shape[1]
		for _, d := range shape[2:] {
			n *= d
		}
		input := must(tensor.Rand(shape...))
		if err := input.SetRequiresGrad(true); err != nil {
			t.Fatal(err)
		}
		target := must(tensor.New(probs[:n], shape...))
		for _, r := range []Reduction{Sum, Mean, None} {
			out, err := CrossEntropy{Reduction: r}.Forward(input, target)
			if err != nil {
				t.Fatalf("%v, reduction %v: %v", shape, r, err)
			}
			for i, v := range out.Data() {
				if v != 0 || !math.Signbit(float64(v)) {
					t.Errorf("%v, reduction %v: element %d is %v (sign bit %v), want -0 as PyTorch", shape, r, i, v, math.Signbit(float64(v)))
				}
			}
		}
	}
}
