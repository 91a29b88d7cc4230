package tensor

import "fmt"

// Writing by index, the counterparts of Gather (layout.go): MaskedFill
// sets the positions a mask marks, Scatter and ScatterAdd write (or add)
// a source's values at the positions an index names. Like Gather, the
// indices are whole numbers stored as floats.

// MaskedFill returns t with value wherever mask is non-zero,
// torch.masked_fill. mask must broadcast to t's shape, and the result has
// t's shape. It is Where(mask, value, t), so the filled positions get no
// gradient and the others get g.
func (t *Tensor) MaskedFill(mask *Tensor, value float32) (*Tensor, error) {
	shape, err := broadcastShapes("maskedFill", mask.shape, t.shape)
	if err != nil || !sameShape(shape, t.shape) {
		return nil, fmt.Errorf("maskedFill: mask of shape %s must broadcast to the input's shape %s", FormatShape(mask.shape), FormatShape(t.shape))
	}
	return Where(mask, Scalar(value), t)
}

// Scatter returns a copy of t in which, along dim, src's values are
// written at the positions index names, torch.scatter(t, dim, index,
// src): for a 2-D t and dim 1, out[i][index[i][j]] = src[i][j]. index has
// t's rank, is no larger than src anywhere and no larger than t outside
// dim; only src's elements at index's positions are used. Where an index
// repeats, the last write wins (PyTorch leaves it unspecified). The
// gradient of t is g with the written positions zeroed; the gradient of
// src is g gathered at index.
func (t *Tensor) Scatter(dim int, index, src *Tensor) (*Tensor, error) {
	return t.scatter("scatter", dim, index, src, false)
}

// ScatterAdd is Scatter that adds src's values instead of writing them,
// torch.scatter_add: repeated indices accumulate. The gradient of t is g;
// that of src is g gathered at index.
func (t *Tensor) ScatterAdd(dim int, index, src *Tensor) (*Tensor, error) {
	return t.scatter("scatterAdd", dim, index, src, true)
}

// scatter implements Scatter and ScatterAdd.
func (t *Tensor) scatter(op string, dim int, index, src *Tensor, add bool) (*Tensor, error) {
	if t.Dim() == 0 && index.Dim() == 0 && src.Dim() == 0 {
		// PyTorch accepts 0-d operands as one element along dim 0.
		if _, err := dimOrScalar(op, dim, t); err != nil {
			return nil, err
		}
		out, err := must(t.Reshape(1)).scatter(op, 0, must(index.Reshape(1)), must(src.Reshape(1)), add)
		if err != nil {
			return nil, err
		}
		return out.Reshape()
	}
	d, idx, err := t.checkScatter(op, dim, index, src)
	if err != nil {
		return nil, err
	}
	out := fromData(t.Data(), t.shape)
	// Walk index's shape: dst points at element 0 along dim of out's
	// slice (the index adds its own offset), s at src's element.
	w := newWalker(index.shape, out.gatherView(index.shape, d), src.viewOf(index.shape, src.strides, src.offset))
	for p := range idx {
		at := w.off[0] + idx[p]*out.strides[d]
		if add {
			out.st.data[at] += src.st.data[w.off[1]]
		} else {
			out.st.data[at] = src.st.data[w.off[1]]
		}
		w.next()
	}
	record(out, op, []*Tensor{t, index, src}, []*Tensor{index}, func(g *Tensor) []*Tensor {
		gt := g
		if !add { // written positions lost t's value
			gt = fromData(g.Data(), g.shape)
			w := newWalker(index.shape, gt.gatherView(index.shape, d))
			for p := range idx {
				gt.st.data[w.off[0]+idx[p]*gt.strides[d]] = 0
				w.next()
			}
		}
		gs := empty(src.shape)
		copyInto(gs.viewOf(index.shape, gs.strides, 0), must(g.Gather(d, index)))
		return []*Tensor{gt, nil, gs}
	})
	return out, nil
}

// checkScatter validates Scatter's operands and reads the indices.
func (t *Tensor) checkScatter(op string, dim int, index, src *Tensor) (int, []int, error) {
	d, err := normDim(op, dim, t.Dim(), t.shape)
	if err != nil {
		return 0, nil, err
	}
	if index.Dim() != t.Dim() || src.Dim() != t.Dim() {
		return 0, nil, fmt.Errorf("%s: input %s, index %s and src %s must have the same number of dimensions", op, FormatShape(t.shape), FormatShape(index.shape), FormatShape(src.shape))
	}
	for i := range t.shape {
		if index.shape[i] > src.shape[i] || (i != d && index.shape[i] > t.shape[i]) {
			return 0, nil, fmt.Errorf("%s: index of shape %s must be no larger than src %s in every dimension and than the input %s outside dimension %d", op, FormatShape(index.shape), FormatShape(src.shape), FormatShape(t.shape), d)
		}
	}
	vals := index.values()
	idx := make([]int, len(vals))
	for p, v := range vals {
		if idx[p], err = indexAt(op, v, t.shape[d], p); err != nil {
			return 0, nil, err
		}
	}
	return d, idx, nil
}
