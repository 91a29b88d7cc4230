package tensor

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Edge cases of the new ops that tools/difftest found, with PyTorch
// 1.13's answers; each failed before its fix.

// chunk and split refuse a 0-d tensor, as PyTorch does ("chunk expects
// at least a 1-dimensional tensor"); they panicked. roll refuses dims on
// a 0-d tensor ("Dimension specified as 0 but tensor has no dimensions")
// but rolls it without dims.
func TestNewOpsRefuseZeroD(t *testing.T) {
	x := Scalar(2)
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"chunk", func() error { _, err := x.Chunk(3, 0); return err }, "chunk: expects at least a 1-dimensional tensor"},
		{"split", func() error { _, err := x.Split(3, 0); return err }, "split: expects at least a 1-dimensional tensor"},
		{"split sizes", func() error { _, err := x.SplitSizes([]int{1}, -1); return err }, "split: expects at least a 1-dimensional tensor"},
		{"roll dim 0", func() error { _, err := x.Roll([]int{1}, []int{0}); return err }, "roll: dims [0] given for a 0-d tensor"},
		{"roll dim -1", func() error { _, err := x.Roll([]int{-2}, []int{-1}); return err }, "roll: dims [-1] given for a 0-d tensor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	r, err := x.Roll([]int{1}, nil)
	if err != nil || r.Dim() != 0 || r.values()[0] != 2 {
		t.Fatalf("roll of a 0-d tensor without dims = %v, %v; want 2", r, err)
	}
}

// repeat copies even when every size is 1: a later in-place change of
// the input does not show through (it returned a view).
func TestRepeatOnesCopies(t *testing.T) {
	for _, sizes := range [][]int{{1}, {1, 1}} {
		x := Scalar(0)
		r := must(x.Repeat(sizes...))
		must(x.AddScalarInPlace(2))
		if v := r.values()[0]; v != 0 {
			t.Fatalf("repeat%v after x += 2 holds %v, want 0", sizes, v)
		}
	}
}

// norm of a 0-d tensor over dim 0 or -1 is |x|, and the ±Inf-norm over
// an empty dimension is 0, as in torch.norm.
func TestNormEdges(t *testing.T) {
	x := Scalar(-2)
	for _, p := range []float64{math.Inf(1), math.Inf(-1), 2, 1, 0.5} {
		for _, d := range []int{0, -1} {
			n, err := x.Norm(p, []int{d}, false)
			if err != nil || n.Dim() != 0 || !close32(float64(n.values()[0]), 2) {
				t.Fatalf("norm(-2, p=%v, dim %d) = %v, %v; want 2", p, d, n, err)
			}
		}
	}
	e := must(Zeros(0, 3))
	for _, p := range []float64{math.Inf(1), math.Inf(-1)} {
		n, err := e.Norm(p, []int{0}, false)
		if err != nil || !slices.Equal(n.Shape(), []int{3}) || !slices.Equal(n.values(), []float32{0, 0, 0}) {
			t.Fatalf("norm of [0, 3] over dim 0, p=%v = %v, %v; want [0 0 0]", p, n, err)
		}
		all, err := e.Norm(p, nil, false)
		if err != nil || all.Dim() != 0 || all.values()[0] != 0 {
			t.Fatalf("norm of [0, 3], p=%v = %v, %v; want 0", p, all, err)
		}
	}
}

// sign, floor and round pass a gradient of zeros even where the incoming
// gradient is infinite or NaN, as PyTorch's zeros_like does; g·0 gave NaN.
func TestPiecewiseConstantGradIsZero(t *testing.T) {
	for name, f := range map[string]func(*Tensor) *Tensor{
		"sign": (*Tensor).Sign, "floor": (*Tensor).Floor, "round": (*Tensor).Round,
	} {
		x := must(New([]float32{0.3, 1.7, float32(math.NaN())}, 3))
		if err := x.SetRequiresGrad(true); err != nil {
			t.Fatal(err)
		}
		g := must(New([]float32{float32(math.Inf(1)), float32(math.NaN()), 1}, 3))
		if err := f(x).BackwardWith(BackwardOptions{Gradient: g}); err != nil {
			t.Fatal(err)
		}
		if got := x.Grad().values(); !slices.Equal(got, []float32{0, 0, 0}) {
			t.Fatalf("%s: gradient %v, want [0 0 0]", name, got)
		}
	}
}

// TestInfNormGradientAsTorch holds the gradient of Norm(±Inf) to PyTorch
// 1.13's values, signs of zero included: split over ties, and all zeros
// (not NaN) for a slice holding a NaN, whose norm is NaN (difftest seeds
// 8133059 and 8147933: the chain rule through Amax of Abs gave NaN to
// every element).
func TestInfNormGradientAsTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name  string
		x     []float32
		shape []int
		p     float64
		dims  []int
		g     float32
		want  []float32
	}{
		{"a tie", []float32{3, -3, 1}, []int{3}, math.Inf(1), nil, 1, []float32{0.5, -0.5, 0}},
		{"p = -Inf, a tie", []float32{-2, 0.5, -0.5, 3}, []int{4}, math.Inf(-1), nil, 1, []float32{negZero, 0.5, -0.5, 0}},
		{"a NaN", []float32{-1.5, 2, nan, 1, 1.5, -1.5}, []int{3, 2}, math.Inf(1), nil, -2,
			[]float32{0, negZero, negZero, negZero, negZero, 0}},
		{"a NaN and an Inf, keepdim", []float32{inf, nan, 1.27, -1.51, 0.63, -2.06, 0, -0.6}, []int{1, 4, 2, 1}, math.Inf(1), []int{-4, 2, 1}, -1,
			[]float32{negZero, negZero, negZero, 0, negZero, 0, negZero, 0}},
	}
	for _, c := range cases {
		x := param(t, c.x, c.shape...)
		n := must(x.Norm(c.p, c.dims, c.dims != nil))
		g := must(Full(c.g, n.Shape()...))
		must(nil, n.BackwardWith(BackwardOptions{Gradient: g}))
		for i, v := range x.Grad().Data() {
			if math.Float32bits(v) != math.Float32bits(c.want[i]) {
				t.Fatalf("%s: gradient %v, PyTorch gives %v", c.name, x.Grad().Data(), c.want)
			}
		}
	}
}

// TestPowScalarEdgesAsTorch holds x ** s to PyTorch 1.13's values at -0,
// ±0, ±Inf and a negative base, signs of zero included (read from
// python3-torch): exponents 0.5 and -0.5 go through sqrt there, forward
// and in the gradient s·x^(s-1) (so 1.5 too), where C's pow differs
// (difftest seed 8127591). Other exponents keep C's pow.
func TestPowScalarEdgesAsTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	x := []float32{negZero, -inf, 4, 0, inf, -4}
	cases := []struct {
		s          float32
		want, grad []float32
	}{
		{0.5, []float32{negZero, nan, 2, 0, inf, nan}, []float32{-inf, nan, 0.25, inf, 0, nan}},
		{-0.5, []float32{-inf, nan, 0.5, inf, 0, nan}, []float32{-inf, negZero, -0.0625, -inf, negZero, nan}},
		{1.5, []float32{0, inf, 8, 0, inf, nan}, []float32{negZero, nan, 3, 0, inf, nan}},
		{2, []float32{0, inf, 16, 0, inf, 16}, []float32{negZero, -inf, 8, 0, inf, -8}},
	}
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b) }
	for _, c := range cases {
		leaf := param(t, x, len(x))
		y := leaf.PowScalar(c.s)
		must(nil, y.BackwardWith(BackwardOptions{Gradient: OnesLike(y)}))
		for i := range x {
			if !same(y.Data()[i], c.want[i]) || !same(leaf.Grad().Data()[i], c.grad[i]) {
				t.Fatalf("x ** %v at %v: %v with gradient %v, PyTorch gives %v and %v",
					c.s, x[i], y.Data()[i], leaf.Grad().Data()[i], c.want[i], c.grad[i])
			}
		}
	}
}
