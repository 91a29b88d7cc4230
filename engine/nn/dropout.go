package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Dropout zeroes each element with probability P during training and
// scales the survivors by 1/(1-P), so that the expected value is
// unchanged and evaluation (where Dropout does nothing) needs no
// rescaling. It keeps a network from relying on any single unit.
type Dropout struct {
	ModuleBase
	P float64
	// Generator draws the masks; nil means the tensor package's default
	// generator, so that tensor.ManualSeed makes the masks reproducible.
	Generator *tensor.Generator
}

// NewDropout makes a Dropout with drop probability p in [0, 1].
func NewDropout(p float64) (*Dropout, error) {
	if p < 0 || p > 1 {
		return nil, fmt.Errorf("nn.Dropout: p=%g, expected a probability in [0, 1]", p)
	}
	m := &Dropout{P: p}
	m.Init(m, "Dropout")
	return m, nil
}

// Forward applies a fresh random mask in training mode and is the
// identity in evaluation mode.
func (m *Dropout) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	if !m.Training() || m.P == 0 {
		return x, nil
	}
	g := m.Generator
	if g == nil {
		g = tensor.DefaultGenerator()
	}
	mask := make([]float32, x.Numel())
	scale := float32(0)
	if m.P < 1 {
		scale = float32(1 / (1 - m.P))
	}
	for i := range mask {
		if float64(g.Float32()) >= m.P {
			mask[i] = scale
		}
	}
	return x.Mul(must(tensor.New(mask, x.Shape()...)))
}

// ExtraRepr shows p as PyTorch does.
func (m *Dropout) ExtraRepr() string { return fmt.Sprintf("p=%g, inplace=False", m.P) }
