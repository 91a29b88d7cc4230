package loss

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Criterion is what the training loop needs of a loss: a function of the
// model's output and the target.
type Criterion interface {
	Forward(input, target *tensor.Tensor) (*tensor.Tensor, error)
}

// Reduction says how the per-element losses are combined: their Mean
// (the default), their Sum, or None, which returns them unreduced.
// BatchMean, the sum divided by the size of the first dimension, is
// KLDiv's alone (ParseKLReduction); other losses treat it as Mean.
type Reduction int

const (
	Mean Reduction = iota
	Sum
	None
	BatchMean
)

// ParseReduction reads PyTorch's spelling: "mean", "sum" or "none".
func ParseReduction(s string) (Reduction, error) {
	switch s {
	case "mean", "":
		return Mean, nil
	case "sum":
		return Sum, nil
	case "none":
		return None, nil
	}
	return 0, fmt.Errorf("loss: reduction %q, expected \"mean\", \"sum\" or \"none\"", s)
}

// String returns PyTorch's spelling.
func (r Reduction) String() string {
	switch r {
	case Sum:
		return "sum"
	case None:
		return "none"
	case BatchMean:
		return "batchmean"
	}
	return "mean"
}

// reduce applies r to per-element losses.
func (r Reduction) reduce(l *tensor.Tensor) *tensor.Tensor {
	switch r {
	case Sum:
		return l.SumAll()
	case None:
		return l
	}
	return l.MeanAll()
}

// sameShape checks that input and target have the same shape, which the
// elementwise losses need (PyTorch would broadcast, usually by mistake).
func sameShape(name string, input, target *tensor.Tensor) error {
	a, b := input.Shape(), target.Shape()
	if len(a) != len(b) {
		return fmt.Errorf("%s: input shape %s and target shape %s differ, expected equal shapes", name, tensor.FormatShape(a), tensor.FormatShape(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Errorf("%s: input shape %s and target shape %s differ, expected equal shapes", name, tensor.FormatShape(a), tensor.FormatShape(b))
		}
	}
	return nil
}
