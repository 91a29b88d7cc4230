package loss

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// KLDiv is PyTorch's KLDivLoss, the Kullback-Leibler divergence of the
// model's distribution from the target's. As in PyTorch the input holds
// log-probabilities (the output of LogSoftmax) and the target holds
// probabilities, or log-probabilities with LogTarget; per element
//
//	target·(log target - input)          (0 where target = 0)
//	e^target·(target - input)            with LogTarget
//
// PyTorch's recommended reduction is BatchMean, the sum divided by the
// batch size (the first dimension), which is the true KL divergence per
// sample; Mean divides by the number of elements instead.
//
// Where a probability target is 0 this loss gives the target a gradient
// of -input (the term target·log target is taken as 0 with slope 0 there),
// where PyTorch 1.13 gives NaN; the input's gradient is the same.
type KLDiv struct {
	Reduction Reduction
	LogTarget bool
}

// Forward returns the reduced divergence.
func (l KLDiv) Forward(input, target *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sameShape("klDivLoss", input, target); err != nil {
		return nil, err
	}
	var pointwise *tensor.Tensor
	if l.LogTarget {
		d := sure(target.Sub(input))
		pointwise = sure(target.Exp().Mul(d))
	} else {
		// target·log(target), with the log taken of 1 where target is 0
		// so that neither value nor gradient becomes 0·(-Inf) = NaN.
		positive := sure(target.Gt(tensor.Scalar(0)))
		safe := sure(tensor.Where(positive, target, tensor.Scalar(1)))
		xlogx := sure(target.Mul(safe.Log()))
		pointwise = sure(xlogx.Sub(sure(target.Mul(input))))
	}
	if l.Reduction == BatchMean {
		if input.Dim() == 0 {
			return pointwise.SumAll(), nil // PyTorch divides by 1 here
		}
		// An empty batch gives 0/0 = NaN, as in PyTorch.
		n := input.Shape()[0]
		return pointwise.SumAll().DivScalar(float32(n)), nil
	}
	return l.Reduction.reduce(pointwise), nil
}

// ParseKLReduction reads KLDivLoss's reductions: ParseReduction's and
// "batchmean".
func ParseKLReduction(s string) (Reduction, error) {
	if s == "batchmean" {
		return BatchMean, nil
	}
	r, err := ParseReduction(s)
	if err != nil {
		return 0, fmt.Errorf("loss: reduction %q, expected \"mean\", \"batchmean\", \"sum\" or \"none\"", s)
	}
	return r, nil
}
