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
	// The loss's value, from logs clamped at -100 and detached: the
	// target's gradient flows through it, the input's does not, since
	// the clamped logs' own slope at p = 0 or 1 would be 0·∞ = NaN.
	logP := input.Detach().Log().Clamp(-100, inf)
	logQ := input.Detach().Neg().AddScalar(1).Log().Clamp(-100, inf)
	a, err := target.Mul(logP)
	if err != nil {
		return nil, err
	}
	b, err := target.Neg().AddScalar(1).Mul(logQ)
	if err != nil {
		return nil, err
	}
	s := sure(a.Add(b)).Neg()
	// The input's gradient is PyTorch's, (p - y) / max(p·(1-p), 1e-12),
	// finite at p = 0 and 1. It enters as (p - p.Detach())·slope, whose
	// value is 0 and whose gradient with respect to p is the slope.
	slope := bceSlope(input.Detach(), target.Detach())
	through := sure(sure(input.Sub(input.Detach())).Mul(slope))
	return l.Reduction.reduce(sure(s.Add(through))), nil
}

// bceEpsilon is PyTorch's EPSILON in binary_cross_entropy_backward.
const bceEpsilon = 1e-12

// bceSlope is d loss / d p = (p - y) / max(p·(1-p), 1e-12), of tensors
// that do not require grad.
func bceSlope(p, y *tensor.Tensor) *tensor.Tensor {
	q := p.Neg().AddScalar(1)
	den := sure(p.Mul(q)).Clamp(bceEpsilon, float32(math.Inf(1)))
	return sure(sure(p.Sub(y)).Div(den))
}

// BCEWithLogits is PyTorch's BCEWithLogitsLoss: binary cross-entropy of
// sigmoid(x) computed from the logit x directly, by PyTorch's formula
//
//	(1-y)·x + m + log(e^-m + e^(-x-m)),  m = max(-x, 0)
//
// which is softplus(-x) + (1-y)·x written so that no exponential
// overflows; the engine computes that softplus directly. Its gradient is
// sigmoid(x) - y, finite at x = ±∞ and infinite for an infinite incoming
// gradient, as in PyTorch. Infinite logits give what
// PyTorch gives: x = +∞ with y = 0 is +∞, and with y = 1 NaN (0·∞).
type BCEWithLogits struct {
	Reduction Reduction
}

// Forward returns the reduced loss.
func (l BCEWithLogits) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("bceWithLogitsLoss", input, target); err != nil {
		return nil, err
	}
	// One op, tensor.BCEWithLogits, with PyTorch's gradients
	// sigmoid(x) - y and -x: the composition (1-y)·x + softplus(-x)
	// would add g·(1-y) and -g·sigmoid(-x), NaN for an infinite g.
	s, err := input.BCEWithLogits(target)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(s), nil
}
