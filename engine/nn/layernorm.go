package nn

import (
	"fmt"
	"slices"

	"tinytorch/engine/tensor"
)

// LayerNorm normalises each sample over its last dimensions (Shape), not
// over the batch: y = (x - mean)/√(var + eps)·weight + bias, with mean and
// biased variance taken per sample. It behaves the same in training and
// evaluation, which is why transformers use it.
type LayerNorm struct {
	ModuleBase
	Shape  []int // the normalised trailing dimensions
	Eps    float64
	Weight *tensor.Tensor // of Shape, ones at first
	Bias   *tensor.Tensor // of Shape, zeros at first
}

// NewLayerNorm makes a LayerNorm over trailing dimensions of the given
// shape, with a learned scale and shift; eps 0 means PyTorch's 1e-5.
func NewLayerNorm(shape []int, eps float64) (*LayerNorm, error) {
	if len(shape) == 0 || slices.Min(shape) <= 0 {
		return nil, fmt.Errorf("nn.LayerNorm: normalized_shape %s, expected at least one dimension, all > 0", ShapeString(shape))
	}
	if eps == 0 {
		eps = 1e-5
	}
	m := &LayerNorm{Shape: slices.Clone(shape), Eps: eps}
	m.Init(m, "LayerNorm")
	m.Weight = m.AddParam("weight", must(tensor.Ones(shape...)))
	m.Bias = m.AddParam("bias", must(tensor.Zeros(shape...)))
	return m, nil
}

// Forward normalises x over its trailing dimensions.
func (m *LayerNorm) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	s := x.Shape()
	k := len(m.Shape)
	if len(s) < k || !slices.Equal(s[len(s)-k:], m.Shape) {
		return nil, m.Errorf("expected input [*, %s], ending in the normalized shape, got %s", ShapeString(m.Shape)[1:len(ShapeString(m.Shape))-1], ShapeString(s))
	}
	dims := make([]int, k)
	for i := range dims {
		dims[i] = len(s) - k + i
	}
	mean, err := x.Mean(dims, true)
	if err != nil {
		return nil, err
	}
	variance, err := x.Var(dims, 0, true)
	if err != nil {
		return nil, err
	}
	y, err := must(x.Sub(mean)).Div(variance.AddScalar(float32(m.Eps)).Sqrt())
	if err != nil {
		return nil, err
	}
	return must(y.Mul(m.Weight)).Add(m.Bias)
}

// ExtraRepr shows the settings as PyTorch does.
func (m *LayerNorm) ExtraRepr() string {
	return fmt.Sprintf("(%s,), eps=%g, elementwise_affine=True", ShapeString(m.Shape)[1:len(ShapeString(m.Shape))-1], m.Eps)
}
