package tensor

import (
	"fmt"
	"slices"
)

// Movement ops change how the storage is read, not the values: they return
// views that share t's storage (no copy) by computing a new shape, new
// strides and a new offset. Writing through a view (with an in-place op)
// changes the original tensor too, as in PyTorch.
//
// Their backward moves the gradient back the same way: Reshape's gradient
// is reshaped back, Permute's permuted back, Narrow's written into zeros
// of the input's shape.

// viewOf makes a view of t's storage with the given layout.
func (t *Tensor) viewOf(shape, strides []int, offset int) *Tensor {
	return &Tensor{st: t.st, shape: shape, strides: strides, offset: offset, view: true, base: t, baseNode: t.node}
}

// Reshape returns a tensor with the same elements in row-major order and a
// new shape; one dimension may be -1 and is then inferred. It is a view
// when t is contiguous and a copy otherwise, like PyTorch's reshape.
func (t *Tensor) Reshape(shape ...int) (*Tensor, error) {
	shape, err := inferShape("reshape", t.shape, shape)
	if err != nil {
		return nil, err
	}
	src := t.Contiguous()
	out := src.viewOf(shape, contiguousStrides(shape), src.offset)
	record(out, "reshape", []*Tensor{src}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{must(g.Reshape(src.shape...))}
	})
	if src != t { // a copy: the result is no view of t
		out.owned()
	}
	return out, nil
}

// owned marks t, a view of a storage that the op returning it made for
// it alone (a reshape of a fresh product, a squeeze of a fresh gather),
// as no view: nothing else can see that storage, so an in-place op on t
// is an in-place op on a tensor of its own, which autograd allows, as in
// PyTorch, where these results are not views either.
func (t *Tensor) owned() *Tensor {
	t.view = false
	return t
}

// View is Reshape that never copies: it fails where the new shape cannot
// be laid over t's strides (a transpose viewed as 1-D), where Reshape
// would copy. As in PyTorch, a non-contiguous t can be viewed as long as
// each new dimension splits or merges only dimensions that are laid out
// contiguously with one another (viewStrides); size-1 dimensions, whose
// strides never matter, count for nothing.
func (t *Tensor) View(shape ...int) (*Tensor, error) {
	// Check the size here so that a mistake is reported as view's.
	shape, err := inferShape("view", t.shape, shape)
	if err != nil {
		return nil, err
	}
	if t.IsContiguous() {
		return t.Reshape(shape...)
	}
	strides := viewStrides(t.shape, t.strides, shape)
	if strides == nil {
		return nil, fmt.Errorf("view: tensor of shape %s with strides %s is not contiguous, and the shape %s would merge dimensions that are not laid out together; use Reshape, which copies, or Contiguous first", FormatShape(t.shape), FormatShape(t.strides), FormatShape(shape))
	}
	out := t.viewOf(shape, strides, t.offset)
	record(out, "view", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{must(g.Reshape(t.shape...))}
	})
	return out, nil
}

// viewStrides returns the strides that lay shape over the elements of a
// tensor of shape old with strides oldStrides in the same row-major
// order, or nil when there are none: PyTorch's computeStride. The old
// dimensions are cut into chunks, each a run of dimensions contiguous
// with one another (size-1 dimensions join any run); every new dimension
// must fall inside one chunk.
func viewStrides(old, oldStrides, shape []int) []int {
	if len(old) == 0 || slices.Contains(old, 0) { // contiguous, in fact
		return contiguousStrides(shape)
	}
	strides := make([]int, len(shape))
	d := len(shape) - 1
	base := oldStrides[len(old)-1]
	chunk, viewed := 1, 1
	for od := len(old) - 1; od >= 0; od-- {
		chunk *= old[od]
		// The chunk ends at od unless the dimension before it continues it.
		if od == 0 || old[od-1] != 1 && oldStrides[od-1] != chunk*base {
			for d >= 0 && (viewed < chunk || shape[d] == 1) {
				strides[d] = viewed * base
				viewed *= shape[d]
				d--
			}
			if viewed != chunk {
				return nil
			}
			if od > 0 {
				base, chunk, viewed = oldStrides[od-1], 1, 1
			}
		}
	}
	if d != -1 {
		return nil
	}
	return strides
}

// Flatten merges dimensions start..end (inclusive, negative counts from
// the end) into one, as a view when possible. Flatten(0, -1) gives 1-D.
//
// As in PyTorch, a flatten that changes nothing (a 1-D tensor, or start
// equal to end) returns t itself, and one that must copy (a transposed
// tensor) returns a tensor of its own, not a view.
func (t *Tensor) Flatten(start, end int) (*Tensor, error) {
	if t.Dim() == 0 {
		if _, err := normDim("flatten", start, 0, nil); err != nil {
			return nil, err
		}
		if _, err := normDim("flatten", end, 0, nil); err != nil {
			return nil, err
		}
		return t.Reshape(1)
	}
	s, err := normDim("flatten", start, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	e, err := normDim("flatten", end, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if s > e {
		return nil, fmt.Errorf("flatten: start dimension %d comes after end dimension %d for shape %s", s, e, FormatShape(t.shape))
	}
	if s == e {
		return t, nil
	}
	shape := append(append(append([]int{}, t.shape[:s]...), product(t.shape[s:e+1])), t.shape[e+1:]...)
	return t.Reshape(shape...)
}

// inferShape checks that shape has as many elements as old, filling in a
// single -1 dimension.
func inferShape(op string, old, shape []int) ([]int, error) {
	shape = append([]int{}, shape...)
	n, infer := 1, -1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			return nil, fmt.Errorf("%s: invalid shape %s: sizes must be ≥ 0, with at most one -1", op, FormatShape(shape))
		default:
			n *= d
		}
	}
	total := product(old)
	if infer >= 0 && n != 0 && total%n == 0 {
		shape[infer] = total / n
		n = total
	}
	if n != total {
		return nil, fmt.Errorf("%s: cannot %s tensor of shape %s (%d elements) to %s", op, op, FormatShape(old), total, FormatShape(shape))
	}
	return shape, nil
}

// Permute reorders the dimensions: dimension i of the result is dimension
// dims[i] of t. It is always a view.
func (t *Tensor) Permute(dims ...int) (*Tensor, error) {
	if len(dims) != t.Dim() {
		return nil, fmt.Errorf("permute: %s has %d dimensions but the tensor of shape %s has %d", FormatShape(dims), len(dims), FormatShape(t.shape), t.Dim())
	}
	perm := make([]int, len(dims))
	seen := make([]bool, len(dims))
	for i, d := range dims {
		nd, err := normDim("permute", d, t.Dim(), t.shape)
		if err != nil {
			return nil, err
		}
		if seen[nd] {
			return nil, fmt.Errorf("permute: dimension %d repeats in %s, expected a permutation of 0..%d", nd, FormatShape(dims), t.Dim()-1)
		}
		seen[nd], perm[i] = true, nd
	}
	shape, strides := make([]int, len(perm)), make([]int, len(perm))
	inverse := make([]int, len(perm))
	for i, p := range perm {
		shape[i], strides[i], inverse[p] = t.shape[p], t.strides[p], i
	}
	out := t.viewOf(shape, strides, t.offset)
	record(out, "permute", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{must(g.Permute(inverse...))}
	})
	return out, nil
}

// Transpose swaps two dimensions, as a view.
func (t *Tensor) Transpose(d0, d1 int) (*Tensor, error) {
	a, err := normDim("transpose", d0, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	b, err := normDim("transpose", d1, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if t.Dim() == 0 {
		return t.Permute() // dims 0 and -1 of a 0-d tensor are the same one
	}
	perm := make([]int, t.Dim())
	for i := range perm {
		perm[i] = i
	}
	perm[a], perm[b] = b, a
	return t.Permute(perm...)
}

// Expand returns a view in which dimensions of size 1 are repeated to the
// given sizes without copying (their stride is 0). New leading dimensions
// may be added; -1 keeps a size.
func (t *Tensor) Expand(shape ...int) (*Tensor, error) {
	lead := len(shape) - t.Dim()
	if lead < 0 {
		return nil, fmt.Errorf("expand: target shape %s has fewer dimensions than the tensor's shape %s", FormatShape(shape), FormatShape(t.shape))
	}
	newShape, strides := make([]int, len(shape)), make([]int, len(shape))
	for i, n := range shape {
		if i < lead {
			if n < 0 {
				return nil, fmt.Errorf("expand: new leading dimension %d of %s must be ≥ 0", i, FormatShape(shape))
			}
			newShape[i] = n
			continue
		}
		old := t.shape[i-lead]
		switch {
		case n == -1 || n == old:
			newShape[i], strides[i] = old, t.strides[i-lead]
		case old == 1 && n >= 0:
			newShape[i] = n
		default:
			return nil, fmt.Errorf("expand: cannot expand shape %s to %s: dimension %d has size %d, expected 1 or %d", FormatShape(t.shape), FormatShape(shape), i, old, n)
		}
	}
	out := t.viewOf(newShape, strides, t.offset)
	// The gradient is g itself: Backward sums a gradient of a broadcast
	// shape down to the input's shape, which is exactly expand's backward.
	record(out, "expand", []*Tensor{t}, nil, func(g *Tensor) []*Tensor { return []*Tensor{g} })
	return out, nil
}

// Squeeze removes dimensions of size 1: the listed ones (those not of size
// 1 are left alone, as in PyTorch), or all of them when none is listed.
func (t *Tensor) Squeeze(dims ...int) (*Tensor, error) {
	drop := make([]bool, t.Dim())
	for i, n := range t.shape {
		drop[i] = len(dims) == 0 && n == 1
	}
	for _, d := range dims {
		nd, err := normDim("squeeze", d, t.Dim(), t.shape)
		if err != nil {
			return nil, err
		}
		if t.Dim() > 0 { // a 0-d tensor has nothing to squeeze
			drop[nd] = t.shape[nd] == 1
		}
	}
	var shape, strides []int
	for i := range t.shape {
		if !drop[i] {
			shape, strides = append(shape, t.shape[i]), append(strides, t.strides[i])
		}
	}
	return t.reshapedView("squeeze", shape, strides), nil
}

// Unsqueeze inserts a dimension of size 1 at position dim (from -Dim()-1
// to Dim()), as a view.
func (t *Tensor) Unsqueeze(dim int) (*Tensor, error) {
	d, err := normDim("unsqueeze", dim, t.Dim()+1, t.shape)
	if err != nil {
		return nil, err
	}
	stride := 1
	if d < t.Dim() {
		stride = t.strides[d] * t.shape[d]
	}
	shape := slices.Insert(slices.Clone(t.shape), d, 1)
	strides := slices.Insert(slices.Clone(t.strides), d, stride)
	return t.reshapedView("unsqueeze", shape, strides), nil
}

// reshapedView is a view that only adds or removes dimensions of size 1;
// its gradient is reshaped back.
func (t *Tensor) reshapedView(op string, shape, strides []int) *Tensor {
	out := t.viewOf(shape, strides, t.offset)
	record(out, op, []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{must(g.Reshape(t.shape...))}
	})
	return out
}

// Narrow returns the view of elements start ≤ i < start+length along dim.
// A negative start counts from the end, as in PyTorch: Narrow(0, -2, 2)
// is the last two.
func (t *Tensor) Narrow(dim, start, length int) (*Tensor, error) {
	if err := needDims("narrow", t); err != nil {
		return nil, err
	}
	d, err := normDim("narrow", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if n := t.shape[d]; start < 0 && start >= -n {
		start += n
	}
	if start < 0 || length < 0 || start+length > t.shape[d] {
		return nil, fmt.Errorf("narrow: start %d and length %d do not fit dimension %d of shape %s, expected 0 ≤ start ≤ start+length ≤ %d", start, length, d, FormatShape(t.shape), t.shape[d])
	}
	return t.Slice(d, start, start+length, 1)
}

// Slice returns the view of elements start, start+step, … before end along
// dim, like Python's t[..., start:end:step]. Negative start and end count
// from the end and are clamped to the dimension, as in Python; step must
// be positive.
func (t *Tensor) Slice(dim, start, end, step int) (*Tensor, error) {
	if err := needDims("slice", t); err != nil {
		return nil, err
	}
	d, err := normDim("slice", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if step <= 0 {
		return nil, fmt.Errorf("slice: step %d must be positive", step)
	}
	n := t.shape[d]
	start, end = clampIndex(start, n), clampIndex(end, n)
	length := 0
	if end > start {
		length = (end - start + step - 1) / step
	}
	sliceView := func(x *Tensor) *Tensor {
		shape, strides := slices.Clone(x.shape), slices.Clone(x.strides)
		shape[d], strides[d] = length, x.strides[d]*step
		return x.viewOf(shape, strides, x.offset+start*x.strides[d])
	}
	out := sliceView(t)
	record(out, "slice", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{viewGrad(g, t.shape, sliceView)}
	})
	return out, nil
}

// Select returns the view at position index along dim, with that
// dimension removed: t.Select(0, i) is row i, like t[i] in PyTorch.
// A negative index counts from the end.
func (t *Tensor) Select(dim, index int) (*Tensor, error) {
	if err := needDims("select", t); err != nil {
		return nil, err
	}
	d, err := normDim("select", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	n := t.shape[d]
	if n == 0 {
		return nil, fmt.Errorf("select: dimension %d of shape %s is empty, so it has no index %d", d, FormatShape(t.shape), index)
	}
	if index < -n || index >= n {
		return nil, fmt.Errorf("select: index %d is out of range for dimension %d of shape %s, expected %d to %d", index, d, FormatShape(t.shape), -n, n-1)
	}
	if index < 0 {
		index += n
	}
	selectView := func(x *Tensor) *Tensor {
		shape := slices.Delete(slices.Clone(x.shape), d, d+1)
		strides := slices.Delete(slices.Clone(x.strides), d, d+1)
		return x.viewOf(shape, strides, x.offset+index*x.strides[d])
	}
	out := selectView(t)
	record(out, "select", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{viewGrad(g, t.shape, selectView)}
	})
	return out, nil
}

// clampIndex turns a Python-style slice bound into a position in [0, n].
func clampIndex(i, n int) int {
	if i < 0 {
		i += n
	}
	return min(max(i, 0), n)
}

// viewGrad is the backward of any view that picks some elements of its
// input: a zero tensor of the input's shape receives g through the very
// same view, so each picked element gets its gradient and the rest get 0.
func viewGrad(g *Tensor, shape []int, view func(*Tensor) *Tensor) *Tensor {
	z := empty(shape)
	addInto(view(z), g)
	return z
}
