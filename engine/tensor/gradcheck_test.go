package tensor

import (
	"math"
	"testing"
)

// The numeric gradient check: for every differentiable fixture case, the
// gradient from Backward must match central differences
//
//	dL/dx ≈ (L(x+h) - L(x-h)) / 2h,   L = Σ weight · op(x),
//
// with L accumulated in float64. The forward pass is float32, so its
// rounding (about 1e-7 relative) divided by 2h limits the accuracy:
// h = 1e-2 with a 1e-2 relative tolerance leaves a wide margin while still
// catching any wrong formula. Fixture inputs stay at least 0.05 away from
// kinks (relu at 0, clamp bounds, ties of max), so x±h never crosses one.
const (
	gradStep = 1e-2
	gradRtol = 1e-2
	gradAtol = 1e-3
)

func TestGradCheck(t *testing.T) {
	for _, c := range loadFixtures(t) {
		if c.Weight == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) { gradCheck(t, opTable[c.Op], c) })
	}
}

func gradCheck(t *testing.T, op opFunc, c fixtureCase) {
	x := fixtureInputs(c)
	w := must(New(c.Weight.Data, c.Weight.Shape...))
	out, err := op(x, c.Args)
	if err != nil {
		t.Fatal(err)
	}
	if err := out.BackwardWith(BackwardOptions{Gradient: w}); err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		var y *Tensor
		NoGrad(func() { y = must(op(x, c.Args)) })
		sum := 0.0
		for i, v := range y.Data() {
			sum += float64(c.Weight.Data[i]) * float64(v)
		}
		return sum
	}
	for i, xi := range x {
		if !xi.requiresGrad {
			continue
		}
		analytic := gradOrZeros(xi).Data()
		data := xi.st.data // fixture inputs are fresh and contiguous
		for j, orig := range data {
			data[j] = orig + gradStep
			up := loss()
			data[j] = orig - gradStep
			down := loss()
			data[j] = orig
			// Divide by the step float32 actually took.
			numeric := (up - down) / (float64(orig+gradStep) - float64(orig-gradStep))
			a := float64(analytic[j])
			if math.Abs(numeric-a) > gradAtol+gradRtol*math.Abs(a) {
				t.Errorf("input %d element %d: backward gives %.6g, central differences %.6g", i, j, a, numeric)
			}
		}
	}
}
