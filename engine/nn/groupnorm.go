package nn

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// GroupNorm normalises each sample over groups of channels, PyTorch's
// nn.GroupNorm: the C channels of an input [N, C, *] are split into
// Groups groups of C/Groups, and each group of each sample is normalised
// to mean 0 and variance 1 (biased), then scaled and shifted per channel.
// Like LayerNorm it needs no batch statistics, so it behaves the same in
// training and evaluation and works with a batch of one; with one group
// it is LayerNorm over (C, *), with C groups InstanceNorm.
type GroupNorm struct {
	ModuleBase
	Groups, Channels int
	Eps              float64
	Weight           *tensor.Tensor // [Channels], ones at first
	Bias             *tensor.Tensor // [Channels], zeros at first
}

// NewGroupNorm makes a GroupNorm of channels split into groups, with a
// learned per-channel scale and shift; eps 0 means PyTorch's 1e-5.
func NewGroupNorm(groups, channels int, eps float64) (*GroupNorm, error) {
	if groups <= 0 || channels <= 0 || channels%groups != 0 {
		return nil, fmt.Errorf("nn.GroupNorm: %d channels into %d groups, expected groups > 0 dividing channels > 0", channels, groups)
	}
	if eps == 0 {
		eps = 1e-5
	}
	m := &GroupNorm{Groups: groups, Channels: channels, Eps: eps}
	m.Init(m, "GroupNorm")
	m.Weight = m.AddParam("weight", must(tensor.Ones(channels)))
	m.Bias = m.AddParam("bias", must(tensor.Zeros(channels)))
	return m, nil
}

// Forward normalises x, of shape [N, Channels, *].
func (m *GroupNorm) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	if s := x.Shape(); len(s) < 2 || s[1] != m.Channels {
		return nil, m.Errorf("expected input [N, %d, *], got %s", m.Channels, ShapeString(s))
	}
	return GroupNormOf(x, m.Groups, m.Weight, m.Bias, m.Eps)
}

// ExtraRepr shows the settings as PyTorch does.
func (m *GroupNorm) ExtraRepr() string {
	return fmt.Sprintf("%d, %d, eps=%g, affine=True", m.Groups, m.Channels, m.Eps)
}

// GroupNormOf is the functional form, torch.nn.functional.group_norm: x
// of shape [N, C, *] normalised over groups of C/groups channels, then
// multiplied by weight and shifted by bias (both [C], or nil for none).
// It reshapes to [N, groups, rest], standardises the last dimension
// (Tensor.Standardize: subtract the mean, divide by √(var + eps), with
// PyTorch's fused gradient), and reshapes back.
//
// It differs from PyTorch in two corners, both PyTorch's quirks: PyTorch
// refuses an input whose N·C/groups·(spatial size) is 1 ("Expected more
// than 1 value per channel when training", a check borrowed from batch
// norm; it accepts other inputs with one value per group), where this
// gives 0, as PyTorch does for those others; and PyTorch's fused
// x·(w·rstd) + (b − mean·w·rstd) makes NaN of an infinite weight where
// this gives ±Inf, (x − mean)·rstd·w. Over empty groups PyTorch's
// backward gives the weight a NaN gradient, this 0.
func GroupNormOf(x *tensor.Tensor, groups int, weight, bias *tensor.Tensor, eps float64) (*tensor.Tensor, error) {
	s := x.Shape()
	if len(s) < 2 || groups <= 0 || s[1]%groups != 0 {
		return nil, fmt.Errorf("groupNorm: input of shape %s into %d groups, expected [N, C, *] with C divisible by groups > 0", ShapeString(s), groups)
	}
	c := s[1]
	for _, p := range []*tensor.Tensor{weight, bias} {
		if p != nil && (p.Dim() != 1 || p.Shape()[0] != c) {
			return nil, fmt.Errorf("groupNorm: weight and bias must have shape [%d] for input %s, got %s", c, ShapeString(s), ShapeString(p.Shape()))
		}
	}
	// The group length is spelled out, not -1: an empty input (N = 0)
	// leaves -1 undetermined. Empty groups give an empty result.
	rest := c / groups
	for _, n := range s[2:] {
		rest *= n
	}
	g := must(x.Reshape(s[0], groups, rest))
	y := must(must(g.Standardize(eps)).Reshape(s...))
	// weight and bias broadcast over [N, C, *] as [C, 1, …, 1].
	perChannel := make([]int, len(s)-1)
	for i := range perChannel {
		perChannel[i] = 1
	}
	perChannel[0] = c
	if weight != nil {
		y = must(y.Mul(must(weight.Reshape(perChannel...))))
	}
	if bias != nil {
		y = must(y.Add(must(bias.Reshape(perChannel...))))
	}
	return y, nil
}
