package loss

import "tinytorch/engine/tensor"

// MSE is the mean squared error (x - y)², PyTorch's MSELoss: the loss of
// regression.
type MSE struct {
	Reduction Reduction
}

// Forward returns the reduced squared differences.
func (l MSE) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("mseLoss", input, target); err != nil {
		return nil, err
	}
	d, err := input.Sub(target)
	if err != nil {
		return nil, err
	}
	sq, err := d.Mul(d)
	if err != nil {
		return nil, err
	}
	return l.Reduction.reduce(sq), nil
}
