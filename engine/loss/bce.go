package loss

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// BCE is PyTorch's BCELoss, binary cross-entropy on probabilities p in
// [0, 1]: -(y·log p + (1-y)·log(1-p)). As in PyTorch each log is clamped
// at -100, so p = 0 or 1 gives a large finite loss rather than infinity.
// An input outside [0, 1] (or NaN) is an error, as in PyTorch. Prefer
// BCEWithLogits, which is stable without the clamp.
type BCE struct {
	Reduction Reduction
}

// Forward returns the reduced loss.
func (l BCE) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("bceLoss", input, target); err != nil {
		return nil, err
	}
	for i, p := range input.Values() {
		if !(p >= 0 && p <= 1) { // NaN fails too
			return nil, fmt.Errorf("bceLoss: input %v at position %d is not a probability in [0, 1]; apply sigmoid first, or use BCEWithLogits on the logits", p, i)
		}
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
// sigmoid(x) computed from the logit x directly, by PyTorch's formula
//
//	(1-y)·x + m + log(e^-m + e^(-x-m)),  m = max(-x, 0)
//
// which is softplus(-x) + (1-y)·x written so that no exponential
// overflows; its gradient is sigmoid(x) - y. Infinite logits give what
// PyTorch gives: x = +∞ with y = 0 is +∞, and with y = 1 NaN (0·∞).
type BCEWithLogits struct {
	Reduction Reduction
}

// Forward returns the reduced loss.
func (l BCEWithLogits) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("bceWithLogitsLoss", input, target); err != nil {
		return nil, err
	}
	m := input.Neg().Relu()
	xm, err := input.Neg().Sub(m) // -x - m, shapes checked above
	if err != nil {
		return nil, err
	}
	sum, err := m.Neg().Exp().Add(xm.Exp())
	if err != nil {
		return nil, err
	}
	linear, err := target.Neg().AddScalar(1).Mul(input)
	if err != nil {
		return nil, err
	}
	rest, err := m.Add(sum.Log())
	if err != nil {
		return nil, err
	}
	s, err := linear.Add(rest)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(s), nil
}
