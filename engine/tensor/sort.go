package tensor

import (
	"fmt"
	"math"
	"slices"
)

// Sort and Topk find an order of each slice along a dimension, then
// Gather the values in that order, so that their gradient is Gather's:
// each value's gradient goes back to the position it came from. Indices
// are float tensors of whole numbers, like Argmax's.

// Sort orders each slice along dim, ascending or descending, and returns
// the sorted values and, for each, its index in the input. The sort is
// always stable (equal elements keep their order), which is one of the
// orders PyTorch may return and the one it returns with stable=true. NaN
// sorts above every number, as in PyTorch: last ascending, first
// descending.
func (t *Tensor) Sort(dim int, descending bool) (values, indices *Tensor, err error) {
	d, err := dimOrScalar("sort", dim, t)
	if err != nil {
		return nil, nil, err
	}
	return t.ordered("sort", d, -1, descending)
}

// Topk returns the k largest elements of each slice along dim (the k
// smallest when largest is false) in order, largest first (smallest
// first), and their indices. Among equal values the earlier index comes
// first. PyTorch's sorted=false leaves the order unspecified; this
// engine always returns them sorted, which is one such order.
func (t *Tensor) Topk(k, dim int, largest bool) (values, indices *Tensor, err error) {
	d, err := dimOrScalar("topk", dim, t)
	if err != nil {
		return nil, nil, err
	}
	n := 1
	if t.Dim() > 0 {
		n = t.shape[d]
	}
	if k < 0 || k > n {
		return nil, nil, fmt.Errorf("topk: k = %d is out of range for dimension %d of shape %s, expected 0 to %d", k, d, FormatShape(t.shape), n)
	}
	return t.ordered("topk", d, k, largest)
}

// ordered sorts every slice along d (descending when desc) and keeps the
// first k of each (all when k < 0); name is the op, for the observer.
func (t *Tensor) ordered(name string, d, k int, desc bool) (values, indices *Tensor, err error) {
	if t.Dim() == 0 {
		// One element is its own order; PyTorch returns it even for k = 0.
		one := must(t.Reshape(1))
		return must(must(one.Gather(0, must(Zeros(1)))).Reshape()), Scalar(0), nil
	}
	r := rowsAlong(t, d)
	if k < 0 {
		k = r.n
	}
	order := make([]int, r.n)
	idx := make([]float32, r.rows*k)
	r.each(func(i int, row []float32) {
		for j := range order {
			order[j] = j
		}
		slices.SortStableFunc(order, func(a, b int) int {
			if desc {
				return compareNaNHigh(row[b], row[a])
			}
			return compareNaNHigh(row[a], row[b])
		})
		for j := range k {
			idx[i*k+j] = float32(order[j])
		}
	})
	shape := slices.Clone(t.shape)
	shape[d] = k
	r.shape = shape // the indices have k elements along d
	indices = r.back(idx, false)
	values = must(t.Gather(d, indices))
	observe(name, []*Tensor{t}, nil, indices)
	return values, indices, nil
}

// compareNaNHigh orders float32s with NaN above everything (and equal to
// another NaN), as PyTorch's sort does.
func compareNaNHigh(a, b float32) int {
	an, bn := math.IsNaN(float64(a)), math.IsNaN(float64(b))
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
