package tensor

import (
	"strings"
	"testing"
)

// An in-place op makes a new version of its tensor: ops that read the
// tensor before keep the old version in their graph, as in PyTorch. The
// expected values are PyTorch 1.13's, for x = [1, 2] and w = [3, -4]
// (both leaves that require grad); a nil gradient is PyTorch's None.
func TestInPlaceKeepsEarlierUsersOnOldVersion(t *testing.T) {
	sum := func(a, b *Tensor) *Tensor { return must(a.Add(b)).SumAll() }
	prod := func(a, b *Tensor) *Tensor { return must(a.Mul(b)).SumAll() }
	cases := []struct {
		name   string
		twice  bool // backward twice, the first retaining the graph
		f      func(x, w *Tensor) *Tensor
		loss   float32
		gx, gw []float32
	}{
		{"add_: y=x*2; a=-y; y+=w; a.sum()", false, func(x, w *Tensor) *Tensor {
			y := x.MulScalar(2)
			a := y.Neg()
			must(y.AddInPlace(w))
			return a.SumAll()
		}, -6, []float32{-2, -2}, nil},
		{"mul_: y=x*2; a=y*3; y*=w; (a*y).sum()", false, func(x, w *Tensor) *Tensor {
			y := x.MulScalar(2)
			a := y.MulScalar(3)
			must(y.MulInPlace(w))
			return prod(a, y)
		}, -156, []float32{72, -192}, []float32{12, 48}},
		{"sub_: y=x*2; a=-y; y-=w; (a*y).sum()", false, func(x, w *Tensor) *Tensor {
			y := x.MulScalar(2)
			a := y.Neg()
			must(y.SubInPlace(w))
			return prod(a, y)
		}, -30, []float32{-2, -24}, []float32{2, 4}},
		{"div_: y=x*2; a=exp(y); y/=w; (a+y*y).sum()", false, func(x, w *Tensor) *Tensor {
			y := x.MulScalar(2)
			a := y.Exp()
			must(y.DivInPlace(w))
			return sum(a, must(y.Mul(y)))
		}, 63.43165, []float32{15.667002, 110.19630}, []float32{-0.2962963, 0.5}},
		{"clamp_: y=x*3; a=y+w; y.clamp_(0,4); (a*y).sum()", false, func(x, w *Tensor) *Tensor {
			y := x.MulScalar(3)
			a := must(y.Add(w))
			must(y.ClampInPlace(0, 4))
			return prod(a, y)
		}, 26, []float32{27, 12}, []float32{3, 4}},
		{"fill_: y=x*w; a=y*2; y.fill_(5); (a*y).sum()", false, func(x, w *Tensor) *Tensor {
			y := must(x.Mul(w))
			a := y.MulScalar(2)
			must(y.FillInPlace(5))
			return prod(a, y)
		}, -50, []float32{30, -40}, []float32{10, 20}},
		{"zero_: y=x+w; a=exp(y); y.zero_(); (a+y).sum()", false, func(x, w *Tensor) *Tensor {
			y := must(x.Add(w))
			a := y.Exp()
			must(y.ZeroInPlace())
			return sum(a, y)
		}, 54.733486, []float32{54.598152, 0.13533528}, []float32{54.598152, 0.13533528}},
		{"a leaf that feeds only the in-place op gets no gradient", false, func(x, w *Tensor) *Tensor {
			y := x.MulScalar(2)
			a := y.Exp()
			must(y.MulInPlace(w))
			return a.SumAll()
		}, 61.987209, []float32{14.778112, 109.19630}, nil},
		{"a chain of in-place ops, each version read by a later op", false, chainOfInPlace,
			-30.012794, []float32{95.778114, 22.196304}, []float32{23, 47}},
		{"the chain, backward twice with RetainGraph", true, chainOfInPlace,
			-30.012794, []float32{191.55623, 44.392609}, []float32{46, 94}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := param(t, []float32{1, 2}, 2)
			w := param(t, []float32{3, -4}, 2)
			loss := c.f(x, w)
			wantData(t, "loss", loss, nil, []float32{c.loss})
			if err := loss.BackwardWith(BackwardOptions{RetainGraph: c.twice}); err != nil {
				t.Fatal(err)
			}
			if c.twice {
				if err := loss.Backward(); err != nil {
					t.Fatal(err)
				}
			}
			wantGrad(t, "x", x, c.gx)
			wantGrad(t, "w", w, c.gw)
		})
	}
}

// chainOfInPlace modifies y four times; a, b and c each read a different
// version of it.
func chainOfInPlace(x, w *Tensor) *Tensor {
	y := x.MulScalar(2)
	a := y.Exp()
	must(y.MulInPlace(w))
	b := y.MulScalar(3)
	must(y.AddInPlace(x))
	must(y.MulScalarInPlace(3))
	c := y.MulScalar(2)
	must(y.SubInPlace(w))
	return must(must(must(a.Add(b)).Add(c)).Add(y)).SumAll()
}

// wantGrad checks a leaf's gradient; want nil means none (PyTorch's None).
func wantGrad(t *testing.T, name string, x *Tensor, want []float32) {
	t.Helper()
	if want == nil {
		if x.Grad() != nil {
			t.Errorf("%s.grad = %v, want none", name, x.Grad().Data())
		}
		return
	}
	if x.Grad() == nil {
		t.Fatalf("%s.grad is nil, want %v", name, want)
	}
	wantData(t, name+".grad", x.Grad(), x.Shape(), want)
}

// A view taken before its base was modified in place would read the new
// values through the old graph: backward refuses it (PyTorch rebuilds the
// view's graph instead), and a view taken after the in-place op works.
func TestInPlaceStaleViewIsRefused(t *testing.T) {
	x := param(t, []float32{1, 2}, 2)
	y := x.MulScalar(2)
	v := must(y.Select(0, 0))
	must(y.MulScalarInPlace(3))
	keep := BackwardOptions{RetainGraph: true}
	if err := v.BackwardWith(keep); err == nil || !strings.Contains(err.Error(), "view of shape [] was taken (by select) from a tensor of shape [2] that was then modified in place by mul") {
		t.Fatalf("error = %v", err)
	}
	// Used in a later op, the view's node carries the refusal to backward.
	if err := v.MulScalar(2).BackwardWith(keep); err == nil || !strings.Contains(err.Error(), "take the view again") {
		t.Fatalf("error = %v", err)
	}
	// Taken again after the in-place op, it follows the new version: 6.
	if err := must(y.Select(0, 0)).Backward(); err != nil {
		t.Fatal(err)
	}
	wantGrad(t, "x", x, []float32{6, 0})
}

// Two-operand ops save an operand only for the other one's gradient, and
// pow saves its output only for the exponent's: PyTorch runs these.
func TestInPlaceAfterOpsThatNeedNotSaveIt(t *testing.T) {
	cases := []struct {
		name string
		f    func(x *Tensor) *Tensor
		gx   []float32
	}{
		// y = x**2; y += 1: d/dx = 2x.
		{"pow by a constant", func(x *Tensor) *Tensor {
			y := x.PowScalar(2)
			must(y.AddScalarInPlace(1))
			return y.SumAll()
		}, []float32{2, 4}},
		// y = x*2; z = y*c; y += 1: mul needs c, not y, for y's gradient.
		{"mul by a constant", func(x *Tensor) *Tensor {
			y := x.MulScalar(2)
			z := must(y.Mul(must(New([]float32{5, 7}, 2))))
			must(y.AddScalarInPlace(1))
			return z.SumAll()
		}, []float32{10, 14}},
		// y = x*2; z = y/c; y *= 3.
		{"div by a constant", func(x *Tensor) *Tensor {
			y := x.MulScalar(2)
			z := must(y.Div(must(New([]float32{4, 8}, 2))))
			must(y.MulScalarInPlace(3))
			return z.SumAll()
		}, []float32{0.5, 0.25}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := param(t, []float32{1, 2}, 2)
			if err := c.f(x).Backward(); err != nil {
				t.Fatal(err)
			}
			wantGrad(t, "x", x, c.gx)
		})
	}
}

// A product saves each operand only for the other's gradient: with a
// constant input x and a weight w, x may not change (w's gradient reads
// it) but the output and w's transpose are free; with a constant w, x's
// gradient reads w alone. PyTorch behaves the same way.
func TestMatmulSavesOnlyWhatTheOtherGradientReads(t *testing.T) {
	w := param(t, []float32{1, 2, 3, 4}, 2, 2)
	x := must(New([]float32{1, 0, 0, 1}, 2, 2))
	y := must(w.Matmul(x))
	must(y.AddScalarInPlace(1)) // the output is no view and not saved
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantGrad(t, "w", w, []float32{1, 1, 1, 1})

	a := param(t, []float32{1, 2}, 1, 2)
	c := must(New([]float32{3, 4}, 2, 1))
	h := a.MulScalar(1)
	z := must(c.Matmul(h)) // [2, 1]·[1, 2]: saves c only
	must(h.MulScalarInPlace(5))
	if err := z.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantGrad(t, "a", a, []float32{7, 7})
}

// A convolution with a constant weight does not save its input: the
// input may then be modified in place, as in PyTorch.
func TestConvSavesInputOnlyForWeightGradient(t *testing.T) {
	leaf := param(t, []float32{1, 2, 3, 4}, 1, 1, 2, 2)
	x := leaf.MulScalar(1)
	weight := must(New([]float32{1, 10}, 1, 1, 1, 2))
	y := must(x.Conv2d(weight, nil, Window{Kernel: [2]int{1, 2}}))
	must(x.MulScalarInPlace(3))
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantGrad(t, "leaf", leaf, []float32{1, 10, 1, 10})
}
