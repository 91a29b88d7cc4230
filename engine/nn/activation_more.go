package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// SiLU is x·sigmoid(x), also called swish.
type SiLU struct{ ModuleBase }

// NewSiLU makes a SiLU module.
func NewSiLU() *SiLU { m := &SiLU{}; m.Init(m, "SiLU"); return m }

// Forward applies silu.
func (m *SiLU) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Silu(), nil }

// ELU is x for x > 0 and Alpha·(e^x - 1) otherwise.
type ELU struct {
	ModuleBase
	Alpha float32
}

// NewELU makes an ELU with the given alpha (PyTorch's default is 1).
func NewELU(alpha float32) *ELU { m := &ELU{Alpha: alpha}; m.Init(m, "ELU"); return m }

// Forward applies elu.
func (m *ELU) Forward(x *tensor.Tensor) (*tensor.Tensor, error) { return x.Elu(m.Alpha), nil }

// ExtraRepr shows alpha as PyTorch does.
func (m *ELU) ExtraRepr() string { return fmt.Sprintf("alpha=%s", pyFloat(float64(m.Alpha))) }

// Softplus is log(1 + e^(Beta·x))/Beta, a smooth relu; above Threshold
// (of Beta·x) it is x itself.
type Softplus struct {
	ModuleBase
	Beta, Threshold float32
}

// NewSoftplus makes a Softplus (PyTorch's defaults: beta 1, threshold 20).
func NewSoftplus(beta, threshold float32) *Softplus {
	m := &Softplus{Beta: beta, Threshold: threshold}
	m.Init(m, "Softplus")
	return m
}

// Forward applies softplus.
func (m *Softplus) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	return x.Softplus(m.Beta, m.Threshold), nil
}

// ExtraRepr shows the settings as PyTorch does for its default integer
// settings: beta=1, threshold=20.
func (m *Softplus) ExtraRepr() string {
	return fmt.Sprintf("beta=%g, threshold=%g", m.Beta, m.Threshold)
}

// pyFloat formats a float as Python's repr does for these settings: 1.0,
// 0.5, 20.0.
func pyFloat(v float64) string {
	s := fmt.Sprintf("%g", v)
	for _, c := range s {
		if c == '.' || c == 'e' || c == 'n' || c == 'I' {
			return s
		}
	}
	return s + ".0"
}
