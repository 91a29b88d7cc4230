package tensor

import (
	"fmt"
	"slices"
)

// Scans and products along one dimension: Cumsum, Prod and ProdAll. Both
// are primitives with their own backward, written over "rows": the input
// with the chosen dimension moved last and made contiguous, so that every
// slice along it is a run of values (see rowsAlong).

// Cumsum returns the running sum along dim, torch.cumsum: element i of
// each slice is the sum of elements 0..i. Sums accumulate in float64.
// The gradient of element j is the sum of g over i ≥ j: a running sum of
// g in reverse. A 0-d tensor is treated as one element along dim 0 (or
// -1), as in PyTorch.
func (t *Tensor) Cumsum(dim int) (*Tensor, error) {
	d, err := dimOrScalar("cumsum", dim, t)
	if err != nil {
		return nil, err
	}
	out := runningSum(t, d, false)
	record(out, "cumsum", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{runningSum(g, d, true)}
	})
	return out, nil
}

// runningSum is the forward of Cumsum (reverse false) and its backward
// (reverse true: from the end of each slice), without a graph.
func runningSum(t *Tensor, d int, reverse bool) *Tensor {
	r := rowsAlong(t, d)
	out := make([]float32, len(r.data))
	r.each(func(i int, row []float32) {
		dst := out[i*r.n : (i+1)*r.n]
		acc := 0.0
		for k := range row {
			j := k
			if reverse {
				j = r.n - 1 - k
			}
			acc += float64(row[j])
			dst[j] = float32(acc)
		}
	})
	return r.back(out, false)
}

// Prod returns the product of the elements along dim, torch.prod(dim,
// keepdim). The product of an empty slice is 1. The gradient of an
// element is g times the product of the other elements of its slice,
// computed from prefix and suffix products rather than as prod/x, so it
// is exact where the slice holds zeros (as in PyTorch): with one zero,
// only the zero's position gets a gradient; with two, none does. It is
// also finite beside an infinite element, where PyTorch's prod/x gives
// ∞/∞ = NaN: a deliberate difference (doc.go).
func (t *Tensor) Prod(dim int, keepdim bool) (*Tensor, error) {
	d, err := dimOrScalar("prod", dim, t)
	if err != nil {
		return nil, err
	}
	r := rowsAlong(t, d)
	prods := make([]float32, r.rows)
	r.each(func(i int, row []float32) {
		p := 1.0
		for _, v := range row {
			p *= float64(v)
		}
		prods[i] = float32(p)
	})
	kept := r.back(prods, true) // the product with dim kept as size 1
	out := kept
	if !keepdim && t.Dim() > 0 {
		out = must(kept.Squeeze(d))
		out = fromData(out.values(), out.shape) // a result, not a view
	}
	record(out, "prod", []*Tensor{t}, []*Tensor{t}, func(g *Tensor) []*Tensor {
		gk := must(must(g.Reshape(kept.shape...)).Expand(t.shape...))
		gr := rowsAlong(gk, d)
		grad := make([]float32, len(r.data))
		x := rowsAlong(t, d)
		x.each(func(i int, row []float32) {
			othersProducts(row, grad[i*r.n:(i+1)*r.n], gr.data[i*r.n:(i+1)*r.n])
		})
		return []*Tensor{x.back(grad, false)}
	})
	return out, nil
}

// othersProducts sets dst[j] = g[j] · Π_{k≠j} row[k], from a prefix
// product (before j) and a suffix product (after j), in float64.
func othersProducts(row, dst, g []float32) {
	prefix := 1.0
	for j, v := range row {
		dst[j] = float32(prefix)
		prefix *= float64(v)
	}
	suffix := 1.0
	for j := len(row) - 1; j >= 0; j-- {
		dst[j] = float32(float64(dst[j]) * suffix * float64(g[j]))
		suffix *= float64(row[j])
	}
}

// ProdAll returns the product of all elements as a 0-d tensor.
func (t *Tensor) ProdAll() *Tensor {
	return must(must(t.Reshape(-1)).Prod(0, false))
}

// dimOrScalar normalises dim for an op along one dimension. A 0-d tensor
// accepts dim 0 and -1, as in PyTorch, and is handled as one element.
func dimOrScalar(op string, dim int, t *Tensor) (int, error) {
	if t.Dim() == 0 {
		if dim != 0 && dim != -1 {
			return 0, fmt.Errorf("%s: dimension %d is out of range for a 0-d tensor, expected 0 or -1", op, dim)
		}
		return 0, nil
	}
	return normDim(op, dim, t.Dim(), t.shape)
}

// rows is a tensor's values with dimension d moved last, so that each
// slice along d is a contiguous run of n values: rows·n values in all.
type rows struct {
	data    []float32
	n, rows int
	shape   []int // t's shape
	perm    []int // the permutation that moved d last
	d       int
}

// rowsAlong lays out t's values (not its graph) as rows along d. A 0-d
// tensor is one row of one value.
func rowsAlong(t *Tensor, d int) rows {
	if t.Dim() == 0 {
		return rows{data: t.values(), n: 1, rows: 1}
	}
	perm := []int{}
	for i := range t.shape {
		if i != d {
			perm = append(perm, i)
		}
	}
	perm = append(perm, d)
	var data []float32
	NoGrad(func() { data = must(t.Detach().Permute(perm...)).values() })
	n := t.shape[d]
	r := rows{data: data, n: n, shape: slices.Clone(t.shape), perm: perm, d: d}
	// Count the slices from the shape, not from the values: a slice may
	// be empty (n = 0) and still need its product of 1.
	sliceShape := slices.Clone(t.shape)
	sliceShape[d] = 1
	r.rows = product(sliceShape)
	return r
}

// each calls fn with every row and its number.
func (r rows) each(fn func(i int, row []float32)) {
	for i := range r.rows {
		fn(i, r.data[i*r.n:(i+1)*r.n])
	}
}

// back turns row-laid-out values into a fresh contiguous tensor of the
// original layout: of t's shape, or, with one value per row (perRow), of
// t's shape with dimension d of size 1.
func (r rows) back(data []float32, perRow bool) *Tensor {
	if r.shape == nil { // a 0-d tensor
		return fromData(data, nil)
	}
	permShape := make([]int, len(r.perm))
	for i, p := range r.perm {
		permShape[i] = r.shape[p]
	}
	if perRow {
		permShape[len(permShape)-1] = 1
	}
	inv := make([]int, len(r.perm))
	for i, p := range r.perm {
		inv[p] = i
	}
	var out *Tensor
	NoGrad(func() { out = must(fromData(data, permShape).Permute(inv...)) })
	return fromData(out.values(), out.shape)
}
