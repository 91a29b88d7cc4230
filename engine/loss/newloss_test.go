package loss

import (
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

func TestNewLossErrors(t *testing.T) {
	a, b := must(tensor.Zeros(2, 3)), must(tensor.Zeros(3, 2))
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"l1 shapes", func() error { _, err := L1{}.Forward(a, b); return err }, "l1Loss: input shape [2, 3] and target shape [3, 2] differ"},
		{"smoothL1 shapes", func() error { _, err := SmoothL1{}.Forward(a, b); return err }, "smoothL1Loss: input shape"},
		{"smoothL1 beta", func() error { _, err := SmoothL1{Beta: -1}.Forward(a, a); return err }, "smoothL1Loss: beta -1, expected a number ≥ 0"},
		{"klDiv shapes", func() error { _, err := KLDiv{}.Forward(a, b); return err }, "klDivLoss: input shape"},
		{"reduction", func() error { _, err := ParseKLReduction("avg"); return err }, `reduction "avg", expected "mean", "batchmean", "sum" or "none"`},
		{"batchmean elsewhere", func() error { _, err := ParseReduction("batchmean"); return err }, `reduction "batchmean"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Where a target probability is 0, KLDiv's term target·log(target) is 0
// and so is its slope: the target's gradient is -input there, finite,
// where PyTorch 1.13 gives NaN. The input's gradient is -target.
func TestKLDivZeroTarget(t *testing.T) {
	input := must(tensor.New([]float32{-1, -2}, 2))
	target := must(tensor.New([]float32{0, 1}, 2))
	must(0, input.SetRequiresGrad(true))
	must(0, target.SetRequiresGrad(true))
	l := must(KLDiv{Reduction: Sum}.Forward(input, target))
	// 0 + 1·(log 1 - (-2)) = 2
	if v := must(l.Item()); v != 2 {
		t.Errorf("loss %v, want 2", v)
	}
	must(0, l.Backward())
	if got := target.Grad().Data(); got[0] != 1 || got[1] != 3 {
		t.Errorf("target gradient %v, want [1 3] (-input + log t + 1)", got)
	}
	if got := input.Grad().Data(); got[0] != 0 || got[1] != -1 {
		t.Errorf("input gradient %v, want [0 -1] (-target)", got)
	}
}
