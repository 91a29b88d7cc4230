package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Activations as modules, so that they can sit in a Sequential. Each
// applies the tensor op of the same name elementwise and has no
// parameters.

// ReLU is max(x, 0).
type ReLU struct{ ModuleBase }

// NewReLU makes a ReLU module.
func NewReLU() *ReLU { m := &ReLU{}; m.Init(m, "ReLU"); return m }

// Forward applies relu.
func (m *ReLU) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Relu(), nil }

// LeakyReLU is x for x > 0 and Slope·x otherwise.
type LeakyReLU struct {
	ModuleBase
	Slope float32
}

// NewLeakyReLU makes a LeakyReLU with the given negative slope (PyTorch's
// default is 0.01).
func NewLeakyReLU(slope float32) *LeakyReLU {
	m := &LeakyReLU{Slope: slope}
	m.Init(m, "LeakyReLU")
	return m
}

// Forward applies leaky relu.
func (m *LeakyReLU) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	return x.LeakyRelu(m.Slope), nil
}

// ExtraRepr shows the slope.
func (m *LeakyReLU) ExtraRepr() string { return fmt.Sprintf("negative_slope=%g", m.Slope) }

// GELU is x·Φ(x), with the exact normal CDF Φ.
type GELU struct{ ModuleBase }

// NewGELU makes a GELU module.
func NewGELU() *GELU { m := &GELU{}; m.Init(m, "GELU"); return m }

// Forward applies gelu.
func (m *GELU) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Gelu(), nil }

// Sigmoid is 1 / (1 + e^-x).
type Sigmoid struct{ ModuleBase }

// NewSigmoid makes a Sigmoid module.
func NewSigmoid() *Sigmoid { m := &Sigmoid{}; m.Init(m, "Sigmoid"); return m }

// Forward applies the logistic sigmoid.
func (m *Sigmoid) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Sigmoid(), nil }

// Tanh is the hyperbolic tangent.
type Tanh struct{ ModuleBase }

// NewTanh makes a Tanh module.
func NewTanh() *Tanh { m := &Tanh{}; m.Init(m, "Tanh"); return m }

// Forward applies tanh.
func (m *Tanh) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Tanh(), nil }

// Softmax turns each slice along Dim into probabilities. For training a
// classifier, leave it out and use loss.CrossEntropy on the logits, which
// is more stable.
type Softmax struct {
	ModuleBase
	Dim int
}

// NewSoftmax makes a Softmax over dimension dim (negative counts from the
// end).
func NewSoftmax(dim int) *Softmax { m := &Softmax{Dim: dim}; m.Init(m, "Softmax"); return m }

// Forward applies softmax along Dim.
func (m *Softmax) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Softmax(m.Dim) }

// ExtraRepr shows the dimension.
func (m *Softmax) ExtraRepr() string { return fmt.Sprintf("dim=%d", m.Dim) }
