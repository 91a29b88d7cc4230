package tensor

import (
	"fmt"
	"math"
	"testing"
)

// The numeric gradient check: for every differentiable fixture case, the
// gradient from Backward must match central differences
//
//	dL/dx ≈ (L(x+h) - L(x-h)) / 2h,   L = Σ w · op(x),
//
// where w is the case's random weight (drawn by gen.py from a normal
// distribution), not all ones: a plain sum would let a backward that
// permutes or mixes up output elements pass.
//
// What is float64 and what is not: the engine computes op(x) in float32,
// so the check cannot be the pure float64 central difference of textbook
// gradient checkers. The weighted sum L and the difference quotient are
// accumulated in float64, and the quotient divides by the step that
// float32 actually took. The accuracy is then limited by the float32
// rounding of op(x) (about 6e-8 relative), amplified by 1/2h, and by the
// truncation error of central differences, h²/6 · f”'.
//
// With h = 1e-2 the first is about 3e-6·|op(x)| and the second about
// 2e-5·|f”'|; fixture inputs stay at least 0.05 away from kinks (relu at
// 0, clamp bounds, ties of max), so x±h never crosses one. The tolerance
// gradAtol + gradRtol·|analytic| = 5e-4 + 2e-3·|a| is 2.5e-3 for a
// gradient of 1: a backward off by a factor 1.01 (an error of 1e-2) fails,
// which TestGradCheckCatchesWrongBackward proves.
const (
	gradStep = 1e-2
	gradRtol = 2e-3
	gradAtol = 5e-4
)

func TestGradCheck(t *testing.T) {
	worst, worstCase := 0.0, ""
	for _, c := range loadFixtures(t) {
		if c.Weight == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			op := func(x []*Tensor, _ fixtureArgs) (*Tensor, error) { return applyOp(c, x) }
			bad, ratio, err := gradCheck(op, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range bad {
				t.Error(m)
			}
			if ratio > worst {
				worst, worstCase = ratio, c.Name
			}
		})
	}
	t.Logf("largest |backward - numeric| / tolerance: %.3f (%s)", worst, worstCase)
}

// gradCheck compares op's backward with central differences on the
// inputs of c that require grad. It returns a message per element that
// differs by more than the tolerance, and the largest ratio of difference
// to tolerance seen (below 1 when all agree).
func gradCheck(op opFunc, c fixtureCase) (mismatches []string, worst float64, err error) {
	x := fixtureInputs(c)
	w := must(New(c.Weight.Data, c.Weight.Shape...))
	out, err := op(x, c.Args)
	if err != nil {
		return nil, 0, err
	}
	if err := out.BackwardWith(BackwardOptions{Gradient: w}); err != nil {
		return nil, 0, err
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
			ratio := math.Abs(numeric-a) / (gradAtol + gradRtol*math.Abs(a))
			worst = max(worst, ratio)
			if ratio > 1 {
				mismatches = append(mismatches, fmt.Sprintf("input %d element %d: backward gives %.6g, central differences %.6g", i, j, a, numeric))
			}
		}
	}
	return mismatches, worst, nil
}

// The harness must be able to fail: a square whose backward is off by a
// factor (a mutation of the right formula 2x) is checked on inputs where
// the gradient is of order 1. Factor 1 must pass; 1.01 and 0.99 must not.
func TestGradCheckCatchesWrongBackward(t *testing.T) {
	c := fixtureCase{
		Name:   "square",
		Inputs: []fixtureTensor{{Shape: []int{4}, Data: []float32{0.5, -0.45, 0.6, 1.7}, Grad: true}},
		Weight: &fixtureTensor{Shape: []int{4}, Data: []float32{1, -1.1, 0.9, 0.3}},
	}
	for _, tc := range []struct {
		factor   float32
		wantFail bool
	}{{1, false}, {1.01, true}, {0.99, true}} {
		square := func(x []*Tensor, _ fixtureArgs) (*Tensor, error) {
			in := x[0]
			out := fromData(must(in.Mul(in)).Detach().Data(), in.shape)
			record(out, "square", []*Tensor{in}, []*Tensor{in}, func(g *Tensor) []*Tensor {
				return []*Tensor{must(g.Mul(in.Detach())).MulScalar(2 * tc.factor)}
			})
			return out, nil
		}
		bad, worst, err := gradCheck(square, c)
		if err != nil {
			t.Fatal(err)
		}
		if failed := len(bad) > 0; failed != tc.wantFail {
			t.Errorf("backward off by a factor %v: check failed = %v (worst ratio %.3f), want %v", tc.factor, failed, worst, tc.wantFail)
		}
	}
}
