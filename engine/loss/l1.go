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
// linear beyond Beta, like L1. Beta 0 means PyTorch's default 1; for
// PyTorch's beta = 0, which is L1Loss, use L1.
type SmoothL1 struct {
	Reduction Reduction
	Beta      float64
}

// Forward returns the reduced loss, a Where of the two branches (both
// are finite everywhere, so the branch not taken cannot spoil the
// gradient).
func (l SmoothL1) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("smoothL1Loss", input, target); err != nil {
		return nil, err
	}
	beta := l.beta()
	if beta < 0 {
		return nil, fmt.Errorf("smoothL1Loss: beta %g, expected a number ≥ 0", beta)
	}
	d, err := input.Sub(target)
	if err != nil {
		return nil, err
	}
	abs := d.Abs()
	quadratic := sure(d.Mul(d)).MulScalar(float32(0.5 / beta))
	linear := abs.SubScalar(float32(0.5 * beta))
	near, err := abs.Lt(tensor.Scalar(float32(beta)))
	if err != nil {
		return nil, err
	}
	s, err := tensor.Where(near, quadratic, linear)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(s), nil
}

// beta is Beta with 0 read as PyTorch's default 1.
func (l SmoothL1) beta() float64 {
	if l.Beta == 0 {
		return 1
	}
	return l.Beta
}

// sure unwraps an op on operands already checked to have the same shape,
// which cannot fail; an error would be a bug in this package.
func sure(t *tensor.Tensor, err error) *tensor.Tensor {
	if err != nil {
		panic("loss: internal error: " + err.Error())
	}
	return t
}
