package loss

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// L1 is the mean absolute error |x - y|, PyTorch's L1Loss: regression
// that is less swayed by outliers than MSE. Its gradient at x = y is 0.
type L1 struct {
	Reduction Reduction
}

// Forward returns the reduced absolute differences.
func (l L1) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("l1Loss", input, target); err != nil {
		return nil, err
	}
	d, err := input.Sub(target)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(d.Abs()), nil
}

// SmoothL1 is PyTorch's SmoothL1Loss (the Huber loss divided by Beta):
// for d = x - y,
//
//	0.5·d²/Beta   where |d| < Beta
//	|d| - 0.5·Beta elsewhere
//
// quadratic near 0, so its gradient shrinks as the error does, and
// linear beyond Beta, like L1. Beta is read as written: 0 is PyTorch's
// beta = 0, the L1 loss |d| (with PyTorch's gradient -1 at d = 0, where
// L1's is 0), so the zero value SmoothL1{} is L1, not PyTorch's default;
// NewSmoothL1 gives that default, beta 1.
type SmoothL1 struct {
	Reduction Reduction
	Beta      float64
}

// Forward returns the reduced loss, a Where of the two branches (both
// have finite slopes everywhere, so the branch not taken cannot spoil
// the gradient).
func (l SmoothL1) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("smoothL1Loss", input, target); err != nil {
		return nil, err
	}
	beta := l.Beta
	if beta == 0 {
		d := sure(input.Sub(target))
		return l.Reduction.reduce(nanGradient(d, absLeft(d))), nil
	}
	if beta < 0 {
		return nil, fmt.Errorf("smoothL1Loss: beta %g, expected a number ≥ 0", beta)
	}
	d, err := input.Sub(target)
	if err != nil {
		return nil, err
	}
	abs := d.Abs()
	// The quadratic branch squares d clamped to [-Beta, Beta]: where it
	// is not taken its gradient is then 0, not 0·∞ = NaN at an infinite d.
	dq := d.Clamp(float32(-beta), float32(beta))
	quadratic := sure(dq.Mul(dq)).MulScalar(float32(0.5 / beta))
	linear := abs.SubScalar(float32(0.5 * beta))
	near, err := abs.Lt(tensor.Scalar(float32(beta)))
	if err != nil {
		return nil, err
	}
	s, err := tensor.Where(near, quadratic, linear)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(nanGradient(d, s)), nil
}

// nanGradient gives the loss s a NaN gradient where the difference d is
// NaN, as PyTorch's smooth-L1 backward, d/beta·g there, does; the branch
// Where picks for a NaN (the failed comparison's) would pass a finite
// one. s is NaN there already, so this swaps in dn·dn, dn being d where
// it is NaN and 0 elsewhere: its gradient 2·dn·g is NaN where d is and
// 0 elsewhere, also where d is infinite (0·∞ would be NaN).
func nanGradient(d, s *tensor.Tensor) *tensor.Tensor {
	isNaN := sure(d.Ne(d))
	dn := sure(tensor.Where(isNaN, d, tensor.Scalar(0)))
	return sure(tensor.Where(isNaN, sure(dn.Mul(dn)), s))
}

// absLeft is |d| whose gradient at d = 0 is -1, not 0: PyTorch 1.13's
// smooth-L1 backward tests d ≤ -beta first, which at beta = 0 holds for
// d = 0. Adding 0 turns the -0 that -d gives at d = 0 into +0.
func absLeft(d *tensor.Tensor) *tensor.Tensor {
	pos := sure(d.Gt(tensor.Scalar(0)))
	return sure(tensor.Where(pos, d, d.Neg())).AddScalar(0)
}

// DefaultSmoothL1Beta is PyTorch's default beta of SmoothL1Loss.
const DefaultSmoothL1Beta = 1.0

// NewSmoothL1 returns the smooth-L1 loss with PyTorch's default beta, 1,
// as nn.SmoothL1Loss(reduction=r) builds it.
func NewSmoothL1(r Reduction) SmoothL1 {
	return SmoothL1{Reduction: r, Beta: DefaultSmoothL1Beta}
}

// sure unwraps an op on operands already checked to have the same shape,
// which cannot fail; an error would be a bug in this package.
func sure(t *tensor.Tensor, err error) *tensor.Tensor {
	if err != nil {
		panic("loss: internal error: " + err.Error())
	}
	return t
}
