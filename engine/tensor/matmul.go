package tensor

import (
	"fmt"
	"slices"

	"tinytorch/engine/kernels"
)

// Matmul returns the matrix product of t and u with PyTorch's rules:
//
//   - two 1-D tensors give their dot product (a 0-d tensor);
//   - a 1-D first operand is treated as a row [1, k], a 1-D second operand
//     as a column [k, 1], and that dimension is removed from the result;
//   - two matrices [n, k] × [k, m] give [n, m];
//   - with more dimensions, the last two are the matrices and the leading
//     "batch" dimensions broadcast: [b, 1, n, k] × [c, k, m] → [b, c, n, m].
//
// Every case is reduced to one batched product of 3-D tensors, bmm, which
// calls the single kernel, matmulKernel.
func (t *Tensor) Matmul(u *Tensor) (*Tensor, error) {
	if t.Dim() == 0 || u.Dim() == 0 {
		return nil, fmt.Errorf("matmul: shapes %s and %s: both operands need at least 1 dimension", FormatShape(t.shape), FormatShape(u.shape))
	}
	a, b := t, u
	if t.Dim() == 1 {
		a = must(a.Unsqueeze(0))
	}
	if u.Dim() == 1 {
		b = must(b.Unsqueeze(1))
	}
	n, k := a.shape[a.Dim()-2], a.shape[a.Dim()-1]
	k2, m := b.shape[b.Dim()-2], b.shape[b.Dim()-1]
	if k != k2 {
		return nil, fmt.Errorf("matmul: shapes %s and %s cannot be multiplied: inner dimensions %d and %d differ (the first has %s, the second %s)", FormatShape(t.shape), FormatShape(u.shape), k, k2, countOf(k, "column"), countOf(k2, "row"))
	}
	batch, err := broadcastShapes("matmul", a.shape[:a.Dim()-2], b.shape[:b.Dim()-2])
	if err != nil {
		return nil, fmt.Errorf("matmul: shapes %s and %s: batch dimensions %s and %s do not broadcast", FormatShape(t.shape), FormatShape(u.shape), FormatShape(a.shape[:a.Dim()-2]), FormatShape(b.shape[:b.Dim()-2]))
	}
	nb := product(batch)
	a3 := batchOperand(a, batch, nb, n, k)
	b3 := batchOperand(b, batch, nb, k, m)
	outShape := slices.Concat(batch, []int{n, m})
	if t.Dim() == 1 {
		outShape = append(outShape[:len(outShape)-2], m)
	}
	if u.Dim() == 1 {
		outShape = outShape[:len(outShape)-1]
	}
	return must(bmm(a3, b3).Reshape(outShape...)).owned(), nil
}

// batchOperand turns an operand [..., r, c] into the 3-D form bmm takes,
// without copying whenever its layout allows:
//
//   - an operand with no batch elements of its own (a weight matrix
//     [r, c] times a batch) stays a single matrix [1, r, c]; bmm reuses it
//     for every batch element and sums its gradient over the batch,
//     instead of copying it nb times and summing nb gradient copies;
//   - otherwise it is expanded to the full batch and its batch dimensions
//     are merged into one, as a view when they have a common stride.
//
// The matrices themselves may be transposed views (Linear's Wᵀ): bmm
// hands the kernel their layout instead of a contiguous copy.
func batchOperand(x *Tensor, batch []int, nb, r, c int) *Tensor {
	if product(x.shape[:x.Dim()-2]) == 1 && nb != 1 {
		x = must(x.Expand(slices.Concat(make([]int, 0), x.shape[:x.Dim()-2], []int{r, c})...))
		return x.batchView(1, r, c)
	}
	x = must(x.Expand(slices.Concat(batch, []int{r, c})...))
	return x.batchView(nb, r, c)
}

// batchView reshapes x [b0, b1, …, r, c] to [nb, r, c], as a view when the
// batch dimensions can be read with one stride, otherwise (a rare layout)
// as Reshape's copy. Unlike Reshape it keeps a transposed matrix layout
// in the last two dimensions. Its gradient is reshaped back.
func (x *Tensor) batchView(nb, r, c int) *Tensor {
	lead := x.Dim() - 2
	// The merged dimension steps like the innermost batch dimension of
	// size > 1; each outer one must step over the whole of the one inside
	// it (stride 0 throughout for an expanded operand).
	stride, ok := 0, true
	inner := -1 // the batch dimension inside d, of size > 1
	for d := lead - 1; d >= 0; d-- {
		if x.shape[d] == 1 {
			continue
		}
		if inner < 0 {
			stride = x.strides[d]
		} else if x.strides[d] != x.strides[inner]*x.shape[inner] {
			ok = false
		}
		inner = d
	}
	if !ok {
		return must(x.Reshape(nb, r, c))
	}
	out := x.viewOf([]int{nb, r, c}, []int{stride, x.strides[lead], x.strides[lead+1]}, x.offset)
	record(out, "reshape", []*Tensor{x}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{g.unbatchView(x.shape)}
	})
	return out
}

// unbatchView is batchView's inverse, the gradient's way back: it splits
// the batch dimension of g [nb, r, c] into shape's batch dimensions as a
// view (splitting one dimension never needs a copy), keeping the matrix
// layout of g. A transposed gradient (see bmmGradLike) stays transposed,
// where Reshape would copy it.
func (g *Tensor) unbatchView(shape []int) *Tensor {
	lead := len(shape) - 2
	strides := make([]int, len(shape))
	strides[lead], strides[lead+1] = g.strides[1], g.strides[2]
	step := g.strides[0]
	for d := lead - 1; d >= 0; d-- {
		strides[d] = step
		step *= shape[d]
	}
	out := g.viewOf(slices.Clone(shape), strides, g.offset)
	record(out, "reshape", []*Tensor{g}, nil, func(h *Tensor) []*Tensor {
		return []*Tensor{h.batchView(g.shape[0], g.shape[1], g.shape[2])}
	})
	return out
}

// bmm multiplies two batches of matrices, [B, n, k] × [B, k, m] → [B, n, m];
// either operand may also be a single matrix [1, …] used for every batch
// element. It is the matmul primitive: for C = A·B the gradients are
// dA = dC·Bᵀ and dB = Aᵀ·dC, themselves batched products (summed over the
// batch for a single shared matrix).
func bmm(a, b *Tensor) *Tensor {
	nb, n, m := batchCount(a, b), a.shape[1], b.shape[2]
	out := empty([]int{nb, n, m})
	batchedProduct(out, a, b)
	// dA reads B and dB reads A: each operand is saved only for the
	// other's gradient (Linear's input x is saved for dW, W not at all
	// when x needs no gradient).
	needA, needB := a.requiresGrad, b.requiresGrad
	var saved []*Tensor
	if needB {
		saved = append(saved, a)
	}
	if needA {
		saved = append(saved, b)
	}
	record(out, "matmul", []*Tensor{a, b}, saved, func(g *Tensor) []*Tensor {
		var da, db *Tensor
		if needA {
			da = bmmGrad(g, must(b.Transpose(1, 2)), a.shape)
		}
		if needB {
			db = bmmGradLike(b, must(a.Transpose(1, 2)), g)
		}
		return []*Tensor{da, db}
	})
	return out
}

// bmmGradLike computes the gradient x·y of the operand b in b's own memory
// layout. When b is a transposed view (Linear's Wᵀ) the product is
// computed transposed, (x·y)ᵀ = yᵀ·xᵀ, into contiguous memory and handed
// back as a transposed view: the transpose's own backward then turns it
// into a contiguous gradient for W, where the straightforward product
// would leave W a transposed gradient to copy column by column.
func bmmGradLike(b, x, y *Tensor) *Tensor {
	if trans, _, _ := b.matrixLayout(); !trans || b.shape[1] == 1 || b.shape[2] == 1 {
		return bmmGrad(x, y, b.shape)
	}
	shapeT := []int{b.shape[0], b.shape[2], b.shape[1]}
	gt := bmmGrad(must(y.Transpose(1, 2)), must(x.Transpose(1, 2)), shapeT)
	return must(gt.Transpose(1, 2))
}

// bmmGrad is one gradient of bmm, x·y, for an operand of the given shape:
// a batched product, or for a single shared matrix the sum of the
// products over the batch, accumulated by the kernel.
func bmmGrad(x, y *Tensor, shape []int) *Tensor {
	if shape[0] == max(x.shape[0], y.shape[0]) {
		return bmm(x, y)
	}
	out := empty(shape)
	batchedProduct(out, x, y)
	observe("matmul", []*Tensor{x, y}, nil, out)
	return out
}

// batchedProduct writes a·b into out, a contiguous [B, n, m] or, to sum
// over the batch, [1, n, m]. a is [B or 1, n, k], b [B or 1, k, m]: a
// batch of 1 is reused for every batch element. Every product goes
// through matmulKernel.
func batchedProduct(out, a, b *Tensor) {
	nb, n, k, m := batchCount(a, b), a.shape[1], a.shape[2], b.shape[2]
	if n == 0 || m == 0 {
		return
	}
	if nb == 0 || k == 0 {
		// An empty batch, or an empty inner dimension, sums to zero (out
		// is already zeros). The operands are not read: an empty view may
		// point past the end of its storage.
		return
	}
	a, b = a.kernelReadable(), b.kernelReadable()
	for i := range nb {
		c := out.st.data[:n*m]
		accumulate := out.shape[0] == 1 && i > 0
		if out.shape[0] > 1 {
			c = out.st.data[i*n*m : (i+1)*n*m]
		}
		matmulKernel(c, a.matrix(i), b.matrix(i), n, k, m, accumulate)
	}
}

// batchCount is the number of products of a batched product: the larger
// batch, as a single matrix [1, …] is reused, but 0 when either batch is
// empty (a shared matrix times an empty batch makes no product).
func batchCount(a, b *Tensor) int {
	if a.shape[0] == 0 || b.shape[0] == 0 {
		return 0
	}
	return max(a.shape[0], b.shape[0])
}

// stridedMatrix is one matrix of a batch as the kernel reads it: the
// storage from its first element, its leading dimension and whether it is
// stored transposed (column by column).
type stridedMatrix struct {
	data  []float32
	ld    int
	trans bool
}

// matrixLayout reports how the kernel can read the matrices of a 3-D
// tensor [B, r, c] in place: row-major with rows ld apart, or transposed
// (a transpose view of a row-major matrix) with columns ld apart.
func (x *Tensor) matrixLayout() (trans bool, ld int, ok bool) {
	r, c := x.shape[1], x.shape[2]
	if r == 0 || c == 0 {
		return false, max(c, 1), true // nothing is read
	}
	rs, cs := x.strides[1], x.strides[2]
	if c == 1 {
		cs = 1 // a single column: its stride is never used
	}
	if r == 1 {
		rs = max(c, 1) // a single row: idem
	}
	switch {
	case cs == 1 && rs >= max(c, 1):
		return false, rs, true
	case rs == 1 && cs >= max(r, 1):
		return true, cs, true
	}
	return false, 0, false
}

// kernelReadable returns x itself when the kernel can read its matrices
// in place, otherwise a contiguous copy (outside the graph: the caller
// records the op on x).
func (x *Tensor) kernelReadable() *Tensor {
	if _, _, ok := x.matrixLayout(); ok {
		return x
	}
	return fromData(x.Data(), x.shape)
}

// matrix returns batch element i of a kernel-readable x (element 0 for a
// batch of 1).
func (x *Tensor) matrix(i int) stridedMatrix {
	trans, ld, _ := x.matrixLayout()
	off := x.offset
	if x.shape[0] > 1 {
		off += i * x.strides[0]
	}
	return stridedMatrix{x.st.data[off:], ld, trans}
}

// matmulKernel sets (or, accumulating, adds to) out (n×m, contiguous) the
// product a (n×k) times b (k×m). It is the engine's one call into
// engine/kernels, whose variants (naive, blocked, tiled, parallel, SIMD) a
// student can switch between with kernels.Use; every matrix product of
// the engine, forward and backward, passes through here. Transposed
// operands are passed as such (the kernel's transA and transB): the
// kernels pack their panels anyway, so reading a transposed matrix costs
// them nothing, while a contiguous copy would cost a pass over memory.
func matmulKernel(out []float32, a, b stridedMatrix, n, k, m int, accumulate bool) {
	if n == 0 || m == 0 {
		return
	}
	beta := float32(0)
	if accumulate {
		beta = 1
	}
	kernels.Matmul(a.trans, b.trans, n, m, k, 1, a.data, a.ld, b.data, b.ld, beta, out, m)
}
