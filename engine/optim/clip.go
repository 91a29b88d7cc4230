package optim

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
	"tinytorch/engine/vec"
)

// ClipGradNorm rescales the gradients of params so that their global L2
// norm (the norm of all gradients concatenated) is at most maxNorm, as
// PyTorch's clip_grad_norm_ does: each gradient is multiplied by
// maxNorm / (norm + 1e-6) when that is below 1. It returns the norm
// before clipping, which is worth logging: a sudden jump signals
// instability. A non-finite norm is returned as is, with the gradients
// untouched, for the caller to handle.
func ClipGradNorm(params []*tensor.Tensor, maxNorm float64) (float64, error) {
	if maxNorm <= 0 {
		return 0, fmt.Errorf("clipGradNorm: maxNorm %g, expected > 0", maxNorm)
	}
	total := GradNorm(params)
	if math.IsNaN(total) || math.IsInf(total, 0) {
		return total, nil
	}
	coef := maxNorm / (total + 1e-6)
	if coef >= 1 {
		return total, nil
	}
	var err error
	tensor.NoGrad(func() {
		for _, p := range params {
			if g := p.PeekGrad(); g != nil && err == nil {
				_, err = g.MulScalarInPlace(float32(coef))
			}
		}
	})
	return total, err
}

// GradNorm returns the global L2 norm of the gradients of params, in
// float64; parameters without a gradient count as zero.
func GradNorm(params []*tensor.Tensor) float64 {
	sum := 0.0
	for _, p := range params {
		if g := p.PeekGrad(); g != nil {
			sum += vec.SumSquares(g.Values()) // read in place, no copy
		}
	}
	return math.Sqrt(sum)
}
