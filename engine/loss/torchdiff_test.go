package loss

import (
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// Cases the differential tester (tools/difftest) found, with PyTorch
// 1.13's values (float32): each failed before its fix.
func TestLossesAgreeWithTorchOnEdges(t *testing.T) {
	for _, tc := range []struct {
		name           string
		loss           Criterion
		p, y, upstream []float32
		want, wantGrad []float64
	}{
		// BCE at p = 0 and 1: the gradient is (p - y) / max(p(1-p), 1e-12),
		// finite, where the clamped logs gave NaN.
		{"bce at 0 and 1", BCE{Reduction: None},
			[]float32{0.3, 0, 1, 0, 1}, []float32{0.25, 0.75, 0.375, 0, 1}, []float32{-2, 1.5, 1, 1, 1},
			[]float64{0.5684994459152222, 75, 62.5, 0, 0},
			[]float64{-0.47619056701660156, -1125000019968.0, 624999989248.0, 0, 0}},
		// smooth L1 with beta 0 is |d|, with gradient -1 at d = 0; it was
		// beta 1.
		{"smoothL1 beta 0", SmoothL1{Reduction: None, Beta: 0},
			[]float32{0, -1.98, 0.5}, []float32{1.26, 0.73, 0.5}, []float32{1, 1, 1},
			[]float64{1.2599999904632568, 2.7100000381469727, 0}, []float64{-1, -1, -1}},
		// An infinite difference: PyTorch's slope is ±1 there; the branch
		// not taken made it NaN. (Values from PyTorch 1.13, whose mean
		// form of the first case gives the target -1/3 for upstream -1.)
		{"smoothL1 infinite", SmoothL1{Reduction: None, Beta: 0.5},
			[]float32{float32(math.Inf(-1)), float32(math.Inf(1)), 0.2}, []float32{0.39, -1.1, 0.2}, []float32{1, 1, 1},
			[]float64{math.Inf(1), math.Inf(1), 0}, []float64{-1, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.p)
			p := must(tensor.New(tc.p, n))
			if err := p.SetRequiresGrad(true); err != nil {
				t.Fatal(err)
			}
			l, err := tc.loss.Forward(p, must(tensor.New(tc.y, n)))
			if err != nil {
				t.Fatal(err)
			}
			if err := l.BackwardWith(tensor.BackwardOptions{Gradient: must(tensor.New(tc.upstream, n))}); err != nil {
				t.Fatal(err)
			}
			closeTo(t, "value", l.Values(), tc.want)
			closeTo(t, "gradient", p.Grad().Values(), tc.wantGrad)
		})
	}
}

// KLDiv's batchmean over an empty batch is 0/0, NaN, as in PyTorch.
func TestKLDivBatchMeanEmpty(t *testing.T) {
	e := must(tensor.Zeros(0, 3))
	l, err := KLDiv{Reduction: BatchMean}.Forward(e, e)
	if err != nil {
		t.Fatal(err)
	}
	if v := must(l.Item()); !math.IsNaN(float64(v)) {
		t.Fatalf("batchmean of an empty batch = %v, want NaN", v)
	}
}

// NewSmoothL1 has PyTorch's default beta.
func TestNewSmoothL1(t *testing.T) {
	if l := NewSmoothL1(Sum); l.Beta != 1 || l.Reduction != Sum {
		t.Fatalf("NewSmoothL1(Sum) = %+v, want beta 1 and Sum", l)
	}
}

func closeTo(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	for i := range want {
		if math.IsInf(want[i], 0) && float64(got[i]) == want[i] {
			continue
		}
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= 1e-6*math.Max(1, math.Abs(want[i]))) { // NaN fails
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
}
