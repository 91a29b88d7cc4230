package loss

import (
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// A mean over an empty input is NaN in PyTorch 1.13, the mean of nothing,
// for every loss; cross-entropy with probability targets too when only
// the class dimension is empty, although each sample's loss (an empty
// sum) is then 0: PyTorch divides by input.numel()/C and sets NaN when
// input.numel() is 0. The sum over an empty input is 0.
func TestMeanOverEmptyInputIsNaN(t *testing.T) {
	nan := math.NaN()
	zeros := func(shape ...int) *tensor.Tensor { return must(tensor.Zeros(shape...)) }
	cases := []struct {
		name          string
		loss          Criterion
		input, target *tensor.Tensor
		want          float64
	}{
		{"crossEntropy probs [2, 0]", CrossEntropy{}, zeros(2, 0), zeros(2, 0), nan},
		{"crossEntropy probs [0]", CrossEntropy{}, zeros(0), zeros(0), nan},
		{"crossEntropy probs [1, 0, 2]", CrossEntropy{}, zeros(1, 0, 2), zeros(1, 0, 2), nan},
		{"crossEntropy probs [0, 3]", CrossEntropy{}, zeros(0, 3), zeros(0, 3), nan},
		{"crossEntropy probs [0, 3, 2]", CrossEntropy{}, zeros(0, 3, 2), zeros(0, 3, 2), nan},
		{"crossEntropy probs [2, 0], smoothing", CrossEntropy{LabelSmoothing: 0.1}, zeros(2, 0), zeros(2, 0), nan},
		{"crossEntropy probs [2, 0], sum", CrossEntropy{Reduction: Sum}, zeros(2, 0), zeros(2, 0), 0},
		{"crossEntropy indices [0, 3]", CrossEntropy{}, zeros(0, 3), zeros(0), nan},
		{"crossEntropy indices [0, 3], smoothing", CrossEntropy{LabelSmoothing: 0.1}, zeros(0, 3), zeros(0), nan},
		{"nll [0, 3]", NLL{}, zeros(0, 3), zeros(0), nan},
		{"mse", MSE{}, zeros(0), zeros(0), nan},
		{"l1", L1{}, zeros(0), zeros(0), nan},
		{"smoothL1", NewSmoothL1(Mean), zeros(0), zeros(0), nan},
		{"smoothL1 beta 0", SmoothL1{}, zeros(0), zeros(0), nan},
		{"bce", BCE{}, zeros(0), zeros(0), nan},
		{"bceWithLogits", BCEWithLogits{}, zeros(0), zeros(0), nan},
		{"klDiv mean", KLDiv{}, zeros(0), zeros(0), nan},
		{"klDiv batchmean [0, 3]", KLDiv{Reduction: BatchMean}, zeros(0, 3), zeros(0, 3), nan},
	}
	for _, c := range cases {
		out, err := c.loss.Forward(c.input, c.target)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if out.Numel() != 1 || !sameValue(float64(out.Data()[0]), c.want) {
			t.Errorf("%s: %v, want [%v]", c.name, out.Data(), c.want)
		}
	}
}
