package tensor

import (
	"fmt"
	"math"
	"slices"
)

// Reductions take a list of dimensions (negative counts from the end; nil
// means all of them) and keepdim: with keepdim the reduced dimensions stay
// as size 1, which makes the result broadcast against the input.
//
// Sum, Amax and Amin are primitives with their own backward, and so are
// Var and Softmax, which keep PyTorch's backward formulas for their
// rounding; Mean, Std, LogSumExp and LogSoftmax are compositions of
// primitives, so their gradients come for free.

// Sum adds the elements over dims.
func (t *Tensor) Sum(dims []int, keepdim bool) (*Tensor, error) {
	reduce, err := normDims("sum", dims, t.shape)
	if err != nil {
		return nil, err
	}
	out := t.reduce(reduce, keepdim, foldSum)
	// Every input element contributed once, so it gets the output's
	// gradient: broadcast g back over the reduced dimensions.
	record(out, "sum", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		return []*Tensor{expandBack(g, t.shape, reduce)}
	})
	return out, nil
}

// SumAll returns the sum of all elements as a 0-d tensor.
func (t *Tensor) SumAll() *Tensor { return must(t.Sum(nil, false)) }

// Amax returns the largest element over dims, PyTorch's amax: values
// only, over one or several dimensions (nil: all of them). On ties the
// gradient is split evenly. MaxDim also gives the positions.
func (t *Tensor) Amax(dims []int, keepdim bool) (*Tensor, error) {
	return t.extreme("amax", foldMax, dims, keepdim)
}

// Amin returns the smallest element over dims, PyTorch's amin. On ties
// the gradient is split evenly.
func (t *Tensor) Amin(dims []int, keepdim bool) (*Tensor, error) {
	return t.extreme("amin", foldMin, dims, keepdim)
}

// MaxDim is PyTorch's max(dim, keepdim): the largest element along one
// dimension and its index there (as a float tensor of whole numbers; the
// first index wins on ties). NaN counts as larger than everything, as in
// PyTorch: the first NaN wins. The gradient of values flows to that index
// alone, as in PyTorch, not split over ties as Amax does.
func (t *Tensor) MaxDim(dim int, keepdim bool) (values, indices *Tensor, err error) {
	return t.extremeDim("max", dim, keepdim, greaterOrNaN)
}

// MinDim is PyTorch's min(dim, keepdim): the smallest element along one
// dimension and its index there.
func (t *Tensor) MinDim(dim int, keepdim bool) (values, indices *Tensor, err error) {
	return t.extremeDim("min", dim, keepdim, lessOrNaN)
}

// extremeDim implements MaxDim and MinDim: find the indices, then gather
// the values at them, so that gather's backward routes the gradient.
func (t *Tensor) extremeDim(name string, dim int, keepdim bool, better func(a, b float32) bool) (values, indices *Tensor, err error) {
	idx, err := t.argReduce(name, dim, true, better)
	if err != nil {
		return nil, nil, err
	}
	d, _ := normDim(name, dim, len(t.shape), t.shape) // argReduce checked it
	if t.Dim() == 0 {
		return t.Clone(), idx, nil
	}
	values = must(t.Gather(d, idx))
	// The indices returned are a copy: gather saved idx for its backward,
	// and the caller may modify the indices in place.
	indices = fromData(idx.Data(), idx.shape)
	if keepdim {
		return values, indices, nil
	}
	return must(values.Squeeze(d)).owned(), must(indices.Squeeze(d)).owned(), nil
}

// extreme implements Amax and Amin. Backward sends g to the positions that
// hold the extreme value: mask = (x == y), divided by how many there are.
func (t *Tensor) extreme(name string, kind foldKind, dims []int, keepdim bool) (*Tensor, error) {
	reduce, err := normDims(name, dims, t.shape)
	if err != nil {
		return nil, err
	}
	for d, r := range reduce {
		if r && t.shape[d] == 0 {
			return nil, fmt.Errorf("%s: cannot reduce dimension %d of shape %s: it is empty", name, d, FormatShape(t.shape))
		}
	}
	out := t.reduce(reduce, keepdim, kind)
	record(out, name, []*Tensor{t}, []*Tensor{t, out}, func(g *Tensor) []*Tensor {
		y := expandBack(out, t.shape, reduce)
		mask := must(t.Eq(y))
		count := expandBack(must(mask.Sum(dims, true)), t.shape, reduce)
		return []*Tensor{must(must(mask.Div(count)).Mul(expandBack(g, t.shape, reduce)))}
	})
	return out, nil
}

// Mean averages the elements over dims.
func (t *Tensor) Mean(dims []int, keepdim bool) (*Tensor, error) {
	reduce, err := normDims("mean", dims, t.shape)
	if err != nil {
		return nil, err
	}
	return must(t.Sum(dims, keepdim)).DivScalar(float32(reducedCount(t.shape, reduce))), nil
}

// MeanAll returns the mean of all elements as a 0-d tensor.
func (t *Tensor) MeanAll() *Tensor { return must(t.Mean(nil, false)) }

// Var returns the variance over dims: the sum of squared deviations from
// the mean divided by N - correction. correction 1 is Bessel's unbiased
// estimate (PyTorch's default), 0 the population variance. As in PyTorch
// the divisor is never below 0: when N ≤ correction it is 0, so the
// variance of one value with correction 1 (or of none) is NaN. The
// gradient is PyTorch's, 2/(N - correction)·g·(x - mean).
func (t *Tensor) Var(dims []int, correction int, keepdim bool) (*Tensor, error) {
	reduce, err := normDims("var", dims, t.shape)
	if err != nil {
		return nil, err
	}
	dof := reducedCount(t.shape, reduce) - correction
	var out, d *Tensor
	NoGrad(func() {
		c := t.varShift(reduce).finiteOrZero()
		d = must(t.Sub(must(c.Add(must(must(t.Sub(c)).Mean(dims, true))))))
		out = must(must(d.Mul(d)).Sum(dims, keepdim)).DivScalar(float32(max(dof, 0)))
	})
	kept := slices.Clone(t.shape)
	for i, r := range reduce {
		if r {
			kept[i] = 1
		}
	}
	// PyTorch's (1.13) var_backward, 2/(N - correction)·g·(x - mean), in
	// its order: the mean's own term, zero in exact arithmetic, is left
	// out, so an infinite x makes its own gradient infinite (not every
	// one NaN); N - correction is not clamped here, so 0 gives ±Inf·0 =
	// NaN, except on a 0-d tensor, where PyTorch gives g·Inf. d is the
	// op's own copy, so t may change in place afterwards.
	record(out, "var", []*Tensor{t}, nil, func(g *Tensor) []*Tensor {
		gk := must(g.Reshape(kept...))
		if t.Dim() == 0 && dof == 0 {
			return []*Tensor{gk.MulScalar(float32(math.Inf(1)))}
		}
		return []*Tensor{must(gk.MulScalar(2 / float32(dof)).Mul(d))}
	})
	return out, nil
}

// varShift is the first element of each slice over the reduced dims
// (kept as size-1 dims), or the tensor itself when a reduced dim is
// empty. Var subtracts it (if finite) before taking the mean (the shifted-data
// algorithm): equal values then give deviations of exactly 0, as
// PyTorch's Welford pass does, where sum/N would round the mean away
// from the values and leave a tiny variance whose square root has a
// large, arbitrary gradient (difftest seed 901384).
func (t *Tensor) varShift(reduce []bool) *Tensor {
	c := t
	for i, r := range reduce {
		if r {
			if t.shape[i] == 0 {
				return t
			}
			c = must(c.Narrow(i, 0, 1))
		}
	}
	return c
}

// Std returns the standard deviation over dims, the square root of Var.
// Where it is 0 (all values equal) its gradient is 0, as in PyTorch,
// rather than the 0·∞ = NaN of the square root's slope there.
func (t *Tensor) Std(dims []int, correction int, keepdim bool) (*Tensor, error) {
	if _, err := normDims("std", dims, t.shape); err != nil {
		return nil, err
	}
	return must(t.Var(dims, correction, keepdim)).unary(stdSqrtOp), nil
}

// stdSqrtOp is the square root that ends Std: its slope 1/(2y) is taken
// as 0 where y = 0.
var stdSqrtOp = unaryOp{"sqrt", math.Sqrt, func(x, y float64) float64 {
	if y == 0 {
		return 0
	}
	return 0.5 / y
}, false, true}

// LogSumExp returns log(sum(exp(t))) over dims, computed stably: the
// maximum m is subtracted before exponentiating and added back after, so
// large inputs do not overflow. m is a constant here (detached): the
// result does not depend on it, so no gradient needs to flow through it.
// As in PyTorch, an infinite maximum is taken as 0 (so [Inf, 0] gives Inf
// and a slice of -Inf gives -Inf), and over an empty dimension the result
// is log 0 = -Inf.
func (t *Tensor) LogSumExp(dims []int, keepdim bool) (*Tensor, error) {
	reduce, err := normDims("logsumexp", dims, t.shape)
	if err != nil {
		return nil, err
	}
	m := t.shiftFor(reduce).finiteOrZero()
	out := must(must(must(t.Sub(m)).Exp().Sum(dims, true)).Log().Add(m))
	if keepdim {
		return out, nil
	}
	return must(out.Reshape(reducedShape(t.shape, reduce, false)...)).owned(), nil
}

// Softmax returns exp(t) / sum(exp(t)) along dim: each slice along dim
// becomes a probability distribution. The (detached) maximum is
// subtracted first so that exp cannot overflow; it cancels in the ratio.
// As in PyTorch, a slice holding +Inf (or only -Inf) becomes NaN, and an
// empty dimension gives an empty result. It saves its output for the
// backward pass, y·(g - Σ g·y), so, as in PyTorch, modifying the output
// in place before Backward is an error.
func (t *Tensor) Softmax(dim int) (*Tensor, error) {
	d, err := normDim("softmax", dim, len(t.shape), t.shape)
	if err != nil {
		return nil, err
	}
	var y *Tensor
	NoGrad(func() {
		e := must(t.Sub(t.shiftFor(dimMask(t.shape, d)))).Exp()
		y = must(e.Div(must(e.Sum([]int{dim}, true))))
	})
	// PyTorch's softmax_backward, y·(g - Σ g·y), in its order: a
	// composition of exp, sum and div rounds differently, and a gradient
	// that cancels to 0 (a shift of every input) came out an order of
	// magnitude further from 0 than torch's (difftest seed 900199).
	record(y, "softmax", []*Tensor{t}, []*Tensor{y}, func(g *Tensor) []*Tensor {
		return []*Tensor{must(y.Mul(must(g.Sub(must(must(g.Mul(y)).Sum([]int{dim}, true))))))}
	})
	return y, nil
}

// LogSoftmax returns log(softmax(t)) along dim, computed as
// (t - m) - log(sum(exp(t - m))) with m the (detached) maximum, which
// stays finite where softmax underflows to 0. As in PyTorch, a slice
// holding +Inf (or only -Inf) becomes NaN, and an empty dimension gives
// an empty result.
func (t *Tensor) LogSoftmax(dim int) (*Tensor, error) {
	d, err := normDim("logSoftmax", dim, len(t.shape), t.shape)
	if err != nil {
		return nil, err
	}
	shifted := must(t.Sub(t.shiftFor(dimMask(t.shape, d))))
	return shifted.Sub(must(shifted.Exp().Sum([]int{dim}, true)).Log())
}

// shiftFor returns the maximum of t over the dimensions marked in reduce,
// kept as size 1 and detached: what the stable softmax and logsumexp
// subtract before exponentiating. Over an empty dimension, which has no
// maximum, it is 0.
func (t *Tensor) shiftFor(reduce []bool) *Tensor {
	for d, r := range reduce {
		if r && t.shape[d] == 0 {
			return must(Zeros(reducedShape(t.shape, reduce, true)...))
		}
	}
	m := t.reduce(reduce, true, foldMax) // records no graph
	observe("amax", []*Tensor{t}, nil, m)
	return m
}

// dimMask marks dimension d of shape for a reduction (none for a 0-d
// shape, whose one wrapped dimension leaves the value as it is).
func dimMask(shape []int, d int) []bool {
	reduce := make([]bool, len(shape))
	if d < len(shape) {
		reduce[d] = true
	}
	return reduce
}

// Argmax returns the index of the largest element along dim, as a float
// tensor of whole numbers (PyTorch returns int64). The first index wins
// on ties; the first NaN wins over any number, as in PyTorch.
func (t *Tensor) Argmax(dim int, keepdim bool) (*Tensor, error) {
	return t.argReduce("argmax", dim, keepdim, greaterOrNaN)
}

// Argmin returns the index of the smallest element along dim, as a float
// tensor of whole numbers. The first index wins on ties.
func (t *Tensor) Argmin(dim int, keepdim bool) (*Tensor, error) {
	return t.argReduce("argmin", dim, keepdim, lessOrNaN)
}

// ArgmaxAll returns the position of the largest element in the flattened
// tensor, as a 0-d float tensor.
func (t *Tensor) ArgmaxAll() (*Tensor, error) {
	return must(t.Reshape(-1)).argReduce("argmax", 0, false, greaterOrNaN)
}

// ArgminAll returns the position of the smallest element in the flattened
// tensor, as a 0-d float tensor.
func (t *Tensor) ArgminAll() (*Tensor, error) {
	return must(t.Reshape(-1)).argReduce("argmin", 0, false, lessOrNaN)
}

// argReduce finds, for each slice along dim, the index of the element that
// beats all earlier ones under better.
func (t *Tensor) argReduce(name string, dim int, keepdim bool, better func(a, b float32) bool) (*Tensor, error) {
	d, err := normDim(name, dim, len(t.shape), t.shape)
	if err != nil {
		return nil, err
	}
	if t.Dim() == 0 { // the one value is at index 0, keepdim or not
		out := Scalar(0)
		observe(name, []*Tensor{t}, nil, out)
		return out, nil
	}
	if t.shape[d] == 0 {
		return nil, fmt.Errorf("%s: cannot reduce dimension %d of shape %s: it is empty", name, d, FormatShape(t.shape))
	}
	// Move dim last, keeping the others in order, so that every slice is
	// a contiguous run of the values.
	perm := []int{}
	for i := range t.shape {
		if i != d {
			perm = append(perm, i)
		}
	}
	x := must(t.Detach().Permute(append(perm, d)...)).values()
	n := t.shape[d]
	idx := make([]float32, len(x)/n)
	for i := range idx {
		row := x[i*n : (i+1)*n]
		best := 0
		for j, v := range row {
			if better(v, row[best]) {
				best = j
			}
		}
		idx[i] = float32(best)
	}
	outShape := append(append([]int{}, t.shape[:d]...), t.shape[d+1:]...)
	out := fromData(idx, outShape)
	observe(name, []*Tensor{t}, nil, out)
	if keepdim {
		return must(out.Unsqueeze(d)).owned(), nil
	}
	return out, nil
}

// foldKind is what a reduction folds its elements with: their sum, their
// maximum or their minimum. Naming it, rather than passing a function,
// lets reduce run each as a plain loop where the layout allows.
type foldKind int

const (
	foldSum foldKind = iota // acc + x, from 0
	foldMax                 // maxNaN, from -Inf
	foldMin                 // minNaN, from +Inf
)

// start is the value a reduction of this kind starts from.
func (k foldKind) start() float64 {
	switch k {
	case foldMax:
		return math.Inf(-1)
	case foldMin:
		return math.Inf(1)
	}
	return 0
}

// step is the fold itself, one element at a time: the rule every fast
// path of reduce must give the same bits as.
func (k foldKind) step() func(acc, x float64) float64 {
	switch k {
	case foldMax:
		return maxNaN
	case foldMin:
		return minNaN
	}
	return func(acc, x float64) float64 { return acc + x }
}

// reduce folds the elements of t over the dimensions marked in reduce
// with kind, accumulating in float64 for accuracy.
func (t *Tensor) reduce(reduce []bool, keepdim bool, kind foldKind) *Tensor {
	sum, init, fold := kind == foldSum, kind.start(), kind.step()
	kshape := reducedShape(t.shape, reduce, true)
	acc := make([]float64, product(kshape))
	for i := range acc {
		acc[i] = init
	}
	// Walk the input; the keepdim-shaped output broadcasts to it, so its
	// offset follows the kept dimensions and stays put along reduced ones.
	k := &Tensor{shape: kshape, strides: contiguousStrides(kshape)}
	if rows, cols, ok := t.leadingSum(reduce, sum); ok {
		sumLeading(acc, t.st.data[t.offset:t.offset+rows*cols], rows, cols)
	} else if n := t.Numel(); n > 0 && len(t.shape) > 0 {
		// One innermost row at a time (see binaryRows). Each accumulator
		// still receives its elements in the same order as an element by
		// element walk, so the result is the same to the bit.
		w := newWalker(t.shape, t, k)
		last := len(t.shape) - 1
		inner, sx, sk := t.shape[last], w.strides[0][last], w.strides[1][last]
		x := t.st.data
		for i := 0; i < n; i += inner {
			ox, ok := w.off[0], w.off[1]
			switch {
			case sk == 0 && sum && !genericOnly:
				// The row folds into one accumulator (a sum over the
				// last dimension): keep it in a register.
				a := acc[ok]
				for range inner {
					a += float64(x[ox])
					ox += sx
				}
				acc[ok] = a
			case sum && !genericOnly:
				// Each element has its own accumulator (a sum over
				// leading dimensions, like a bias gradient).
				for j := range acc[ok : ok+inner] {
					acc[ok+j] += float64(x[ox])
					ox += sx
				}
			case sk == 0 && sx == 1 && !sum && !genericOnly:
				// A contiguous row folds into one accumulator (the
				// softmax's shift): a plain loop, no call per element.
				acc[ok] = extremeRow(acc[ok], x[ox:ox+inner], kind == foldMax)
			default:
				for range inner {
					acc[ok] = fold(acc[ok], float64(x[ox]))
					ox += sx
					ok += sk
				}
			}
			w.nextRow()
		}
	} else if n > 0 { // a 0-d tensor
		acc[0] = fold(acc[0], float64(t.st.data[t.offset]))
	}
	data := make([]float32, len(acc))
	for i, v := range acc {
		data[i] = float32(v)
	}
	return fromData(data, reducedShape(t.shape, reduce, keepdim))
}

// leadingSum reports whether a reduction is a sum of a contiguous t over
// its leading dimensions only (a bias's gradient: [batch, features] summed
// over the batch), and if so how many rows of how many columns it sums.
func (t *Tensor) leadingSum(reduce []bool, sum bool) (rows, cols int, ok bool) {
	// An empty tensor sums to nothing, and an empty view's offset may lie
	// past its storage's end, so it is not sliced here.
	if !sum || genericOnly || len(reduce) < 2 || !reduce[0] || reduce[len(reduce)-1] || !t.IsContiguous() || t.Numel() == 0 {
		return 0, 0, false
	}
	lead := 0
	for lead < len(reduce) && reduce[lead] {
		lead++
	}
	for _, r := range reduce[lead:] {
		if r {
			return 0, 0, false // reduced dimensions after a kept one
		}
	}
	return product(t.shape[:lead]), product(t.shape[lead:]), true
}

// sumLeading adds the rows of x (rows×cols, row-major) into acc (cols),
// row after row, as the walk in reduce does: each column's sum adds its
// elements in the same order, so the bits are the same. The columns are
// split between goroutines, never a column's rows.
func sumLeading(acc []float64, x []float32, rows, cols int) {
	parallelSamples(cols, rows, func(lo, hi int) {
		part := acc[lo:hi]
		for i := range rows {
			row := x[i*cols+lo : i*cols+hi]
			row = row[:len(part)] // drop the bounds checks
			for j, v := range row {
				part[j] += float64(v)
			}
		}
	})
}

// reducedCount is the number of input elements folded into each output
// element: the product of the reduced dimensions.
func reducedCount(shape []int, reduce []bool) int {
	n := 1
	for d, r := range reduce {
		if r {
			n *= shape[d]
		}
	}
	return n
}

// reducedShape is shape with the reduced dimensions set to 1 (keepdim) or
// removed.
func reducedShape(shape []int, reduce []bool, keepdim bool) []int {
	out := []int{}
	for d, n := range shape {
		switch {
		case !reduce[d]:
			out = append(out, n)
		case keepdim:
			out = append(out, 1)
		}
	}
	return out
}

// expandBack turns a reduction's result (or its gradient), with or without
// kept dimensions, back into a view of the input's shape.
func expandBack(g *Tensor, shape []int, reduce []bool) *Tensor {
	g = must(g.Reshape(reducedShape(shape, reduce, true)...))
	return must(g.Expand(shape...))
}

// greaterOrNaN is the rule by which max, argmax and the pooling pick: a
// beats b when it is larger, or NaN where b is not (so the first NaN of a
// slice wins, and max of a slice with a NaN is NaN, as in PyTorch).
func greaterOrNaN(a, b float32) bool { return a > b || (a != a && b == b) }

// lessOrNaN is greaterOrNaN's counterpart for min and argmin.
func lessOrNaN(a, b float32) bool { return a < b || (a != a && b == b) }

// extremeRow folds row into acc as maxNaN (isMax) or minNaN would, element
// by element. Go's built-in max and min on float32 follow the same rules:
// NaN wins, +0 is above -0. acc is ±Inf or an earlier float32 element, and
// the extreme of float32 values is one of them, so working in float32
// gives the same bits as folding in float64.
func extremeRow(acc float64, row []float32, isMax bool) float64 {
	m := float32(acc)
	if isMax {
		for _, v := range row {
			m = max(m, v)
		}
	} else {
		for _, v := range row {
			m = min(m, v)
		}
	}
	return float64(m)
}

// maxNaN is math.Max that always propagates NaN; math.Max(NaN, +Inf)
// is +Inf, where PyTorch's max, amax and maximum give NaN.
func maxNaN(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	return math.Max(a, b)
}

// minNaN is math.Min that always propagates NaN.
func minNaN(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	return math.Min(a, b)
}

// finiteOrZero returns a detached copy with infinite values replaced by 0,
// so that subtracting a maximum of ±Inf (an all -Inf slice) gives no NaN.
func (t *Tensor) finiteOrZero() *Tensor {
	v := t.Data()
	for i, x := range v {
		if math.IsInf(float64(x), 0) {
			v[i] = 0
		}
	}
	return fromData(v, t.shape)
}
