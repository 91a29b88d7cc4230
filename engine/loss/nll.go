package loss

import "tinytorch/engine/tensor"

// NLL is PyTorch's NLLLoss, the negative log-likelihood: it takes
// log-probabilities (the output of LogSoftmax) of shape [N, C] and class
// indices [N], and returns -input[i, target[i]]. CrossEntropy is NLL of
// LogSoftmax in one step.
type NLL struct {
	Reduction Reduction
}

// Forward returns the reduced loss.
func (l NLL) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	single := input.Dim() == 1
	input, target, err := batchOfOne("nllLoss", input, target)
	if err != nil {
		return nil, err
	}
	per, err := indexTargetLoss("nllLoss", input, target, 0)
	if err != nil {
		return nil, err
	}
	if single {
		// PyTorch computes a 1-D input's loss as 0 - input[target] (its
		// reduced path, even for reduction "none"), so a 0 input gives +0
		// where the negation would give -0 (1/loss is then +Inf, not -Inf).
		per = per.AddScalar(0)
	}
	return l.Reduction.reduce(unbatch(per, single)), nil
}
