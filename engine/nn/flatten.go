package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Flatten merges dimensions StartDim..EndDim into one: by default all but
// the batch dimension, [N, C, H, W] → [N, C·H·W], between the
// convolutional and the fully connected part of a CNN.
type Flatten struct {
	ModuleBase
	StartDim, EndDim int
}

// NewFlatten makes a Flatten of dimensions 1..-1, PyTorch's default.
func NewFlatten() *Flatten { return NewFlattenDims(1, -1) }

// NewFlattenDims makes a Flatten of dimensions start..end (inclusive;
// negative counts from the end).
func NewFlattenDims(start, end int) *Flatten {
	m := &Flatten{StartDim: start, EndDim: end}
	m.Init(m, "Flatten")
	return m
}

// Forward flattens (a view when x is contiguous).
func (m *Flatten) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	y, err := x.Flatten(m.StartDim, m.EndDim)
	if err != nil {
		return nil, m.Errorf("cannot flatten dimensions %d..%d of input %s", m.StartDim, m.EndDim, ShapeString(x.Shape()))
	}
	return y, nil
}

// ExtraRepr shows the dimensions.
func (m *Flatten) ExtraRepr() string {
	return fmt.Sprintf("start_dim=%d, end_dim=%d", m.StartDim, m.EndDim)
}
