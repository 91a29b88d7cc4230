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
// Every case is reduced to one batched product of contiguous 3-D tensors,
// which calls the single kernel, matmulKernel.
func (t *Tensor) Matmul(u *Tensor) (*Tensor, error) {
	if t.Dim() == 0 || u.Dim() == 0 {
		return nil, fmt.Errorf("matmul: shapes %v and %v: both operands need at least 1 dimension", t.shape, u.shape)
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
		return nil, fmt.Errorf("matmul: shapes %v and %v cannot be multiplied: inner dimensions %d and %d differ (the first has %d columns, the second %d rows)", t.shape, u.shape, k, k2, k, k2)
	}
	batch, err := broadcastShapes("matmul", a.shape[:a.Dim()-2], b.shape[:b.Dim()-2])
	if err != nil {
		return nil, fmt.Errorf("matmul: shapes %v and %v: batch dimensions %v and %v do not broadcast", t.shape, u.shape, a.shape[:a.Dim()-2], b.shape[:b.Dim()-2])
	}
	nb := product(batch)
	a3 := must(must(a.Expand(slices.Concat(batch, []int{n, k})...)).Reshape(nb, n, k))
	b3 := must(must(b.Expand(slices.Concat(batch, []int{k, m})...)).Reshape(nb, k, m))
	outShape := slices.Concat(batch, []int{n, m})
	if t.Dim() == 1 {
		outShape = append(outShape[:len(outShape)-2], m)
	}
	if u.Dim() == 1 {
		outShape = outShape[:len(outShape)-1]
	}
	return bmm(a3, b3).Reshape(outShape...)
}

// bmm multiplies two batches of matrices, [B, n, k] × [B, k, m] → [B, n, m].
// It is the matmul primitive: for C = A·B the gradients are
// dA = dC·Bᵀ and dB = Aᵀ·dC, themselves batched products.
func bmm(a, b *Tensor) *Tensor {
	nb, n, k, m := a.shape[0], a.shape[1], a.shape[2], b.shape[2]
	av, bv := a.values(), b.values()
	out := empty([]int{nb, n, m})
	for i := range nb {
		matmulKernel(out.st.data[i*n*m:(i+1)*n*m], av[i*n*k:(i+1)*n*k], bv[i*k*m:(i+1)*k*m], n, k, m)
	}
	record(out, "matmul", []*Tensor{a, b}, []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		var da, db *Tensor
		if a.requiresGrad {
			da = bmm(g, must(b.Transpose(1, 2)))
		}
		if b.requiresGrad {
			db = bmm(must(a.Transpose(1, 2)), g)
		}
		return []*Tensor{da, db}
	})
	return out
}

// matmulKernel sets out (n×m) to a (n×k) times b (k×m), all row-major and
// contiguous. It is the engine's one call into engine/kernels, whose
// variants (naive, blocked, tiled, parallel, SIMD) a student can switch
// between with kernels.Use; every matrix product of the engine, forward
// and backward, passes through here.
func matmulKernel(out, a, b []float32, n, k, m int) {
	if n == 0 || m == 0 {
		return
	}
	kernels.Matmul(false, false, n, m, k, 1, a, max(k, 1), b, m, 0, out, m)
}
