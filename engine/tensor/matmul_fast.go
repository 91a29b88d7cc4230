package tensor

import (
	"slices"

	"tinytorch/engine/kernels"
)

// The fast paths of the batched matrix product (the rule and its
// reference are in matmul.go): batches and transposed matrices are read
// in place as views instead of being copied, a matrix shared by the whole
// batch stays one matrix whose gradient the kernel accumulates, and every
// product runs on engine/kernels' fastest variant.

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

// batchedProduct writes a·b into out, a contiguous [B, n, m] or, to sum
// over the batch, [1, n, m], whatever out held before (it may come from
// uninitialized: the kernel overwrites it). a is [B or 1, n, k], b [B or
// 1, k, m]: a batch of 1 is reused for every batch element. Every product
// goes through matmulKernel.
func batchedProduct(out, a, b *Tensor) {
	nb, n, k, m := batchCount(a, b), a.shape[1], a.shape[2], b.shape[2]
	if n == 0 || m == 0 {
		return
	}
	if nb == 0 || k == 0 {
		// An empty batch, or an empty inner dimension, sums to zero. The
		// operands are not read: an empty view may point past the end of
		// its storage.
		clear(out.st.data)
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
