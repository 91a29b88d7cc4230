package nn

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// Linear is a fully connected layer: y = x·Wᵀ + b, with W of shape
// [out, in] (PyTorch's layout: one row per output) and b of shape [out].
// Any leading dimensions of x are kept: [N, in] → [N, out].
type Linear struct {
	ModuleBase
	In, Out int
	Weight  *tensor.Tensor // [Out, In]
	Bias    *tensor.Tensor // [Out], nil without bias
}

// NewLinear makes a Linear layer initialised as PyTorch does: W from
// Kaiming-uniform with a = √5, that is U(-1/√in, 1/√in), and b from
// the same range.
func NewLinear(in, out int, bias bool) (*Linear, error) {
	if in < 0 || out < 0 {
		return nil, fmt.Errorf("nn.Linear: in_features=%d, out_features=%d, expected both ≥ 0", in, out)
	}
	l := &Linear{In: in, Out: out}
	l.Init(l, "Linear")
	// With no inputs the bound is 0, as in PyTorch: the weight is empty,
	// the bias zeros, and the layer outputs its (zero) bias.
	bound := 0.0
	if in > 0 {
		bound = 1 / math.Sqrt(float64(in))
	}
	l.Weight = l.AddParam("weight", uniformTensor(bound, out, in))
	if bias {
		l.Bias = l.AddParam("bias", uniformTensor(bound, out))
	}
	return l, nil
}

// Forward computes x·Wᵀ + b.
func (l *Linear) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	shape := x.Shape()
	if len(shape) == 0 || shape[len(shape)-1] != l.In {
		return nil, l.Errorf("expected input [*, %d] (last dimension %d features), got %s", l.In, l.In, ShapeString(shape))
	}
	wt, err := l.Weight.Transpose(0, 1)
	if err != nil {
		return nil, err
	}
	y, err := x.Matmul(wt)
	if err != nil || l.Bias == nil {
		return y, err
	}
	return y.Add(l.Bias)
}

// ExtraRepr shows the sizes, as PyTorch does.
func (l *Linear) ExtraRepr() string {
	return fmt.Sprintf("in_features=%d, out_features=%d, bias=%s", l.In, l.Out, pyBool(l.Bias != nil))
}
