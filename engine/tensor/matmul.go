package tensor

import (
	"fmt"
	"slices"

	"tinytorch/engine/kernels"
)

// The rule of the matrix product. For a batch of matrices A [B, n, k] and
// B [B, k, m], each output element is a dot product, and each of its
// terms A[b,i,p]·B[b,p,j] sends the incoming gradient g = ∂L/∂C times the
// other factor to each factor:
//
//	C[b,i,j]  = Σ_p A[b,i,p] · B[b,p,j]    C  = A·B
//	dA[b,i,p] = Σ_j g[b,i,j] · B[b,p,j]    dA = g·Bᵀ
//	dB[b,p,j] = Σ_i A[b,i,p] · g[b,i,j]    dB = Aᵀ·g
//
// A matrix shared by the whole batch (a batch of 1, a weight) is used for
// every product, and its gradient is the sum over the batch.
//
// bmmReference and bmmReferenceGrad are these formulas as code, each
// product made by engine/kernels' "naive" variant, the definition of the
// matrix product as three loops summing left to right in float32. bmm
// runs them when the fast paths are off (genericOnly); the fast paths
// are in matmul_fast.go. With kernels.Use("naive") the fast paths give
// the same bits; with the default SIMD kernel, which sums in another
// order, the same values within 1e-5 of the largest
// (TestMatmulFastMatchesReference).

// naiveProduct is engine/kernels' naive variant, with the argument checks
// of kernels.Matmul.
var naiveProduct = lookupKernel("naive")

// lookupKernel returns the engine/kernels variant called name. It panics
// if there is none, a bug: the naive variant is always registered.
func lookupKernel(name string) kernels.Func {
	f, err := kernels.Lookup(name)
	if err != nil {
		panic(err)
	}
	return f
}

// bmmReference returns C = A·B for contiguous batches a [na, n, k] and
// b [nb, k, m], where a batch of 1 serves every product.
func bmmReference(a, b []float32, na, nb, n, k, m int) []float32 {
	batch := productCount(na, nb)
	c := make([]float32, batch*n*m)
	for i := range batch {
		ai, bi := min(i, na-1), min(i, nb-1)
		naiveProduct(false, false, n, m, k, 1, a[ai*n*k:], max(k, 1), b[bi*k*m:], max(m, 1), 0, c[i*n*m:], max(m, 1))
	}
	return c
}

// bmmReferenceGrad returns dA = g·Bᵀ and dB = Aᵀ·g for bmmReference's
// operands and the output gradient g [batch, n, m]. A shared matrix's
// gradient is summed over the batch in order (beta = 1 adds to it).
func bmmReferenceGrad(a, b, g []float32, na, nb, n, k, m int) (da, db []float32) {
	da, db = make([]float32, na*n*k), make([]float32, nb*k*m)
	for i := range productCount(na, nb) {
		ai, bi := min(i, na-1), min(i, nb-1)
		betaA, betaB := float32(0), float32(0) // overwrite, or add to a shared matrix's sum
		if na == 1 && i > 0 {
			betaA = 1
		}
		if nb == 1 && i > 0 {
			betaB = 1
		}
		naiveProduct(false, true, n, k, m, 1, g[i*n*m:], max(m, 1), b[bi*k*m:], max(m, 1), betaA, da[ai*n*k:], max(k, 1))
		naiveProduct(true, false, k, m, n, 1, a[ai*n*k:], max(k, 1), g[i*n*m:], max(m, 1), betaB, db[bi*k*m:], max(m, 1))
	}
	return da, db
}

// productCount is the number of products of a batched product of
// batches na and nb: the larger, as a batch of 1 is reused, or 0 when
// either is empty.
func productCount(na, nb int) int {
	if na == 0 || nb == 0 {
		return 0
	}
	return max(na, nb)
}

// bmmReferenceOp is bmm through the reference, recorded with its
// gradient: the engine's batched product when the fast paths are off.
// Like conv2dReferenceOp it saves both operands and computes both
// gradients, where the fast path keeps only what the needed ones read.
func bmmReferenceOp(a, b *Tensor) *Tensor {
	na, nb, n, k, m := a.shape[0], b.shape[0], a.shape[1], a.shape[2], b.shape[2]
	out := fromData(bmmReference(a.values(), b.values(), na, nb, n, k, m), []int{batchCount(a, b), n, m})
	record(out, "matmul", []*Tensor{a, b}, []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		da, db := bmmReferenceGrad(a.values(), b.values(), g.values(), na, nb, n, k, m)
		return []*Tensor{fromData(da, a.shape), fromData(db, b.shape)}
	})
	return out
}

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

// bmm multiplies two batches of matrices, [B, n, k] × [B, k, m] → [B, n, m];
// either operand may also be a single matrix [1, …] used for every batch
// element. It is the matmul primitive: for C = A·B the gradients are
// dA = dC·Bᵀ and dB = Aᵀ·dC, themselves batched products (summed over the
// batch for a single shared matrix).
func bmm(a, b *Tensor) *Tensor {
	if genericOnly {
		return bmmReferenceOp(a, b)
	}
	nb, n, m := batchCount(a, b), a.shape[1], b.shape[2]
	out := uninitialized([]int{nb, n, m}) // batchedProduct writes it all
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

// bmmGrad is one gradient of bmm, x·y, for an operand of the given shape:
// a batched product, or for a single shared matrix the sum of the
// products over the batch, accumulated by the kernel.
func bmmGrad(x, y *Tensor, shape []int) *Tensor {
	if shape[0] == max(x.shape[0], y.shape[0]) {
		return bmm(x, y)
	}
	out := uninitialized(shape)
	batchedProduct(out, x, y)
	observe("matmul", []*Tensor{x, y}, nil, out)
	return out
}

// batchCount is productCount for two batched operands: a shared matrix
// times an empty batch makes no product.
func batchCount(a, b *Tensor) int {
	return productCount(a.shape[0], b.shape[0])
}
