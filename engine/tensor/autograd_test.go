package tensor

import (
	"strings"
	"testing"
)

func TestBackwardSimple(t *testing.T) {
	x := param(t, []float32{1, 2, 3}, 3)
	y := must(x.Mul(x)) // x²
	loss := y.SumAll()  // Σx²
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", x.Grad(), []int{3}, []float32{2, 4, 6})
}

func TestDiamond(t *testing.T) {
	// a → b = 2a, c = a², d = b·c = 2a³ → dd/da = 6a².
	a := param(t, []float32{3}, 1)
	b := a.MulScalar(2)
	c := must(a.Mul(a))
	d := must(b.Mul(c)).SumAll()
	if err := d.Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", a.Grad(), []int{1}, []float32{54})
}

func TestValueUsedManyTimes(t *testing.T) {
	x := param(t, []float32{1.5}, 1)
	sum := x
	for range 99 {
		sum = must(sum.Add(x))
	}
	if err := sum.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", x.Grad(), []int{1}, []float32{100})
}

func TestDeepChain(t *testing.T) {
	x := param(t, []float32{1}, 1)
	y := x
	for range 10000 {
		y = y.MulScalar(1).AddScalar(0)
	}
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad", x.Grad(), []int{1}, []float32{1})
}

func TestGradAccumulatesUntilZeroGrad(t *testing.T) {
	x := param(t, []float32{1, 2}, 2)
	for range 3 {
		if err := x.MulScalar(2).SumAll().Backward(); err != nil {
			t.Fatal(err)
		}
	}
	wantData(t, "accumulated", x.Grad(), []int{2}, []float32{6, 6})
	x.ZeroGrad()
	if x.Grad() != nil {
		t.Fatal("grad not cleared")
	}
}

func TestBroadcastGradReduced(t *testing.T) {
	a := param(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := param(t, []float32{10, 20, 30}, 3)
	c := param(t, []float32{2}, 1, 1)
	y := must(must(a.Mul(b)).Mul(c)).SumAll()
	if err := y.Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "da", a.Grad(), []int{2, 3}, []float32{20, 40, 60, 20, 40, 60})
	wantData(t, "db", b.Grad(), []int{3}, []float32{10, 14, 18})
	wantData(t, "dc", c.Grad(), []int{1, 1}, []float32{1*10 + 2*20 + 3*30 + 4*10 + 5*20 + 6*30})
}

func TestNoGradAndDetach(t *testing.T) {
	x := param(t, []float32{1}, 1)
	var y *Tensor
	NoGrad(func() { y = x.MulScalar(3) })
	if y.RequiresGrad() || y.GradFn() != "" {
		t.Fatal("op inside NoGrad recorded a graph")
	}
	d := x.Detach()
	if d.RequiresGrad() || !d.SharesStorage(x) {
		t.Fatal("Detach must share storage and drop the graph")
	}
	if !GradEnabled() {
		t.Fatal("grad mode not restored")
	}
	z := x.MulScalar(2)
	if !z.RequiresGrad() || z.GradFn() != "mul" || z.IsLeaf() {
		t.Fatalf("requiresGrad did not propagate: %v %q", z.RequiresGrad(), z.GradFn())
	}
}

func TestBackwardErrors(t *testing.T) {
	x := param(t, []float32{1, 2, 3}, 3)
	y := x.MulScalar(2)
	if err := y.Backward(); err == nil || !strings.Contains(err.Error(), "backward: tensor of shape [3] is not a scalar; pass a gradient") {
		t.Fatalf("error = %v", err)
	}
	g := must(Ones(2))
	if err := y.BackwardWith(BackwardOptions{Gradient: g}); err == nil || !strings.Contains(err.Error(), "gradient of shape [2] does not match tensor of shape [3]") {
		t.Fatalf("error = %v", err)
	}
	c := must(Ones(1))
	if err := c.Backward(); err == nil || !strings.Contains(err.Error(), "does not require grad") {
		t.Fatalf("error = %v", err)
	}
	if err := y.SetRequiresGrad(false); err == nil || !strings.Contains(err.Error(), "only leaf tensors") {
		t.Fatalf("error = %v", err)
	}
}

func TestBackwardWithGradient(t *testing.T) {
	x := param(t, []float32{1, 2, 3}, 3)
	y := x.Exp()
	g := must(New([]float32{1, 0, 2}, 3))
	if err := y.BackwardWith(BackwardOptions{Gradient: g}); err != nil {
		t.Fatal(err)
	}
	e := x.Detach().Exp().Data()
	wantData(t, "grad", x.Grad(), []int{3}, []float32{e[0], 0, 2 * e[2]})
}

func TestRetainGraph(t *testing.T) {
	x := param(t, []float32{2}, 1)
	y := must(x.Mul(x)).SumAll()
	if err := y.BackwardWith(BackwardOptions{RetainGraph: true}); err != nil {
		t.Fatal(err)
	}
	if err := y.Backward(); err != nil {
		t.Fatalf("second backward with retained graph: %v", err)
	}
	wantData(t, "grad", x.Grad(), []int{1}, []float32{8})
	err := y.Backward()
	if err == nil || !strings.Contains(err.Error(), "already released") || !strings.Contains(err.Error(), "RetainGraph") {
		t.Fatalf("third backward error = %v", err)
	}
}

func TestPrintShowsAutograd(t *testing.T) {
	x := param(t, []float32{1, 2}, 2)
	if got := x.String(); got != "tensor([1., 2.], requires_grad=True)" {
		t.Errorf("leaf: %s", got)
	}
	if got := x.SumAll().String(); got != "tensor(3., grad_fn=<SumBackward>)" {
		t.Errorf("result: %s", got)
	}
}

// TestLeafGradientsNeverShareMemory: a leaf may take a gradient made
// during backward as its Grad without a copy, but never one that another
// leaf also receives, nor the caller's gradient.
func TestLeafGradientsNeverShareMemory(t *testing.T) {
	a, b := param(t, []float32{1, 2}, 2), param(t, []float32{3, 4}, 2)
	if err := must(a.Add(b)).MulScalar(3).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	must(a.Grad().MulScalarInPlace(10)) // as a gradient clip would
	wantData(t, "a.grad", a.Grad(), []int{2}, []float32{30, 30})
	wantData(t, "b.grad", b.Grad(), []int{2}, []float32{3, 3})

	x := param(t, []float32{1, 2, 3, 4}, 4)
	g := must(New([]float32{1, 1, 1, 1}, 2, 2))
	if err := must(x.Reshape(2, 2)).BackwardWith(BackwardOptions{Gradient: g}); err != nil {
		t.Fatal(err)
	}
	must(g.FillInPlace(7))
	wantData(t, "x.grad after the caller changed its gradient", x.Grad(), []int{4}, []float32{1, 1, 1, 1})

	w := param(t, []float32{1, 2, 3, 4}, 2, 2) // a weight: its gradient is adopted
	if err := must(must(New([]float32{1, 1}, 1, 2)).Matmul(w)).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "w.grad", w.Grad(), []int{2, 2}, []float32{1, 1, 1, 1})
	if err := must(must(New([]float32{2, 0}, 1, 2)).Matmul(w)).SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "w.grad accumulated", w.Grad(), []int{2, 2}, []float32{3, 3, 1, 1})
}
