package loss

import (
	"math"

	"tinytorch/engine/tensor"
)

// BCE is PyTorch's BCELoss, binary cross-entropy on probabilities p in
// [0, 1]: -(y·log p + (1-y)·log(1-p)). As in PyTorch each log is clamped
// at -100, so p = 0 or 1 gives a large finite loss rather than infinity.
// Prefer BCEWithLogits, which is stable without the clamp.
type BCE struct {
	Reduction Reduction
}

// Forward returns the reduced loss.
func (l BCE) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("bceLoss", input, target); err != nil {
		return nil, err
	}
	inf := float32(math.Inf(1))
	logP := input.Log().Clamp(-100, inf)
	logQ := input.Neg().AddScalar(1).Log().Clamp(-100, inf)
	a, err := target.Mul(logP)
	if err != nil {
		return nil, err
	}
	b, err := target.Neg().AddScalar(1).Mul(logQ)
	if err != nil {
		return nil, err
	}
	s, err := a.Add(b)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(s.Neg()), nil
}

// BCEWithLogits is PyTorch's BCEWithLogitsLoss: binary cross-entropy of
// sigmoid(x) computed from the logit x directly. With
// softplus(x) = log(1 + e^x) it is softplus(x) - y·x, and softplus is the
// logsumexp of (0, x), which never overflows; its gradient is exactly
// sigmoid(x) - y.
type BCEWithLogits struct {
	Reduction Reduction
}

// Forward returns the reduced loss.
func (l BCEWithLogits) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("bceWithLogitsLoss", input, target); err != nil {
		return nil, err
	}
	pair, err := tensor.Stack([]*tensor.Tensor{tensor.ZerosLike(input), input}, 0)
	if err != nil {
		return nil, err
	}
	softplus, err := pair.LogSumExp([]int{0}, false)
	if err != nil {
		return nil, err
	}
	xy, err := input.Mul(target)
	if err != nil {
		return nil, err
	}
	s, err := softplus.Sub(xy)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(s), nil
}
