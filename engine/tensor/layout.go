package tensor

import (
	"fmt"
	"math"
	"slices"
)

// Cat joins tensors along an existing dimension dim; their shapes must
// agree everywhere else. Each input's gradient is its slice of g.
func Cat(ts []*Tensor, dim int) (*Tensor, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("cat: expected at least one tensor")
	}
	for i, t := range ts {
		if t.Dim() == 0 {
			return nil, fmt.Errorf("cat: tensor %d is 0-d and cannot be concatenated, expected at least 1 dimension", i)
		}
	}
	first := ts[0]
	d, err := normDim("cat", dim, first.Dim(), first.shape)
	if err != nil {
		return nil, err
	}
	shape := slices.Clone(first.shape)
	shape[d] = 0
	for i, t := range ts {
		if !sameShapeExcept(t.shape, first.shape, d) {
			return nil, fmt.Errorf("cat: tensor %d has shape %s but tensor 0 has shape %s; expected the same sizes except in dimension %d", i, FormatShape(t.shape), FormatShape(first.shape), d)
		}
		shape[d] += t.shape[d]
	}
	out := empty(shape)
	starts := make([]int, len(ts))
	for i, t := range ts {
		if i > 0 {
			starts[i] = starts[i-1] + ts[i-1].shape[d]
		}
		copyInto(must(out.Narrow(d, starts[i], t.shape[d])), t)
	}
	record(out, "cat", slices.Clone(ts), nil, func(g *Tensor) []*Tensor {
		grads := make([]*Tensor, len(ts))
		for i, t := range ts {
			grads[i] = must(g.Narrow(d, starts[i], t.shape[d]))
		}
		return grads
	})
	return out, nil
}

// Stack joins tensors of the same shape along a new dimension dim:
// stacking n tensors of shape [a, b] at dim 0 gives [n, a, b]. It is Cat
// of the tensors each unsqueezed at dim.
func Stack(ts []*Tensor, dim int) (*Tensor, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("stack: expected at least one tensor")
	}
	d, err := normDim("stack", dim, ts[0].Dim()+1, ts[0].shape)
	if err != nil {
		return nil, err
	}
	parts := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !sameShape(t.shape, ts[0].shape) {
			return nil, fmt.Errorf("stack: tensor %d has shape %s but tensor 0 has shape %s; expected equal shapes", i, FormatShape(t.shape), FormatShape(ts[0].shape))
		}
		parts[i] = must(t.Unsqueeze(d))
	}
	return Cat(parts, d)
}

// sameShapeExcept reports whether a and b have the same rank and agree in
// every dimension other than d.
func sameShapeExcept(a, b []int, d int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if i != d && a[i] != b[i] {
			return false
		}
	}
	return true
}

// Pad adds value around t, like torch.nn.functional.pad in constant mode.
// pads lists (before, after) pairs starting from the last dimension:
// [1, 2] pads the last dimension with 1 before and 2 after; [1, 1, 0, 3]
// also pads the one before it with 3 after. The gradient is the interior
// of g. Unlike PyTorch, a negative pad (a crop) is an error: Narrow crops.
func (t *Tensor) Pad(pads []int, value float32) (*Tensor, error) {
	if len(pads)%2 != 0 || len(pads)/2 > t.Dim() {
		return nil, fmt.Errorf("pad: %s must hold (before, after) pairs for at most %d dimensions of shape %s", FormatShape(pads), t.Dim(), FormatShape(t.shape))
	}
	shape := slices.Clone(t.shape)
	for i := 0; i < len(pads); i += 2 {
		if pads[i] < 0 || pads[i+1] < 0 {
			return nil, fmt.Errorf("pad: negative padding %s is not supported, expected sizes ≥ 0", FormatShape(pads))
		}
		shape[t.Dim()-1-i/2] += pads[i] + pads[i+1]
	}
	// interior is the view of a padded tensor that holds t.
	interior := func(x *Tensor) *Tensor {
		for i := 0; i < len(pads); i += 2 {
			d := t.Dim() - 1 - i/2
			x = must(x.Narrow(d, pads[i], t.shape[d]))
		}
		return x
	}
	out := must(Full(value, shape...))
	copyInto(interior(out), t)
	record(out, "pad", []*Tensor{t}, nil, func(g *Tensor) []*Tensor { return []*Tensor{interior(g)} })
	return out, nil
}

// indexAt reads an index stored as a float and checks that it is a whole
// number in [0, size).
func indexAt(op string, v float32, size int, pos int) (int, error) {
	i := int(v)
	if float32(i) != v || i < 0 || i >= size {
		return 0, fmt.Errorf("%s: index %v at position %d is not a whole number in [0, %d)", op, v, pos, size)
	}
	return i, nil
}

// Gather picks, along dim, the elements of t named by index: for a 2-D t
// and dim 1, out[i][j] = t[i][index[i][j]]. index holds whole numbers as
// floats, has t's rank and is no larger than t in the other dimensions;
// the result has index's shape. The gradient scatters g back, adding up
// where an element was picked more than once.
func (t *Tensor) Gather(dim int, index *Tensor) (*Tensor, error) {
	d, err := normDim("gather", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if t.Dim() == 0 && index.Dim() == 0 {
		// PyTorch gathers from a 0-d tensor with a 0-d index: as 1-D.
		out, err := must(t.Reshape(1)).Gather(0, must(index.Reshape(1)))
		if err != nil {
			return nil, err
		}
		return must(out.Reshape()).owned(), nil
	}
	if index.Dim() != t.Dim() {
		return nil, fmt.Errorf("gather: index of shape %s must have as many dimensions as the input of shape %s", FormatShape(index.shape), FormatShape(t.shape))
	}
	for i := range t.shape {
		if i != d && index.shape[i] > t.shape[i] {
			return nil, fmt.Errorf("gather: index of shape %s is larger than the input of shape %s in dimension %d", FormatShape(index.shape), FormatShape(t.shape), i)
		}
	}
	idx := index.values()
	for p, v := range idx {
		if _, err := indexAt("gather", v, t.shape[d], p); err != nil {
			return nil, err
		}
	}
	out := empty(index.shape)
	// src walks t over index's shape with dim frozen; the index then adds
	// its own offset along dim.
	src := t.gatherView(index.shape, d)
	w := newWalker(index.shape, src)
	for p := range out.st.data {
		out.st.data[p] = t.st.data[w.off[0]+int(idx[p])*t.strides[d]]
		w.next()
	}
	record(out, "gather", []*Tensor{t, index}, []*Tensor{index}, func(g *Tensor) []*Tensor {
		z := empty(t.shape)
		w := newWalker(index.shape, z.gatherView(index.shape, d), g)
		for p := range idx {
			z.st.data[w.off[0]+int(idx[p])*z.strides[d]] += g.st.data[w.off[1]]
			w.next()
		}
		return []*Tensor{z, nil}
	})
	return out, nil
}

// gatherView is a view of t with the given (no larger) shape whose stride
// along dim is 0, so that it points at element 0 of every slice.
func (t *Tensor) gatherView(shape []int, dim int) *Tensor {
	strides := slices.Clone(t.strides)
	strides[dim] = 0
	return t.viewOf(shape, strides, t.offset)
}

// IndexSelect picks whole slices along dim: the result has t's shape with
// dimension dim replaced by len(index), and slice i is t's slice index[i].
// index is 1-D, of whole numbers stored as floats.
func (t *Tensor) IndexSelect(dim int, index *Tensor) (*Tensor, error) {
	d, err := normDim("indexSelect", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if t.Dim() == 0 && index.Numel() != 1 {
		// PyTorch returns uninitialised memory for an empty index here.
		return nil, fmt.Errorf("indexSelect: a 0-d tensor takes an index of exactly one element, got shape %s", FormatShape(index.shape))
	}
	if t.Dim() == 0 {
		// PyTorch picks from a 0-d tensor as from a 1-D one, keeping 0-d.
		out, err := must(t.Reshape(1)).IndexSelect(0, must(index.Reshape(1)))
		if err != nil {
			return nil, err
		}
		return must(out.Reshape()).owned(), nil
	}
	if index.Dim() != 1 {
		return nil, fmt.Errorf("indexSelect: index of shape %s must be 1-D", FormatShape(index.shape))
	}
	idx := make([]int, index.Numel())
	for p, v := range index.values() {
		if idx[p], err = indexAt("indexSelect", v, t.shape[d], p); err != nil {
			return nil, err
		}
	}
	shape := slices.Clone(t.shape)
	shape[d] = len(idx)
	out := empty(shape)
	NoGrad(func() {
		for i, j := range idx {
			copyInto(must(out.Select(d, i)), must(t.Select(d, j)))
		}
	})
	record(out, "indexSelect", []*Tensor{t, index}, []*Tensor{index}, func(g *Tensor) []*Tensor {
		z := empty(t.shape)
		for i, j := range idx {
			addInto(must(z.Select(d, j)), must(g.Select(d, i)))
		}
		return []*Tensor{z, nil}
	})
	return out, nil
}

// inferClasses returns the largest index + 1, after checking that every
// index is a whole number ≥ 0 small enough to be an int: int(v) of an
// infinite or huge float is undefined in Go, and would size the result.
func inferClasses(idx []float32) (int, error) {
	n := 0
	for p, v := range idx {
		if !(v >= 0 && v < 1<<31) || v != float32(math.Trunc(float64(v))) {
			return 0, fmt.Errorf("oneHot: index %v at position %d is not a whole number ≥ 0 (below 2³¹) to infer the number of classes from", v, p)
		}
		n = max(n, int(v)+1)
	}
	return n, nil
}

// OneHot turns class indices (whole numbers stored as floats) into one-hot
// rows: the result has index's shape plus a last dimension of numClasses,
// with 1 at each index and 0 elsewhere. numClasses ≤ 0 means the largest
// index + 1, as PyTorch's -1 does.
func OneHot(index *Tensor, numClasses int) (*Tensor, error) {
	idx := index.values()
	if numClasses <= 0 {
		n, err := inferClasses(idx)
		if err != nil {
			return nil, err
		}
		numClasses = n
	}
	shape := append(index.Shape(), numClasses)
	if err := CheckShape("oneHot", shape...); err != nil {
		return nil, err
	}
	out := empty(shape)
	for p, v := range idx {
		c, err := indexAt("oneHot", v, numClasses, p)
		if err != nil {
			return nil, err
		}
		out.st.data[p*numClasses+c] = 1
	}
	observe("oneHot", []*Tensor{index}, nil, out)
	return out, nil
}
