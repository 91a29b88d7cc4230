package prune

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Shrunk says what LnStructured removed.
type Shrunk struct {
	// Layer is the pruned layer's path in the model, such as "3".
	Layer string
	// Before and After are its neuron or channel counts.
	Before, After int
	// Kept lists the indices (before pruning) of the units that stay, in
	// ascending order.
	Kept []int
	// Neighbours are the paths of the layers shrunk with it: a BatchNorm,
	// and the next Linear or Conv2d.
	Neighbours []string
}

// LnStructured removes the fraction amount of the output units of layer
// index of seq, a Linear's neurons (weight rows) or a Conv2d's channels
// (filters), those whose weights have the smallest Ln norm (n = 1 or 2,
// any n > 0, or +Inf for the largest magnitude), and shrinks the layers
// that read them: a BatchNorm in between and the next Linear (its input
// features; after a Flatten, each channel's block of them) or Conv2d
// (its input channels). Activations, dropout and pooling between them
// are kept. Unlike PyTorch's prune.ln_structured, which only zeroes the
// rows, the layers really get smaller and faster; an optimizer made
// before holds the old tensors, so make a new one.
//
// The pruned layer must be followed by another layer with weights (its
// outputs are not the model's), and at least one unit must stay.
func LnStructured(seq *nn.Sequential, index int, amount, n float64) (*Shrunk, error) {
	const op = "prune.LnStructured"
	if err := checkAmount(op, amount); err != nil {
		return nil, err
	}
	if !(n > 0) {
		return nil, fmt.Errorf("%s: norm n=%v, expected n > 0 (1 for L1, 2 for L2, +Inf for the largest magnitude)", op, n)
	}
	if index < 0 || index >= seq.Len() {
		return nil, fmt.Errorf("%s: layer %d does not exist; the Sequential has %d layers (0 to %d)", op, index, seq.Len(), seq.Len()-1)
	}
	layer, err := outputsOf(op, seq.At(index), index)
	if err != nil {
		return nil, err
	}
	plan, err := planShrink(op, seq, index, layer)
	if err != nil {
		return nil, err
	}
	drop := countToPrune(amount, layer.units)
	if drop >= layer.units {
		return nil, fmt.Errorf("%s: amount %v would remove all %d units of layer %d (%s); at least one must stay", op, amount, layer.units, index, seq.At(index).Base().TypeName())
	}
	kept := strongest(layer.weight, layer.units, n, layer.units-drop)
	plan.apply(kept)
	out := &Shrunk{Layer: seq.At(index).Base().Path(), Before: layer.units, After: len(kept), Kept: kept}
	for _, m := range plan.neighbours {
		out.Neighbours = append(out.Neighbours, m.Base().Path())
	}
	return out, nil
}

// producer is the layer being pruned: its weight, whose first dimension
// holds its units.
type producer struct {
	module nn.Module
	weight *tensor.Tensor
	units  int
	conv   bool
}

// outputsOf returns m as a layer whose outputs can be pruned.
func outputsOf(op string, m nn.Module, index int) (producer, error) {
	switch l := m.(type) {
	case *nn.Linear:
		return producer{m, l.Weight, l.Out, false}, nil
	case *nn.Conv2d:
		return producer{m, l.Weight, l.Out, true}, nil
	}
	return producer{}, fmt.Errorf("%s: layer %d is a %s; structured pruning removes the neurons of a Linear or the channels of a Conv2d", op, index, m.Base().TypeName())
}

// passesThrough reports whether m keeps its input's units one for one
// (an activation, dropout, pooling), so a pruned unit's column is simply
// gone from its output too.
func passesThrough(m nn.Module) bool {
	switch m.(type) {
	case *nn.ReLU, *nn.LeakyReLU, *nn.GELU, *nn.Sigmoid, *nn.Tanh, *nn.SiLU, *nn.ELU, *nn.Softplus,
		*nn.Dropout, *nn.MaxPool2d, *nn.AvgPool2d:
		return true
	}
	return false
}

// shrinkPlan is every change structured pruning makes, worked out before
// any is made so that an error leaves the model as it was.
type shrinkPlan struct {
	layer      producer
	norm       *nn.BatchNorm
	next       nn.Module
	block      int // the next Linear's inputs per unit: 1, or H·W after a Flatten
	neighbours []nn.Module
}

// planShrink finds the layers after index that read its units.
func planShrink(op string, seq *nn.Sequential, index int, layer producer) (*shrinkPlan, error) {
	plan := &shrinkPlan{layer: layer, block: 1}
	flattened := false
	for j := index + 1; j < seq.Len(); j++ {
		m := seq.At(j)
		switch l := m.(type) {
		case *nn.BatchNorm:
			if plan.norm != nil || l.Features != layer.units {
				return nil, fmt.Errorf("%s: layer %d (%s) has %d features after layer %d's %d units; expected one BatchNorm of %d", op, j, l.Base().TypeName(), l.Features, index, layer.units, layer.units)
			}
			plan.norm = l
			plan.neighbours = append(plan.neighbours, l)
		case *nn.Flatten:
			flattened = true
		case *nn.Linear:
			if err := plan.intoLinear(op, l, j, index, flattened); err != nil {
				return nil, err
			}
			return plan, nil
		case *nn.Conv2d:
			if flattened || l.In != layer.units || !layer.conv {
				return nil, fmt.Errorf("%s: layer %d (Conv2d) takes %d channels; it cannot read layer %d's %d units", op, j, l.In, index, layer.units)
			}
			plan.next = l
			plan.neighbours = append(plan.neighbours, l)
			return plan, nil
		default:
			if !passesThrough(m) {
				return nil, fmt.Errorf("%s: layer %d (%s) sits between layer %d and the next layer with weights; structured pruning cannot tell how it uses the units", op, j, m.Base().TypeName(), index)
			}
		}
	}
	return nil, fmt.Errorf("%s: no Linear or Conv2d follows layer %d, so its units are the model's outputs; prune a hidden layer", op, index)
}

// intoLinear plans the next Linear's shrinking: one input per unit, or
// after a Conv2d and a Flatten, a block of H·W inputs per channel.
func (plan *shrinkPlan) intoLinear(op string, l *nn.Linear, j, index int, flattened bool) error {
	units := plan.layer.units
	switch {
	case !plan.layer.conv && l.In == units:
	case plan.layer.conv && flattened && l.In%units == 0:
		plan.block = l.In / units
	default:
		return fmt.Errorf("%s: layer %d (Linear) takes %d features; it cannot read layer %d's %d units%s", op, j, l.In, index, units,
			map[bool]string{true: " (a Conv2d's channels reach a Linear through a Flatten)", false: ""}[plan.layer.conv && !flattened])
	}
	plan.next = l
	plan.neighbours = append(plan.neighbours, l)
	return nil
}

// apply shrinks every layer of the plan to the kept units.
func (plan *shrinkPlan) apply(kept []int) {
	units := plan.layer.units
	switch l := plan.layer.module.(type) {
	case *nn.Linear:
		l.Weight = replace(l, "weight", pick(l.Weight, 1, units, kept))
		l.Bias = replace(l, "bias", pick(l.Bias, 1, units, kept))
		l.Out = len(kept)
	case *nn.Conv2d:
		l.Weight = replace(l, "weight", pick(l.Weight, 1, units, kept))
		l.Bias = replace(l, "bias", pick(l.Bias, 1, units, kept))
		l.Out = len(kept)
	}
	if bn := plan.norm; bn != nil {
		bn.Weight = replace(bn, "weight", pick(bn.Weight, 1, units, kept))
		bn.Bias = replace(bn, "bias", pick(bn.Bias, 1, units, kept))
		bn.RunningMean = replaceBuffer(bn, "running_mean", pick(bn.RunningMean, 1, units, kept))
		bn.RunningVar = replaceBuffer(bn, "running_var", pick(bn.RunningVar, 1, units, kept))
		bn.Features = len(kept)
	}
	switch l := plan.next.(type) {
	case *nn.Linear:
		l.Weight = replace(l, "weight", pick(l.Weight, l.Out, units, kept))
		l.In = len(kept) * plan.block
	case *nn.Conv2d:
		l.Weight = replace(l, "weight", pick(l.Weight, l.Out, units, kept))
		l.In = len(kept)
	}
}

// replace puts t in place of m's parameter name (nil stays nil: a layer
// without bias) and returns it.
func replace(m nn.Module, name string, t *tensor.Tensor) *tensor.Tensor {
	if t == nil {
		return nil
	}
	if err := m.Base().ReplaceParam(name, t); err != nil {
		panic(err) // the layers always have these parameters
	}
	return t
}

// replaceBuffer is replace for a buffer.
func replaceBuffer(m nn.Module, name string, t *tensor.Tensor) *tensor.Tensor {
	if t == nil {
		return nil
	}
	if err := m.Base().ReplaceBuffer(name, t); err != nil {
		panic(err)
	}
	return t
}

// pick keeps the units kept of t seen as [outer, units, inner]: rows of
// a weight (outer 1), or a next layer's columns (outer its outputs). The
// result is a new tensor of the same rank.
func pick(t *tensor.Tensor, outer, units int, kept []int) *tensor.Tensor {
	if t == nil {
		return nil
	}
	src := t.Detach().Data()
	inner := len(src) / (outer * units)
	dst := make([]float32, 0, outer*len(kept)*inner)
	for o := range outer {
		for _, u := range kept {
			start := (o*units + u) * inner
			dst = append(dst, src[start:start+inner]...)
		}
	}
	shape := t.Shape()
	if outer == 1 {
		shape[0] = len(kept)
	} else {
		// A Linear's columns come in blocks of inner (H·W after a
		// Flatten); a Conv2d's input channel is one [k, k] slice.
		shape[1] = len(kept) * inner / innerOf(shape)
	}
	out, err := tensor.New(dst, shape...)
	if err != nil {
		panic(err) // the shape is computed from dst's length
	}
	return out
}

// innerOf is the product of a shape's dimensions after the second.
func innerOf(shape []int) int {
	n := 1
	for _, d := range shape[2:] {
		n *= d
	}
	return n
}

// strongest returns, in ascending order, the indices of the keep units
// of w (one per row of its first dimension) with the largest Ln norms;
// ties keep the earlier unit.
func strongest(w *tensor.Tensor, units int, n float64, keep int) []int {
	data := w.Detach().Data()
	per := len(data) / units
	norms := make([]float64, units)
	for u := range units {
		norms[u] = lnNorm(data[u*per:(u+1)*per], n)
	}
	order := make([]int, units)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(norms[b], norms[a]) })
	kept := order[:keep]
	slices.Sort(kept)
	return kept
}

// lnNorm is (Σ|x|ⁿ)^(1/n), or max |x| for n = +Inf.
func lnNorm(xs []float32, n float64) float64 {
	s := 0.0
	for _, x := range xs {
		a := math.Abs(float64(x))
		switch {
		case math.IsInf(n, 1):
			s = max(s, a)
		case n == 1:
			s += a
		case n == 2:
			s += a * a
		default:
			s += math.Pow(a, n)
		}
	}
	if math.IsInf(n, 1) || n == 1 {
		return s
	}
	return math.Pow(s, 1/n)
}
