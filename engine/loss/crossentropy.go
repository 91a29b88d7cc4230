package loss

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// CrossEntropy is PyTorch's CrossEntropyLoss: the negative log-likelihood
// of the right class under softmax(logits). It takes raw scores (logits),
// not probabilities, and computes log-softmax as x - logsumexp(x), which
// stays finite for any logits.
//
// Input is [N, C] (or [C] for one sample, or [N, C, d1, …]); the target is
// either class indices of the input's shape without the class dimension
// ([N], whole numbers in [0, C) stored as floats), or class probabilities
// of the input's own shape.
type CrossEntropy struct {
	Reduction Reduction
	// LabelSmoothing ε in [0, 1] mixes the target with the uniform
	// distribution: (1-ε)·target + ε/C, which discourages overconfidence.
	LabelSmoothing float64
}

// Forward returns the reduced loss.
func (l CrossEntropy) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if l.LabelSmoothing < 0 || l.LabelSmoothing > 1 {
		return nil, fmt.Errorf("crossEntropyLoss: labelSmoothing %g, expected a value in [0, 1]", l.LabelSmoothing)
	}
	single := input.Dim() == 1
	input, target, err := batchOfOne("crossEntropyLoss", input, target)
	if err != nil {
		return nil, err
	}
	logp, err := input.LogSoftmax(1)
	if err != nil {
		return nil, err
	}
	if sameShape("", input, target) == nil {
		sums, err := softTargetSums(logp, target, l.LabelSmoothing)
		if err != nil {
			return nil, err
		}
		if l.Reduction != Sum && l.Reduction != None && input.Numel() == 0 {
			// PyTorch's mean over an empty input is NaN, the mean of
			// nothing, also when only the class dimension is empty and
			// each sample's loss is an empty sum, 0.
			return sums.SumAll().MulScalar(float32(math.NaN())), nil
		}
		// Negated after the reduction, as PyTorch does: the value is the
		// same, but a loss of zero (one class, say) is -0 as in PyTorch,
		// where a sum of per-sample losses -0 would give +0.
		return l.Reduction.reduce(unbatch(sums, single)).Neg(), nil
	}
	per, err := indexTargetLoss("crossEntropyLoss", logp, target, l.LabelSmoothing)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(unbatch(per, single)), nil
}

// unbatch undoes batchOfOne on the per-sample losses: a single sample's
// loss is a scalar, as in PyTorch, also without reduction.
func unbatch(per *tensor.Tensor, single bool) *tensor.Tensor {
	if !single {
		return per
	}
	s, err := per.Reshape()
	if err != nil {
		panic("loss: internal error: " + err.Error()) // per has one element
	}
	return s
}

// batchOfOne turns a single sample, input [C], into a batch of one, as
// PyTorch accepts: input [1, C] and target [1] or [1, C].
func batchOfOne(name string, input, target *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor, error) {
	if input.Dim() == 0 {
		return nil, nil, fmt.Errorf("%s: input is a scalar, expected class scores of shape [N, C] or [C]", name)
	}
	if input.Dim() > 1 {
		return input, target, nil
	}
	in, err := input.Unsqueeze(0)
	if err != nil {
		return nil, nil, err
	}
	tg, err := target.Unsqueeze(0)
	return in, tg, err
}

// indexTargetLoss is -logp[i, target[i]] per sample, mixed with the mean
// of -logp over the classes when smoothing.
func indexTargetLoss(name string, logp, target *tensor.Tensor, smoothing float64) (*tensor.Tensor, error) {
	if err := checkIndices(name, logp.Shape(), target); err != nil {
		return nil, err
	}
	idx, err := target.Unsqueeze(1)
	if err != nil {
		return nil, err
	}
	picked, err := logp.Gather(1, idx)
	if err != nil {
		return nil, err
	}
	nll, err := picked.Squeeze(1)
	if err != nil {
		return nil, err
	}
	nll = nll.Neg()
	if smoothing == 0 {
		return nll, nil
	}
	// Smoothed target (1-ε)·onehot + ε/C: the loss is (1-ε)·nll + ε·mean_c(-logp).
	uniform, err := logp.Mean([]int{1}, false)
	if err != nil {
		return nil, err
	}
	return nll.MulScalar(float32(1 - smoothing)).Sub(uniform.MulScalar(float32(smoothing)))
}

// softTargetSums is Σ_c target_c·logp_c per sample, the negative of each
// sample's loss, for targets that are probability distributions over the
// classes.
func softTargetSums(logp, target *tensor.Tensor, smoothing float64) (*tensor.Tensor, error) {
	if smoothing != 0 {
		c := float32(logp.Shape()[1])
		target = target.MulScalar(float32(1 - smoothing)).AddScalar(float32(smoothing) / c)
	}
	prod, err := logp.Mul(target)
	if err != nil {
		return nil, err
	}
	return prod.Sum([]int{1}, false)
}

// checkIndices verifies that target has the input's shape without the
// class dimension 1 and holds whole numbers in [0, C).
func checkIndices(name string, inShape []int, target *tensor.Tensor) error {
	want := append(append([]int{}, inShape[:1]...), inShape[2:]...)
	got := target.Shape()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == want[i]
	}
	if !ok {
		return fmt.Errorf("%s: input %s needs a target of class indices of shape %s (or class probabilities of shape %s), got %s", name, tensor.FormatShape(inShape), tensor.FormatShape(want), tensor.FormatShape(inShape), tensor.FormatShape(got))
	}
	c := inShape[1]
	for i, v := range target.Data() {
		if v != float32(int(v)) || v < 0 || int(v) >= c {
			return fmt.Errorf("%s: target %v at position %d is not a class index in [0, %d)", name, v, i, c)
		}
	}
	return nil
}
