package difftest

import (
	"math"
	"slices"
)

// negInf is an infinite lower clamp bound.
var negInf = math.Inf(-1)

// The pickers: one per calling pattern of the op table. Each chooses the
// inputs (live values or new leaves) and the arguments, deliberately
// including edge cases — negative and out-of-range dims, 0-d and empty
// inputs, windows larger than the input — that both sides must treat
// alike, by a result or by an error.

func pickUnary(g *gen) ([]int, Args, bool) { return []int{g.any()}, Args{}, true }

func pickScalar(g *gen) ([]int, Args, bool) {
	return []int{g.any()}, Args{Scalar: g.scalar()}, true
}

func pickExponent(g *gen) ([]int, Args, bool) {
	return []int{g.any()}, Args{Scalar: []float32{0, 1, 2, 3, 0.5, -1, -0.5, 2.5}[g.rng.IntN(8)]}, true
}

// clampBounds draws lo ≤ hi, sometimes infinite, sometimes lo > hi.
func (g *gen) clampBounds() (lo, hi float32) {
	b := []float32{-1, -0.5, 0, 0.5, 1, 2}
	lo, hi = b[g.rng.IntN(len(b))], b[g.rng.IntN(len(b))]
	if lo > hi && g.rng.Float64() < 0.8 {
		lo, hi = hi, lo
	}
	if g.rng.Float64() < 0.1 {
		lo = float32(negInf)
	}
	return lo, hi
}

func pickClamp(g *gen) ([]int, Args, bool) {
	lo, hi := g.clampBounds()
	return []int{g.any()}, Args{Lo: lo, Hi: hi}, true
}

func pickBinary(g *gen) ([]int, Args, bool) {
	a := g.any()
	b := g.partner(g.slots[a].shape, false)
	if g.rng.Float64() < 0.5 {
		a, b = b, a
	}
	return []int{a, b}, Args{}, true
}

func pickWhere(g *gen) ([]int, Args, bool) {
	c := g.any()
	s := g.slots[c].shape
	return []int{c, g.partner(s, false), g.partner(s, false)}, Args{}, true
}

func pickReduce(g *gen) ([]int, Args, bool) {
	a := g.any()
	return []int{a}, Args{Dims: g.dims(len(g.slots[a].shape)), Keepdim: g.rng.Float64() < 0.3}, true
}

func pickVar(g *gen) ([]int, Args, bool) {
	in, a, _ := pickReduce(g)
	a.Correction = []int{0, 1, 1, 2}[g.rng.IntN(4)]
	return in, a, true
}

func pickDim(g *gen) ([]int, Args, bool) {
	a := g.any()
	return []int{a}, Args{Dim: g.dim(len(g.slots[a].shape))}, true
}

func pickDimKeep(g *gen) ([]int, Args, bool) {
	in, a, _ := pickDim(g)
	a.Keepdim = g.rng.Float64() < 0.3
	return in, a, true
}

func pickUnsqueeze(g *gen) ([]int, Args, bool) {
	a := g.any()
	r := len(g.slots[a].shape) + 1
	return []int{a}, Args{Dim: g.rng.IntN(2*r) - r}, true
}

// pickReshape draws a new shape of the same size: the sizes regrouped,
// sometimes with a -1.
func pickReshape(g *gen) ([]int, Args, bool) {
	a := g.any()
	s := g.slots[a].shape
	n := numel(s)
	var shape []int
	switch {
	case n == 0:
		shape = append(shape, 0)
		for range g.rng.IntN(3) {
			shape = append(shape, 1+g.rng.IntN(3))
		}
		g.rng.Shuffle(len(shape), func(i, j int) { shape[i], shape[j] = shape[j], shape[i] })
	default:
		for m := n; m > 1; {
			f := divisor(m, g.rng.IntN(3))
			shape = append(shape, f)
			m /= f
		}
		if g.rng.Float64() < 0.3 {
			shape = append(shape, 1)
		}
		g.rng.Shuffle(len(shape), func(i, j int) { shape[i], shape[j] = shape[j], shape[i] })
		if len(shape) > 0 && g.rng.Float64() < 0.3 {
			shape[g.rng.IntN(len(shape))] = -1
		}
	}
	return []int{a}, Args{Shape: shape}, true
}

// divisor picks a divisor > 1 of m: the smallest (k = 0), m itself
// (k = 1), or one in between.
func divisor(m, k int) int {
	var ds []int
	for d := 2; d <= m; d++ {
		if m%d == 0 {
			ds = append(ds, d)
		}
	}
	switch k {
	case 0:
		return ds[0]
	case 1:
		return ds[len(ds)-1]
	}
	return ds[len(ds)/2]
}

func pickPermute(g *gen) ([]int, Args, bool) {
	a := g.any()
	return []int{a}, Args{Shape: g.rng.Perm(len(g.slots[a].shape))}, true
}

func pickTranspose(g *gen) ([]int, Args, bool) {
	a := g.any()
	r := len(g.slots[a].shape)
	return []int{a}, Args{D0: g.dim(r), D1: g.dim(r)}, true
}

func pickExpand(g *gen) ([]int, Args, bool) {
	a := g.any()
	var shape []int
	for range g.rng.IntN(3) {
		shape = append(shape, g.rng.IntN(4))
	}
	for _, d := range g.slots[a].shape {
		switch {
		case g.rng.Float64() < 0.2:
			shape = append(shape, -1)
		case d == 1:
			shape = append(shape, 1+g.rng.IntN(3))
		default:
			shape = append(shape, d)
		}
	}
	return []int{a}, Args{Shape: shape}, true
}

func pickFlatten(g *gen) ([]int, Args, bool) {
	a := g.any()
	r := len(g.slots[a].shape)
	s, e := g.dim(r), g.dim(r)
	if g.rng.Float64() < 0.8 && (s+r)%max(r, 1) > (e+r)%max(r, 1) {
		s, e = e, s
	}
	return []int{a}, Args{Start: s, End: e}, true
}

func pickNarrow(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[a].shape
	d := g.dim(len(s))
	n := s[(d+len(s))%len(s)]
	start := g.rng.IntN(n + 1)
	length := g.rng.IntN(n - start + 1)
	if g.rng.Float64() < 0.2 && start > 0 {
		start -= n // the same position, counted from the end
	}
	return []int{a}, Args{Dim: d, Start: start, Length: length}, true
}

func pickSlice(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[a].shape
	d := g.dim(len(s))
	n := s[(d+len(s))%len(s)]
	return []int{a}, Args{Dim: d, Start: g.rng.IntN(2*n+3) - n - 1, End: g.rng.IntN(2*n+3) - n - 1, Step: 1 + g.rng.IntN(3)}, true
}

func pickSelect(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[a].shape
	d := g.dim(len(s))
	n := s[(d+len(s))%len(s)]
	i := 0
	if n > 0 {
		i = g.rng.IntN(2*n) - n
	}
	return []int{a}, Args{Dim: d, Index: i}, true
}

func pickPad(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	r := len(g.slots[a].shape)
	pads := make([]int, 2*(1+g.rng.IntN(min(r, 3))))
	for i := range pads {
		pads[i] = g.rng.IntN(3)
		if g.rng.Float64() < 0.05 {
			pads[i] = -1
		}
	}
	return []int{a}, Args{Pads: pads, Scalar: g.scalar()}, true
}

func pickCat(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[a].shape
	d := g.dim(len(s))
	other := append([]int(nil), s...)
	other[(d+len(s))%len(s)] = g.rng.IntN(3)
	return []int{a, g.leaf(other, g.rng.Float64() < 0.6)}, Args{Dim: d}, true
}

func pickStack(g *gen) ([]int, Args, bool) {
	a := g.any()
	s := g.slots[a].shape
	b := g.anyOf(func(t []int) bool { return slices.Equal(s, t) }, func() []int { return s })
	r := len(s) + 1
	return []int{a, b}, Args{Dim: g.rng.IntN(2*r) - r}, true
}

func pickGather(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[a].shape
	d := g.dim(len(s))
	dd := (d + len(s)) % len(s)
	is := make([]int, len(s))
	for i := range is {
		if i == dd {
			is[i] = g.rng.IntN(4)
		} else {
			is[i] = g.rng.IntN(s[i] + 1)
		}
	}
	return []int{a, g.indexLeaf(is, s[dd])}, Args{Dim: d}, true
}

func pickIndexSelect(g *gen) ([]int, Args, bool) {
	a := g.any()
	s := g.slots[a].shape
	d := g.dim(len(s))
	n := 1
	if len(s) > 0 {
		n = s[(d+len(s))%len(s)]
	}
	return []int{a, g.indexLeaf([]int{g.rng.IntN(4)}, n)}, Args{Dim: d}, true
}

// pickMatmul pairs a value with a second operand of every rank that fits
// it: a vector, a matrix, or a batch that broadcasts with its batch.
func pickMatmul(g *gen) ([]int, Args, bool) {
	a := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[a].shape
	k := s[len(s)-1]
	var b []int
	switch g.rng.IntN(3) {
	case 0:
		b = []int{k}
	case 1:
		b = []int{k, g.size()}
	default:
		if len(s) > 2 {
			b = append(b, s[:len(s)-2]...)
			for i := range b {
				if g.rng.Float64() < 0.3 {
					b[i] = 1
				}
			}
		} else {
			b = append(b, g.size())
		}
		b = append(b, k, g.size())
	}
	in := []int{a, g.leaf(b, g.rng.Float64() < 0.7)}
	if g.rng.Float64() < 0.3 && len(s) >= 2 {
		in[0], in[1] = in[1], in[0] // b @ a: fits only when the sizes happen to, else both refuse
	}
	return in, Args{}, true
}

func pickLinear(g *gen) ([]int, Args, bool) {
	x := g.anyOf(ranked(1), g.shapeOfRank(1))
	s := g.slots[x].shape
	in, out := s[len(s)-1], g.rng.IntN(4)
	return []int{x, g.leaf([]int{out, in}, true), g.leaf([]int{out}, true)}, Args{}, true
}

func pickEmbedding(g *gen) ([]int, Args, bool) {
	num, dim := 1+g.rng.IntN(4), g.rng.IntN(4)
	shape := g.shape()
	if len(shape) > 2 {
		shape = shape[:2]
	}
	idx := g.indexLeaf(shape, num)
	return []int{idx, g.leaf([]int{num, dim}, true)}, Args{}, true
}

// pickWindow picks an image batch [N, C, H, W] (sometimes [C, H, W]) and
// a square window, sometimes larger than the padded input; with conv, a
// weight [O, C, k, k] and a bias [O].
func pickWindow(conv bool) picker {
	return func(g *gen) ([]int, Args, bool) {
		x := g.anyOf(func(s []int) bool { return len(s) == 4 }, func() []int {
			s := []int{1 + g.rng.IntN(2), 1 + g.rng.IntN(2), 1 + g.rng.IntN(6), 1 + g.rng.IntN(6)}
			if g.rng.Float64() < 0.1 {
				s = s[1:]
			}
			return s
		})
		a := Args{Kernel: 1 + g.rng.IntN(4), Stride: 1 + g.rng.IntN(3), Padding: g.rng.IntN(3), Dilation: 1 + g.rng.IntN(2)}
		if !conv {
			return []int{x}, a, true
		}
		s := g.slots[x].shape
		c := s[len(s)-3]
		o := 1 + g.rng.IntN(2)
		return []int{x, g.leaf([]int{o, c, a.Kernel, a.Kernel}, true), g.leaf([]int{o}, true)}, a, true
	}
}

// pickLossSame picks an input and a target of its shape: probabilities
// in [0, 1] with probs, else any values.
func pickLossSame(probs bool) picker {
	return func(g *gen) ([]int, Args, bool) {
		x := g.any()
		s := g.slots[x].shape
		var y int
		if probs {
			y = g.leafValues(g.probs(numel(s)), s, false)
		} else {
			y = g.leaf(s, g.rng.Float64() < 0.3)
		}
		return []int{x, y}, Args{Reduction: g.reduction()}, true
	}
}

// pickClassLoss picks scores [N, C], [C] or [N, C, H, W] and class
// indices of the shape without C.
func pickClassLoss(g *gen) ([]int, Args, bool) {
	x := g.anyOf(func(s []int) bool { return len(s) >= 1 && len(s) <= 2 || len(s) == 4 }, func() []int {
		if g.rng.Float64() < 0.3 {
			return []int{g.size()}
		}
		return []int{g.size(), g.size()}
	})
	s := g.slots[x].shape
	cdim := 0
	if len(s) > 1 {
		cdim = 1
	}
	ts := append(append([]int(nil), s[:cdim]...), s[cdim+1:]...)
	return []int{x, g.indexLeaf(ts, s[cdim])}, Args{Reduction: g.reduction()}, true
}

// inPlaceTarget picks the value an in-place op changes: mostly one made
// by an op (a leaf that requires grad must be refused by both sides).
func (g *gen) inPlaceTarget() int {
	c := g.live(nil)
	var made []int
	for _, i := range c {
		if !g.slots[i].leaf {
			made = append(made, i)
		}
	}
	if len(made) > 0 && g.rng.Float64() < 0.9 {
		return made[len(made)-1-g.rng.IntN(min(len(made), 3))]
	}
	return g.any()
}

func pickInPlaceBinary(g *gen) ([]int, Args, bool) {
	t := g.inPlaceTarget()
	return []int{t, g.partner(g.slots[t].shape, true)}, Args{}, true
}

func pickInPlaceScaled(g *gen) ([]int, Args, bool) {
	in, a, _ := pickInPlaceBinary(g)
	a.Scalar = g.scalar()
	return in, a, true
}

func pickInPlaceScalar(g *gen) ([]int, Args, bool) {
	return []int{g.inPlaceTarget()}, Args{Scalar: g.scalar()}, true
}

func pickInPlaceClamp(g *gen) ([]int, Args, bool) {
	lo, hi := g.clampBounds()
	return []int{g.inPlaceTarget()}, Args{Lo: lo, Hi: hi}, true
}

func pickInPlaceUnary(g *gen) ([]int, Args, bool) {
	return []int{g.inPlaceTarget()}, Args{}, true
}
