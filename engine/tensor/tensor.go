package tensor

import (
	"fmt"
	"sync/atomic"
)

// Tensor is a float32 N-dimensional array: a view into a shared storage.
//
// The element at multi-index (i0, i1, …) lives at
// storage.data[offset + i0*strides[0] + i1*strides[1] + …]. A freshly made
// tensor is contiguous (row-major: the last dimension varies fastest);
// views such as Transpose or Expand share the storage with other strides.
type Tensor struct {
	st      *storage
	shape   []int
	strides []int
	offset  int
	view    bool // shares storage with the tensor it was made from

	// A view made while its base was outside the graph (no node) keeps
	// the base and the base's node at the time, so that staleView sees a
	// base that joined the graph later through an in-place op.
	base     *Tensor
	baseNode *node

	// Autograd state, see autograd.go.
	requiresGrad bool
	grad         *Tensor
	gradOwned    bool // grad's storage is backward's, for grad alone (ZeroGrad)
	node         *node
}

// storage is the flat buffer behind one or more tensors. version counts
// in-place modifications so that backward can detect a saved tensor that
// changed after it was saved. serial numbers storages in the order they
// were made, so that backward can tell a gradient it made itself.
type storage struct {
	data    []float32
	version int
	serial  uint64
	// pooled marks data as taken from the buffer pool (pool.go) for this
	// storage alone, so that it may go back once the storage is dead.
	pooled bool
	// heldByUser marks a storage that user code may still hold: a
	// gradient that a custom Function's Backward received or returned
	// (custom.go), a tensor handed to a cell's JavaScript or to a user's
	// module (MarkHeld, step.go). Neither backward (autograd.go's
	// releaseGradient) nor a step scope (step.go) gives its buffer back to
	// the pool.
	heldByUser bool
}

// storagesMade counts the storages made so far (fromData); atomic because
// tensors may be made on several goroutines (a data loader's workers).
var storagesMade atomic.Uint64

// New makes a tensor of the given shape that takes ownership of data.
// It returns an error when len(data) is not the product of the shape or a
// dimension is negative. A tensor with an empty shape is a scalar.
func New(data []float32, shape ...int) (*Tensor, error) {
	n, err := numel("tensor.New", shape)
	if err != nil {
		return nil, err
	}
	if len(data) != n {
		return nil, fmt.Errorf("tensor.New: %d values do not fill shape %s, which needs %d", len(data), FormatShape(shape), n)
	}
	return fromData(data, shape), nil
}

// Zeros makes a tensor of the given shape filled with zeros.
func Zeros(shape ...int) (*Tensor, error) {
	n, err := numel("tensor.Zeros", shape)
	if err != nil {
		return nil, err
	}
	return fromData(make([]float32, n), shape), nil
}

// Build makes a contiguous tensor of the given shape and has write set its
// elements, in row-major order: PyTorch's torch.empty followed by an op
// that writes its result into it. write must set every element, since a
// large buffer comes from the pool of reused buffers (pool.go) and holds
// an earlier tensor's values until then. It is how an op written outside
// this package (engine/quant's layers) makes its output in a pooled
// buffer, which nn.Sequential can give back (Recycle) once the next layer
// has read it, as it does for the engine's own ops. It returns an error,
// and does not call write, when a dimension is negative or the tensor
// would exceed the memory budget.
func Build(shape []int, write func(out []float32)) (*Tensor, error) {
	if _, err := checkedNumel("tensor.Build", shape); err != nil {
		return nil, err
	}
	t := uninitialized(shape)
	write(t.st.data)
	return t, nil
}

// Scalar makes a 0-dimensional tensor holding v.
func Scalar(v float32) *Tensor { return fromData([]float32{v}, nil) }

// fromData wraps data, whose length must match shape, in a contiguous tensor.
func fromData(data []float32, shape []int) *Tensor {
	shape = append([]int{}, shape...)
	t := &Tensor{st: &storage{data: data, serial: storagesMade.Add(1)}, shape: shape, strides: contiguousStrides(shape)}
	if observer != nil { // every new storage is made here: the profiler's Alloc hook
		observer.Alloc(t, data)
	}
	return t
}

// empty makes an uninitialised (zero-filled) contiguous tensor of a shape
// already known to be valid.
// Large buffers come from the pool of reused buffers (pool.go), cleared.
func empty(shape []int) *Tensor {
	t := uninitialized(shape)
	if t.st.pooled {
		clear(t.st.data)
	}
	return t
}

// uninitialized is empty without the clearing, for an op that writes every
// element of its result: a large buffer from the pool holds what its last
// user left in it.
func uninitialized(shape []int) *Tensor {
	n := allocSize(shape) // budget.go: panics with a *SizeError over the budget
	if n < poolMinFloats {
		return fromData(make([]float32, n), shape)
	}
	t := fromData(getScratch(n), shape)
	t.st.pooled = true
	return t
}

// numel returns the number of elements of a shape, or an error naming op
// when a dimension is negative or the storage is over the memory budget.
func numel(op string, shape []int) (int, error) {
	return checkedNumel(op, shape) // budget.go: also checks the memory budget
}

// contiguousStrides returns the row-major strides of a shape: the stride
// of a dimension is the product of the sizes after it, an empty size
// counting as 1, as in PyTorch ([2, 0, 3] has strides [3, 3, 1]): a stride
// of 0 would mark the dimension as expanded.
func contiguousStrides(shape []int) []int {
	strides := make([]int, len(shape))
	step := 1
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = step
		step *= max(shape[i], 1)
	}
	return strides
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append([]int(nil), t.shape...) }

// Strides returns a copy of the tensor's strides, in elements.
func (t *Tensor) Strides() []int { return append([]int(nil), t.strides...) }

// Dim returns the number of dimensions.
func (t *Tensor) Dim() int { return len(t.shape) }

// Numel returns the number of elements.
func (t *Tensor) Numel() int { return product(t.shape) }

// IsContiguous reports whether the elements are laid out in row-major
// order without gaps, so that the storage can be read as a flat slice.
func (t *Tensor) IsContiguous() bool {
	if t.Numel() == 0 {
		return true // no elements, no gaps: PyTorch says so too
	}
	step := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != step {
			return false
		}
		step *= t.shape[i]
	}
	return true
}

// SharesStorage reports whether t and u are views of the same storage.
func (t *Tensor) SharesStorage(u *Tensor) bool { return t.st == u.st }

// StorageID numbers the storage behind t, in the order storages are
// made: tensors that share their values (views such as a reshape, a
// transpose or a detach) have the same ID, and an ID is never given to
// another storage, so a tool can follow storages without holding on to
// them (engine/profile does). A tensor whose values were copied aside for
// an in-place op's backward has ID 0.
func (t *Tensor) StorageID() uint64 { return t.st.serial }

// StorageBytes returns the memory held by the values of ts: the bytes of
// each distinct storage behind them, counted once however many tensors
// view it (a reshape, a transpose, a detach), and whole even when a
// tensor views only part of it (a narrow view keeps its whole storage
// alive). Gradients, and graph nodes kept for backward, are not counted.
func StorageBytes(ts []*Tensor) int {
	seen := map[*storage]bool{}
	bytes := 0
	for _, t := range ts {
		if t == nil || seen[t.st] {
			continue
		}
		seen[t.st] = true
		bytes += 4 * len(t.st.data)
	}
	return bytes
}

// Version returns how many times the storage has been modified in place.
func (t *Tensor) Version() int { return t.st.version }

// Data returns a copy of the values in row-major (logical) order, also for
// views whose storage is laid out differently.
func (t *Tensor) Data() []float32 {
	v := t.values()
	return append(make([]float32, 0, len(v)), v...)
}

// values returns the elements in row-major order. For a contiguous tensor
// it is the storage itself (do not modify it); otherwise a fresh copy.
func (t *Tensor) values() []float32 {
	n := t.Numel()
	if n == 0 {
		return nil // an empty view's offset may lie past its storage's end
	}
	if t.IsContiguous() {
		return t.st.data[t.offset : t.offset+n]
	}
	// A strided view: copy it row by row (see walker.nextRow). An expanded
	// view may be far larger than its storage: allocSize checks the budget.
	out := make([]float32, allocSize(t.shape))
	if n == 0 {
		return out
	}
	it := newWalker(t.shape, t)
	last := len(t.shape) - 1
	inner, stride, data := t.shape[last], it.strides[0][last], t.st.data
	for i := 0; i < n; i += inner {
		off := it.off[0]
		for j := range out[i : i+inner] {
			out[i+j] = data[off]
			off += stride
		}
		it.nextRow()
	}
	return out
}

// Item returns the value of a tensor that has exactly one element.
func (t *Tensor) Item() (float32, error) {
	if t.Numel() != 1 {
		return 0, fmt.Errorf("tensor.Item: tensor of shape %s has %d elements, expected exactly 1", FormatShape(t.shape), t.Numel())
	}
	return t.st.data[t.offset], nil
}

// Clone returns a contiguous copy of t that does not share its storage.
// Gradients flow back through the copy to t.
func (t *Tensor) Clone() *Tensor {
	out := fromData(t.Data(), t.shape)
	record(out, "clone", []*Tensor{t}, nil, func(g *Tensor) []*Tensor { return []*Tensor{g} })
	return out
}

// Contiguous returns t itself when it is already contiguous, otherwise a
// contiguous copy, like PyTorch's contiguous().
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// product returns the number of elements of a valid shape.
func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// must unwraps the result of an op whose arguments the caller has already
// validated; an error here is a bug in this package, hence the panic.
func must(t *Tensor, err error) *Tensor {
	if _, tooLarge := err.(*SizeError); tooLarge {
		panic(err) // not a bug here: the result is over the memory budget (budget.go)
	}
	if err != nil {
		panic("tensor: internal error: " + err.Error())
	}
	return t
}
