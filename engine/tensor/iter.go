package tensor

import "fmt"

// walker visits the positions of a shape in row-major order while keeping
// the storage offset of the matching element of several tensors. Each
// tensor must broadcast to the shape; along a broadcast dimension its
// stride is 0, so the same element is read again.
//
// Updating offsets incrementally (add a stride when an index moves, rewind
// when it wraps) avoids a multiply per dimension per element.
type walker struct {
	shape   []int
	index   []int
	strides [][]int // strides[k][d]: step of tensor k along dimension d
	off     []int   // current storage offset of each tensor
}

func newWalker(shape []int, ts ...*Tensor) *walker {
	w := &walker{shape: shape, index: make([]int, len(shape)), off: make([]int, len(ts))}
	for k, t := range ts {
		w.strides = append(w.strides, broadcastStrides(t, shape))
		w.off[k] = t.offset
	}
	return w
}

// seekRow moves a new walker to the start of row r, counting the rows
// over all but the last dimension in row-major order (nextRow's order).
func (w *walker) seekRow(r int) {
	for d := len(w.index) - 2; d >= 0; d-- {
		i := r % w.shape[d]
		r /= w.shape[d]
		w.index[d] = i
		for k := range w.off {
			w.off[k] += i * w.strides[k][d]
		}
	}
}

// next moves to the following position.
func (w *walker) next() {
	for d := len(w.index) - 1; d >= 0; d-- {
		w.index[d]++
		if w.index[d] < w.shape[d] {
			for k := range w.off {
				w.off[k] += w.strides[k][d]
			}
			return
		}
		w.index[d] = 0
		for k := range w.off {
			w.off[k] -= w.strides[k][d] * (w.shape[d] - 1)
		}
	}
}

// nextRow moves from the start of one innermost row (the last dimension)
// to the start of the next: the strided loops below walk each row with a
// plain loop and call the walker once per row, not once per element.
func (w *walker) nextRow() {
	for d := len(w.index) - 2; d >= 0; d-- {
		w.index[d]++
		if w.index[d] < w.shape[d] {
			for k := range w.off {
				w.off[k] += w.strides[k][d]
			}
			return
		}
		w.index[d] = 0
		for k := range w.off {
			w.off[k] -= w.strides[k][d] * (w.shape[d] - 1)
		}
	}
}

// broadcastStrides returns t's strides aligned to the right of shape, with
// 0 for every dimension that t lacks or has size 1.
func broadcastStrides(t *Tensor, shape []int) []int {
	strides := make([]int, len(shape))
	for i := 1; i <= len(t.shape); i++ {
		if t.shape[len(t.shape)-i] != 1 {
			strides[len(shape)-i] = t.strides[len(t.strides)-i]
		}
	}
	return strides
}

// broadcastShapes returns the shape that a and b broadcast to, or an error
// naming op when they are incompatible. Shapes are aligned from the right
// and each pair of dimensions must be equal or one of them must be 1.
func broadcastShapes(op string, a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 1; i <= n; i++ {
		da, db := dimFromRight(a, i), dimFromRight(b, i)
		switch {
		case da == db || db == 1:
			out[n-i] = da
		case da == 1:
			out[n-i] = db
		default:
			return nil, fmt.Errorf("%s: shapes %s and %s do not broadcast: dimension %d is %d in one and %d in the other, expected equal sizes or 1", op, FormatShape(a), FormatShape(b), n-i, da, db)
		}
	}
	return out, nil
}

// dimFromRight returns the i-th dimension counted from the right (i ≥ 1),
// or 1 when the shape has fewer dimensions.
func dimFromRight(shape []int, i int) int {
	if i > len(shape) {
		return 1
	}
	return shape[len(shape)-i]
}

// normDim turns a possibly negative dimension (-1 is the last) into an
// index in [0, ndim), or returns an error naming op. Like PyTorch, it
// treats a 0-d tensor as if it had one dimension: dim 0 and -1 are valid
// and give 0, which an op on a 0-d tensor must then handle (a reduction
// over it, a softmax along it, a squeeze or transpose of it leave the one
// value as it is). Ops that need a real dimension (narrow, select, cat)
// refuse 0-d tensors first, with needDims.
func normDim(op string, dim, ndim int, shape []int) (int, error) {
	wrap := max(ndim, 1)
	if dim < -wrap || dim >= wrap {
		what := "shape " + FormatShape(shape)
		if ndim == 0 {
			what = "a 0-d tensor"
		}
		return 0, fmt.Errorf("%s: dimension %d is out of range for %s, expected %d to %d", op, dim, what, -wrap, wrap-1)
	}
	if dim < 0 {
		dim += wrap
	}
	return dim, nil
}

// needDims returns an error naming op when t is 0-d: the op indexes a
// dimension that a 0-d tensor does not have, and PyTorch refuses it too.
func needDims(op string, t *Tensor) error {
	if t.Dim() == 0 {
		return fmt.Errorf("%s: cannot be applied to a 0-d tensor, expected at least 1 dimension", op)
	}
	return nil
}

// normDims normalises a list of dimensions and rejects repeats; nil means
// every dimension. The result marks the dimensions to reduce; for a 0-d
// tensor it is empty whatever the list (0 and -1 are valid, see normDim):
// reducing a single value over its one wrapped dimension leaves it as is.
func normDims(op string, dims []int, shape []int) ([]bool, error) {
	reduce := make([]bool, len(shape))
	if dims == nil {
		for i := range reduce {
			reduce[i] = true
		}
		return reduce, nil
	}
	seen := make([]bool, max(len(shape), 1))
	for _, d := range dims {
		nd, err := normDim(op, d, len(shape), shape)
		if err != nil {
			return nil, err
		}
		if seen[nd] {
			return nil, fmt.Errorf("%s: dimension %d appears twice in %s", op, nd, FormatShape(dims))
		}
		seen[nd] = true
		if nd < len(shape) {
			reduce[nd] = true
		}
	}
	return reduce, nil
}

// copyInto writes src's values into dst element by element; src must
// broadcast to dst's shape. dst may be a strided view.
func copyInto(dst, src *Tensor) {
	n := dst.Numel()
	if n == 0 {
		return
	}
	if dst.Dim() == 0 {
		dst.st.data[dst.offset] = src.st.data[src.offset]
		return
	}
	w := newWalker(dst.shape, dst, src)
	last := dst.Dim() - 1
	inner, sd, ss := dst.shape[last], w.strides[0][last], w.strides[1][last]
	dd, sdata := dst.st.data, src.st.data
	for i := 0; i < n; i += inner {
		od, os := w.off[0], w.off[1]
		for range inner {
			dd[od] = sdata[os]
			od += sd
			os += ss
		}
		w.nextRow()
	}
}

// addInto adds src's values into dst element by element. When dst is a
// view with stride 0 (an expanded tensor) the contributions accumulate,
// which is what the gradient of a broadcast needs.
func addInto(dst, src *Tensor) {
	n := src.Numel()
	if n == 0 {
		return
	}
	if src.Dim() == 0 {
		w := newWalker(src.shape, dst, src)
		dst.st.data[w.off[0]] += src.st.data[w.off[1]]
		return
	}
	w := newWalker(src.shape, dst, src)
	last := src.Dim() - 1
	inner, sd, ss := src.shape[last], w.strides[0][last], w.strides[1][last]
	dd, sdata := dst.st.data, src.st.data
	for i := 0; i < n; i += inner {
		od, os := w.off[0], w.off[1]
		for range inner {
			dd[od] += sdata[os]
			od += sd
			os += ss
		}
		w.nextRow()
	}
}
