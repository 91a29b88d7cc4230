package tensor

import (
	"fmt"
	"slices"
)

// Rearranging ops, all compositions of the primitives: Flip is an
// IndexSelect with reversed indices, Roll a Cat of two Narrows, Repeat an
// Expand then a Reshape, Chunk and Split Narrow views. Their gradients
// follow from those of the primitives.

// Flip reverses the order of the elements along each of dims, torch.flip.
// It copies, as PyTorch's does (strides here are never negative, so a
// reversed view is not possible).
func (t *Tensor) Flip(dims ...int) (*Tensor, error) {
	if t.Dim() == 0 { // PyTorch accepts dim 0 or -1 of a 0-d tensor
		for _, d := range dims {
			if _, err := dimOrScalar("flip", d, t); err != nil {
				return nil, err
			}
		}
		return t.Clone(), nil
	}
	flip, err := normDims("flip", dims, t.shape)
	if err != nil {
		return nil, err
	}
	if dims == nil { // normDims reads nil as all; flip of no dims is a copy
		flip = make([]bool, t.Dim())
	}
	out := t
	for d, f := range flip {
		if !f {
			continue
		}
		n := t.shape[d]
		rev := make([]float32, n)
		for i := range rev {
			rev[i] = float32(n - 1 - i)
		}
		out = must(out.IndexSelect(d, fromData(rev, []int{n})))
	}
	if out == t {
		return t.Clone(), nil
	}
	return out, nil
}

// Roll shifts the elements along dims by shifts, wrapping around the end,
// torch.roll: Roll([]int{1}, []int{0}) of [1 2 3] is [3 1 2]. shifts and
// dims pair up and may be negative; with no dims (nil) the tensor is
// rolled as if flattened, then given its shape back. As in PyTorch a 0-d
// tensor rolls only without dims.
func (t *Tensor) Roll(shifts, dims []int) (*Tensor, error) {
	if len(dims) == 0 {
		if len(shifts) != 1 {
			return nil, fmt.Errorf("roll: %d shifts without dims, expected exactly one shift", len(shifts))
		}
		flat, err := must(t.Reshape(-1)).Roll(shifts, []int{0})
		if err != nil {
			return nil, err
		}
		return flat.Reshape(t.shape...)
	}
	if len(shifts) != len(dims) {
		return nil, fmt.Errorf("roll: %d shifts and %d dims, expected one shift per dimension", len(shifts), len(dims))
	}
	if t.Dim() == 0 { // PyTorch refuses dims here, but rolls a 0-d tensor without them
		return nil, fmt.Errorf("roll: dims %s given for a 0-d tensor, which has no dimensions", FormatShape(dims))
	}
	out := t
	for i, dim := range dims {
		d, err := normDim("roll", dim, t.Dim(), t.shape)
		if err != nil {
			return nil, err
		}
		if t.shape[d] == 0 {
			continue
		}
		n := t.shape[d]
		s := ((shifts[i] % n) + n) % n // in [0, n)
		if s == 0 {
			continue
		}
		// The last s elements move to the front.
		out = must(Cat([]*Tensor{must(out.Narrow(d, n-s, s)), must(out.Narrow(d, 0, n-s))}, d))
	}
	if out == t {
		return t.Clone(), nil
	}
	return out, nil
}

// Repeat tiles t, torch.Tensor.repeat: sizes gives the number of copies
// along each dimension, and may be longer than t's rank, which adds
// leading dimensions. [a b] repeated (2, 3) is 2 rows of a b a b a b. It
// is a view of t with a new dimension of size sizes[i] in front of each
// dimension i, expanded (stride 0) and then reshaped into a copy. It
// always copies, as PyTorch's does, even when every size is 1.
func (t *Tensor) Repeat(sizes ...int) (*Tensor, error) {
	if len(sizes) < t.Dim() {
		return nil, fmt.Errorf("repeat: sizes %s for a tensor of shape %s, expected at least one size per dimension (%d)", FormatShape(sizes), FormatShape(t.shape), t.Dim())
	}
	if len(sizes) > 0 && slices.Min(sizes) < 0 {
		return nil, fmt.Errorf("repeat: sizes %s must not be negative", FormatShape(sizes))
	}
	// Pad the shape with leading 1s to len(sizes), then interleave:
	// [1, s0, 1, s1, …] expanded to [r0, s0, r1, s1, …].
	shape := append(slices.Repeat([]int{1}, len(sizes)-t.Dim()), t.shape...)
	inter, expanded, final := []int{}, []int{}, []int{}
	for i, s := range shape {
		inter = append(inter, 1, s)
		expanded = append(expanded, sizes[i], s)
		final = append(final, sizes[i]*s)
	}
	x := must(t.Reshape(inter...))
	x = must(x.Expand(expanded...))
	out := must(x.Reshape(final...))
	if out.SharesStorage(t) { // all sizes 1: Reshape made a view, but repeat always copies
		return out.Clone(), nil
	}
	return out, nil
}

// Chunk splits t into chunks pieces along dim, torch.chunk: each piece
// has ceil(n / chunks) elements along dim, the last possibly fewer, so
// there may be fewer than chunks pieces. The pieces are views.
func (t *Tensor) Chunk(chunks, dim int) ([]*Tensor, error) {
	if err := needOneDim("chunk", t); err != nil {
		return nil, err
	}
	if chunks <= 0 {
		return nil, fmt.Errorf("chunk: %d chunks, expected at least 1", chunks)
	}
	d, err := normDim("chunk", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	n := t.shape[d]
	size := min(n, 1) // chunks ≥ n: pieces of one (or none); n + chunks could overflow
	if chunks < n {
		size = (n + chunks - 1) / chunks
	}
	if size == 0 { // an empty dimension: PyTorch returns chunks empty pieces
		if chunks > maxEmptyChunks {
			// One tensor per piece: a billion of them would exhaust memory.
			return nil, fmt.Errorf("chunk: %d chunks of the empty dimension %d of shape %s, expected at most %d", chunks, d, formatShape(t.shape), maxEmptyChunks)
		}
		return t.SplitSizes(slices.Repeat([]int{0}, chunks), d)
	}
	return t.Split(size, d)
}

// maxEmptyChunks bounds the pieces Chunk makes of an empty dimension,
// where each piece is a tensor of its own.
const maxEmptyChunks = 1 << 16

// Split cuts t into pieces of size elements along dim, torch.split with
// an int: the last piece holds what is left. The pieces are views.
func (t *Tensor) Split(size, dim int) ([]*Tensor, error) {
	if err := needOneDim("split", t); err != nil {
		return nil, err
	}
	d, err := normDim("split", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	if size <= 0 && t.shape[d] > 0 {
		return nil, fmt.Errorf("split: size %d, expected at least 1", size)
	}
	n := t.shape[d]
	if n == 0 {
		return []*Tensor{must(t.Narrow(d, 0, 0))}, nil
	}
	var sizes []int
	for start := 0; start < n; start += size {
		sizes = append(sizes, min(size, n-start))
	}
	return t.SplitSizes(sizes, d)
}

// needOneDim refuses a 0-d tensor for chunk and split, which cut along a
// dimension and, as in PyTorch, do not read a 0-d tensor as having one.
func needOneDim(op string, t *Tensor) error {
	if t.Dim() == 0 {
		return fmt.Errorf("%s: expects at least a 1-dimensional tensor, got a 0-d tensor", op)
	}
	return nil
}

// SplitSizes cuts t along dim into pieces of the given sizes, torch.split
// with a list; the sizes must add up to the length of dim.
func (t *Tensor) SplitSizes(sizes []int, dim int) ([]*Tensor, error) {
	if err := needOneDim("split", t); err != nil {
		return nil, err
	}
	d, err := normDim("split", dim, t.Dim(), t.shape)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, s := range sizes {
		if s < 0 {
			return nil, fmt.Errorf("split: sizes %s must not be negative", FormatShape(sizes))
		}
		total += s
	}
	if total != t.shape[d] {
		return nil, fmt.Errorf("split: sizes %s add up to %d, but dimension %d of shape %s has %d", FormatShape(sizes), total, d, FormatShape(t.shape), t.shape[d])
	}
	pieces := make([]*Tensor, len(sizes))
	start := 0
	for i, s := range sizes {
		pieces[i] = must(t.Narrow(d, start, s))
		start += s
	}
	return pieces, nil
}
