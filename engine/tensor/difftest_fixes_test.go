package tensor

import (
	"math"
	"strings"
	"testing"
)

// The reproducers of tools/difftest's findings (difftest-findings.md) on
// the core engine, with PyTorch 1.13's answers.

// TestDifftestRefusals checks inputs PyTorch refuses (or answers with
// uninitialised memory) get an error naming the op, not a panic or a
// silently changed tensor.
func TestDifftestRefusals(t *testing.T) {
	cases := []struct {
		name, want string
		run        func(t *testing.T) error
	}{
		// F1: torch returns a 0-d tensor of uninitialised memory.
		{"indexSelect of a 0-d tensor with an empty index", "indexSelect: a 0-d tensor takes an index of exactly one element, got shape [0]",
			func(t *testing.T) error {
				_, err := Scalar(1).IndexSelect(0, must(New([]float32{}, 0)))
				return err
			}},
		// N4: torch: "a view of a leaf Variable that requires grad is
		// being used in an in-place operation".
		{"copy_ into a squeeze view of a leaf", "copy_: tensor of shape [3] is a view",
			func(t *testing.T) error {
				x := param(t, []float32{2.03, 1.8, 0.27}, 3)
				_, err := must(x.Squeeze(0)).CopyInPlace(must(New([]float32{1.55}, 1)))
				wantData(t, "the leaf after the refused copy_", x, []int{3}, []float32{2.03, 1.8, 0.27})
				return err
			}},
		{"fill_ of a narrow view of a leaf", "fill_: tensor of shape [2] is a view",
			func(t *testing.T) error {
				x := param(t, []float32{1, 2, 3}, 3)
				_, err := must(x.Narrow(0, 1, 2)).FillInPlace(0)
				return err
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run(t)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestDifftestMaskCarriesNoGradient is N9: where's condition (and
// masked_fill's mask) is not differentiable, so a result computed from
// constants through a mask that requires grad does not require grad
// (torch: "element 0 of tensors does not require grad").
func TestDifftestMaskCarriesNoGradient(t *testing.T) {
	cond := param(t, []float32{1, 0, 0.5}, 3)
	a := must(New([]float32{0, -1.25, 0.88}, 3))
	cases := []struct {
		name string
		out  *Tensor
	}{
		{"where", must(Where(cond, a, a))},
		{"maskedFill", must(a.MaskedFill(cond, 0.5))},
	}
	for _, c := range cases {
		if c.out.RequiresGrad() {
			t.Errorf("%s: the result requires grad through its mask alone", c.name)
		}
	}
	// With a that requires grad, its gradient is g where the mask picks
	// it: torch.where(c != 0, a, 0).backward([1, 2, 3]) gives [1, 0, 3].
	ap := param(t, []float32{0, -1.25, 0.88}, 3)
	y := must(Where(cond, ap, Scalar(0)))
	if err := y.BackwardWith(BackwardOptions{Gradient: must(New([]float32{1, 2, 3}, 3))}); err != nil {
		t.Fatal(err)
	}
	wantData(t, "a.grad", ap.Grad(), []int{3}, []float32{1, 0, 3})
	if cond.Grad() != nil {
		t.Errorf("the condition got a gradient %v", cond.Grad().Data())
	}
}

// TestDifftestConvNoInputChannels is N11: conv2d with 0 input channels
// divided by zero. Every output is the bias (a sum over no inputs); torch
// 1.13 returns an empty [N, 0, Ho, Wo] there, which tools/difftest
// excludes as a quirk.
func TestDifftestConvNoInputChannels(t *testing.T) {
	cases := []struct {
		name  string
		bias  *Tensor
		shape []int
		want  []float32
	}{
		{"bias", must(New([]float32{0.5}, 1)), []int{2, 1, 1, 2}, []float32{0.5, 0.5, 0.5, 0.5}},
		{"no bias", nil, []int{2, 1, 1, 2}, []float32{0, 0, 0, 0}},
	}
	for _, c := range cases {
		x := must(New([]float32{}, 2, 0, 1, 3))
		w := must(New([]float32{}, 1, 0, 4, 4))
		out, err := x.Conv2d(w, c.bias, Window{Kernel: [2]int{4, 4}, Stride: [2]int{2, 2}, Padding: [2]int{2, 2}})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantData(t, c.name, out, c.shape, c.want)
	}
}

// TestDifftestReluGradAtNaN is F3: PyTorch's threshold_backward zeroes g
// where x ≤ 0, which is false at NaN, so the gradient passes there.
func TestDifftestReluGradAtNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, generic := range []bool{false, true} {
		prev := genericOnly
		genericOnly = generic
		x := param(t, []float32{-0.82, nan, 0.84, 0.54}, 2, 1, 2)
		if err := x.Relu().BackwardWith(BackwardOptions{Gradient: must(New([]float32{-2, -1.5, -1.5, -0.5}, 2, 1, 2))}); err != nil {
			t.Fatal(err)
		}
		genericOnly = prev
		wantData(t, "x.grad", x.Grad(), []int{2, 1, 2}, []float32{0, -1.5, -1.5, -0.5})
	}
}

// TestDifftestViewStrides is N2: PyTorch's view accepts a non-contiguous
// tensor when each new dimension splits or merges only dimensions laid
// out together, size-1 dimensions counting for nothing. Strides and
// values are torch's.
func TestDifftestViewStrides(t *testing.T) {
	seq := func(n int, shape ...int) *Tensor {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)
		}
		return must(New(v, shape...))
	}
	cases := []struct {
		name    string
		x       *Tensor
		shape   []int
		strides []int
		data    []float32
	}{
		{"permute with a size-1 dim", must(seq(12, 1, 2, 3, 2).Permute(1, 3, 0, 2)), []int{2, 2, 3}, []int{6, 1, 2},
			[]float32{0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11}},
		{"split a dim of a transpose", must(seq(24, 2, 3, 4).Transpose(0, 1)), []int{3, 2, 2, 2}, []int{4, 12, 2, 1},
			[]float32{0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23}},
		{"a narrowed column", must(seq(6, 2, 3).Narrow(1, 0, 1)), []int{1, 2, 1}, []int{6, 3, 1}, []float32{0, 3}},
		{"a transpose merged: refused", must(seq(24, 2, 3, 4).Transpose(0, 1)), []int{6, 4}, nil, nil},
	}
	for _, c := range cases {
		v, err := c.x.View(c.shape...)
		if c.strides == nil {
			if err == nil || !strings.Contains(err.Error(), "view: tensor of shape [3, 2, 4]") {
				t.Errorf("%s: error %v, want view's refusal", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !sameShape(v.strides, c.strides) || !v.view {
			t.Errorf("%s: strides %v (a view: %v), want %v", c.name, v.strides, v.view, c.strides)
		}
		wantData(t, c.name, v, c.shape, c.data)
	}
	// The gradient goes back through the view to the permuted leaf.
	x := param(t, []float32{1, 2, 3, 4, 5, 6}, 1, 2, 3)
	v := must(must(x.Permute(0, 2, 1)).View(3, 2))
	if err := must(v.Mul(must(New([]float32{1, 2, 3, 4, 5, 6}, 3, 2)))).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "x.grad", x.Grad(), []int{1, 2, 3}, []float32{1, 3, 5, 2, 4, 6})
}

// TestDifftestVarGrad is F5: var's gradient is PyTorch's var_backward,
// 2/(N - correction)·g·(x - mean), so an infinite element does not make
// every gradient NaN, and N - correction = 0 gives ±Inf. Values: torch.
func TestDifftestVarGrad(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	cases := []struct {
		name       string
		x          []float32
		shape      []int
		dims       []int
		correction int
		g          []float32
		gshape     []int
		want       []float32
	}{
		{"an infinite element", []float32{0, -0.5, -1, -0.5, 0, -0.5, -2, -inf, 0.5, -2, -1.5, 1.5}, []int{2, 2, 1, 3}, []int{1}, 1,
			[]float32{2, -2, 1, -2, -2, 2}, []int{2, 1, 1, 3},
			[]float32{1, 1, -0.5, -1, -1, 0.5, 0, nan, -2, 0, -inf, 2}},
		{"N - correction = 0", []float32{1, 3}, []int{2}, []int{0}, 2, []float32{1.5}, []int{}, []float32{-inf, inf}},
		{"N - correction = 0 at the mean", []float32{1}, []int{1}, []int{-1}, 1, []float32{-0.5}, []int{1}, []float32{nan}},
		{"N - correction < 0: not clamped", []float32{1, 2}, []int{2}, []int{0}, 3, []float32{-0.5}, []int{1}, []float32{-0.5, 0.5}},
		{"0-d, N - correction = 0", []float32{1}, []int{}, []int{-1}, 1, []float32{-0.5}, []int{}, []float32{-inf}},
		{"0-d, N - correction < 0", []float32{1}, []int{}, []int{-1}, 3, []float32{1}, []int{}, []float32{0}},
		{"0-d, correction 0", []float32{1}, []int{}, []int{-1}, 0, []float32{1}, []int{}, []float32{0}},
		{"finite", []float32{1, 2, 4}, []int{3}, []int{0}, 1, []float32{1.5}, []int{}, []float32{-2, -0.5, 2.5}},
	}
	for _, c := range cases {
		x := param(t, c.x, c.shape...)
		keep := len(c.gshape) == len(c.shape)
		v := must(x.Var(c.dims, c.correction, keep))
		if err := v.BackwardWith(BackwardOptions{Gradient: must(New(c.g, c.gshape...))}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantData(t, c.name, x.Grad(), c.shape, c.want)
	}
}

// TestDifftestCopyKeepsGraph: copy_ gives what t was computed from a zero
// gradient (torch: a = [1, 2]; z = (a·2).clone(); z.copy_(s) leaves
// a.grad = [0, 0], not None), and src the (summed) gradient.
func TestDifftestCopyKeepsGraph(t *testing.T) {
	a := param(t, []float32{1, 2}, 2)
	s := param(t, []float32{5}, 1)
	z := a.MulScalar(2).Clone()
	must(z.CopyInPlace(s))
	if err := must(z.Mul(must(New([]float32{1, 3}, 2)))).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	if a.Grad() == nil {
		t.Fatal("a.grad is nil, want zeros")
	}
	wantData(t, "a.grad", a.Grad(), []int{2}, []float32{0, 0})
	wantData(t, "s.grad", s.Grad(), []int{1}, []float32{4})
}

// TestDifftestZeroDerivativeGivesZeros: floor, round and sign give a zero
// gradient even where the incoming one is infinite (torch's zeros_like;
// g·0 would be NaN). floor(x).log1p() at floor(x) = -1 sends -Inf·g back.
func TestDifftestZeroDerivativeGivesZeros(t *testing.T) {
	ops := map[string]func(*Tensor) *Tensor{"floor": (*Tensor).Floor, "round": (*Tensor).Round, "sign": (*Tensor).Sign}
	for name, op := range ops {
		x := param(t, []float32{-1, 0.5}, 2)
		y := must(op(x).MulScalar(float32(math.Inf(1))).Mul(must(New([]float32{1, 1}, 2))))
		if err := y.BackwardWith(BackwardOptions{Gradient: must(New([]float32{1, -2}, 2))}); err != nil {
			t.Fatal(err)
		}
		wantData(t, name, x.Grad(), []int{2}, []float32{0, 0})
	}
}

// TestDifftestPowGradsUnderInfiniteGradient has PyTorch 1.13's gradients
// of a^b under an infinite incoming gradient (difftest seed 50058:
// exp(x^0.5) at x = +Inf). Only where the exponent is 0 does PyTorch set
// the base's gradient to 0 whatever comes in; elsewhere a zero derivative
// multiplies the gradient, so Inf·0 is NaN, as it is for the exponent's
// gradient where the base is 0.
func TestDifftestPowGradsUnderInfiniteGradient(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	a := param(t, []float32{0, 0, inf, 2, 0}, 5)
	b := param(t, []float32{2, 0, 0.5, 0, -1}, 5)
	y := must(a.Pow(b))
	wantData(t, "a^b", y, []int{5}, []float32{0, 1, inf, 1, inf})
	if err := y.BackwardWith(BackwardOptions{Gradient: must(New([]float32{inf, inf, inf, inf, inf}, 5))}); err != nil {
		t.Fatal(err)
	}
	wantData(t, "a.grad", a.Grad(), []int{5}, []float32{nan, 0, nan, 0, -inf})
	wantData(t, "b.grad", b.Grad(), []int{5}, []float32{nan, nan, inf, inf, -inf})
}

// TestDifftestActivationGradsAtNonfinite has PyTorch 1.13's values and
// gradients of silu and elu where the input or the incoming gradient is
// infinite or NaN (difftest seeds 2151 and 1469). silu's gradient is
// one product g·sigmoid(x)·(1 + x·(1 - sigmoid(x))), so an infinite g
// gives ±Inf, not the NaN of +Inf + -Inf from the chain rule through
// x·sigmoid(x); elu's backward tests x ≤ 0, so at NaN it passes g.
func TestDifftestActivationGradsAtNonfinite(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	cases := []struct {
		name             string
		f                func(*Tensor) *Tensor
		x, g, want, grad []float32
	}{
		{"silu", (*Tensor).Silu,
			[]float32{-2, -2, 0.5, 0, inf, -inf, nan, 3},
			[]float32{inf, 1, -inf, 1, 1, 1, 1, -1.5},
			[]float32{-0.23840583860874176, -0.23840583860874176, 0.3112296760082245, 0, inf, nan, nan, 2.857722520828247},
			[]float32{-inf, -0.09078425168991089, -inf, 0.5, nan, nan, nan, -1.6321560144424438}},
		{"elu alpha 1", func(x *Tensor) *Tensor { return x.Elu(1) },
			[]float32{nan, nan, -0.74, 0, 2, -inf, -inf},
			[]float32{2, inf, inf, 1, inf, 1, inf},
			[]float32{nan, nan, -0.5228860974311829, 0, 2, -1, -1},
			[]float32{2, inf, inf, 1, inf, 0, nan}},
		{"elu alpha -1", func(x *Tensor) *Tensor { return x.Elu(-1) },
			[]float32{nan, nan, -0.74, 0, 2, -inf, -inf},
			[]float32{2, inf, inf, 1, inf, 1, inf},
			[]float32{nan, nan, 0.5228860974311829, 0, 2, 1, 1},
			[]float32{2, inf, -inf, -1, inf, 0, nan}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(c.x)
			x := param(t, c.x, n)
			y := c.f(x)
			wantData(t, "y", y, []int{n}, c.want)
			if err := y.BackwardWith(BackwardOptions{Gradient: must(New(c.g, n))}); err != nil {
				t.Fatal(err)
			}
			wantData(t, "x.grad", x.Grad(), []int{n}, c.grad)
		})
	}
	// Seed 2151's program: silu(-2)/0 backward 1 gives -Inf.
	x := param(t, []float32{-2}, 1)
	if err := x.Silu().DivScalar(0).BackwardWith(BackwardOptions{Gradient: must(New([]float32{1}, 1))}); err != nil {
		t.Fatal(err)
	}
	wantData(t, "silu(-2)/0 x.grad", x.Grad(), []int{1}, []float32{-inf})
}

// TestSiluForwardIsMulOfSigmoid checks silu's table row gives the same
// bits as its former composition t·sigmoid(t) over a sweep of inputs.
func TestSiluForwardIsMulOfSigmoid(t *testing.T) {
	var xs []float32
	for v := float32(-120); v <= 120; v += 0.0137 {
		xs = append(xs, v)
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-30, -1e-30)
	x := must(New(xs, len(xs)))
	got, want := x.Silu().Data(), must(x.Mul(x.Sigmoid())).Data()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("silu(%v) = %v, t·sigmoid(t) = %v", xs[i], got[i], want[i])
		}
	}
}

// TestDifftestStdEqualValues (difftest seed 901384): the std of equal
// values is exactly 0, so its gradient is 0 (torch, whose Welford mean of
// equal values is exact). A mean computed as sum/N rounds away from the
// values (3·(-0.73)/3 ≠ -0.73 in float32), leaving a tiny std whose
// gradient was ±0.87.
func TestDifftestStdEqualValues(t *testing.T) {
	a, b := float32(-0.39)-float32(0.34), float32(0.55)-float32(0.34)
	cases := []struct {
		name       string
		x          []float32
		shape      []int
		dims       []int
		correction int
		g          []float32
		want       []float32
	}{
		{"seed 901384", []float32{a, b, a, b, a, b}, []int{3, 2}, []int{0}, 2, []float32{1.5, 0.5}, make([]float32, 6)},
		{"seven equal values", []float32{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, []int{7, 1}, []int{0}, 1, []float32{1}, make([]float32, 7)},
		{"unequal", []float32{1, 3}, []int{2, 1}, []int{0}, 0, []float32{1}, []float32{-0.5, 0.5}},
	}
	for _, c := range cases {
		x := param(t, c.x, c.shape...)
		s := must(x.Std(c.dims, c.correction, false))
		if err := s.BackwardWith(BackwardOptions{Gradient: must(New(c.g, len(c.g)))}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantData(t, c.name, x.Grad(), c.shape, c.want)
	}
}

// TestDifftestStaleConstantView (difftest seed 502246): a view taken from
// a tensor outside the graph, whose base then joins the graph through an
// in-place op with an operand that requires grad, would give that operand
// no gradient where PyTorch gives one through the view. Backward reports
// it instead, as for a view taken from a tensor in the graph (doc.go).
func TestDifftestStaleConstantView(t *testing.T) {
	cases := []struct {
		name  string
		view  func(x *Tensor) *Tensor
		stale bool
	}{
		{"reshape, then div_", func(x *Tensor) *Tensor { return must(x.Reshape(2, 1)) }, true},
		{"slice of a reshape", func(x *Tensor) *Tensor { return must(must(x.Reshape(2, 1)).Slice(0, 0, 1, 1)) }, true},
		{"view taken after", nil, false},
	}
	for _, c := range cases {
		x := must(New([]float32{1, 2}, 2)) // a constant
		w := param(t, []float32{2, 4}, 2)
		var v *Tensor
		if c.view != nil {
			v = c.view(x)
		}
		must(x.DivInPlace(w))
		if v == nil {
			v = must(x.Reshape(2, 1))
		}
		err := must(v.MulScalar(3).Sum(nil, false)).Backward()
		if c.stale {
			if err == nil || !strings.Contains(err.Error(), "take the view again") {
				t.Errorf("%s: error = %v, want the stale-view refusal", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// d(3·Σ x/w)/dw = -3x/w²
		wantData(t, c.name, w.Grad(), []int{2}, []float32{-0.75, -0.375})
	}
}

// TestDifftestSoftmaxShiftGrad (difftest seed 900199): softmax does not
// change when every input moves by c, so c's gradient is 0 up to
// rounding. With PyTorch's backward, y·(g - Σ g·y), it stays within a
// float32 ulp of 0 (torch: 7.45e-9); the exp/sum/div composition gave
// -8.2e-8.
func TestDifftestSoftmaxShiftGrad(t *testing.T) {
	cases := []struct {
		name string
		x, g []float32
	}{
		{"seed 900199", []float32{float32(-0.75 * (math.Exp(-0.5) - 1)), float32(-0.75 * (math.Exp(-2) - 1))}, []float32{1.5, 2}},
	}
	for _, c := range cases {
		shift := param(t, []float32{1.5})
		y := must(must(must(New(c.x, len(c.x))).Add(shift)).Softmax(0))
		if err := y.BackwardWith(BackwardOptions{Gradient: must(New(c.g, len(c.g)))}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := shift.Grad().Data()[0]; math.Abs(float64(got)) > 1.0/(1<<26) {
			t.Errorf("%s: shift gradient %g, want 0 within 2⁻²⁶ (torch 7.45e-9)", c.name, got)
		}
	}
}
