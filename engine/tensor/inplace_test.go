package tensor

import (
	"strings"
	"testing"
)

func TestInPlaceModifiesViews(t *testing.T) {
	x := must(New([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	col := must(x.Select(1, 1)) // [2, 5], a view
	must(col.AddScalarInPlace(10))
	wantData(t, "x", x, []int{2, 3}, []float32{1, 12, 3, 4, 15, 6})
	if x.Version() != 1 {
		t.Errorf("version = %d, want 1", x.Version())
	}
	tr := must(x.Transpose(0, 1))
	must(tr.ZeroInPlace())
	wantData(t, "x after zero_", x, []int{2, 3}, []float32{0, 0, 0, 0, 0, 0})
	must(x.FillInPlace(7))
	must(x.MulInPlace(must(New([]float32{1, 2, 3}, 3))))
	wantData(t, "fill_ then mul_", x, []int{2, 3}, []float32{7, 14, 21, 7, 14, 21})
}

func TestInPlaceErrors(t *testing.T) {
	w := param(t, []float32{1, 2}, 2)
	if _, err := w.AddScalarInPlace(1); err == nil || !strings.Contains(err.Error(), "add_: tensor of shape [2] is a leaf that requires grad") {
		t.Fatalf("error = %v", err)
	}
	// Inside NoGrad, as in an optimizer step, it is allowed.
	var err error
	NoGrad(func() { _, err = w.AddScaledInPlace(must(New([]float32{1, 1}, 2)), -0.5) })
	if err != nil {
		t.Fatal(err)
	}
	wantData(t, "sgd step", w, []int{2}, []float32{0.5, 1.5})

	x := must(Zeros(2, 3))
	if _, err := x.AddInPlace(must(Zeros(3, 3))); err == nil || !strings.Contains(err.Error(), "do not broadcast") {
		t.Fatalf("error = %v", err)
	}
	if _, err := x.AddInPlace(must(Zeros(4, 2, 3))); err == nil || !strings.Contains(err.Error(), "cannot change its tensor's shape") {
		t.Fatalf("error = %v", err)
	}
	e := must(must(Zeros(1, 3)).Expand(2, 3))
	if _, err := e.AddScalarInPlace(1); err == nil || !strings.Contains(err.Error(), "expanded view") {
		t.Fatalf("error = %v", err)
	}
}

// TestInPlaceExpandedView: on an expanded view, whose elements share
// memory, PyTorch refuses ops that would write different values to one
// location (add_, copy_) but allows fill_ and zero_ (difftest seed
// 903072: zero_ of [1, 2] expanded to [3, 3, 2] gives 18 zeros).
func TestInPlaceExpandedView(t *testing.T) {
	cases := []struct {
		name     string
		op       func(e *Tensor) (*Tensor, error)
		wantBase []float32 // nil: refused
	}{
		{"zero_", func(e *Tensor) (*Tensor, error) { return e.ZeroInPlace() }, []float32{0, 0}},
		{"fill_", func(e *Tensor) (*Tensor, error) { return e.FillInPlace(7) }, []float32{7, 7}},
		{"add_", func(e *Tensor) (*Tensor, error) { return e.AddScalarInPlace(1) }, nil},
		{"copy_", func(e *Tensor) (*Tensor, error) { return e.CopyInPlace(must(Zeros(3, 3, 2))) }, nil},
	}
	for _, c := range cases {
		base := must(New([]float32{-0.5, 2}, 1, 2))
		e := must(base.Expand(3, 3, 2))
		got, err := c.op(e)
		if c.wantBase == nil {
			if err == nil || !strings.Contains(err.Error(), "expanded view") {
				t.Errorf("%s: error = %v, want the expanded-view refusal", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want := make([]float32, 18)
		for i := range want {
			want[i] = c.wantBase[0]
		}
		wantData(t, c.name, got, []int{3, 3, 2}, want)
		wantData(t, c.name+" base", base, []int{1, 2}, c.wantBase)
	}
}

// The version-counter rule: modifying a tensor that an op saved for
// backward makes backward fail instead of returning a wrong gradient.
func TestInPlaceSafetyRule(t *testing.T) {
	t.Run("saved input", func(t *testing.T) {
		a := must(New([]float32{1, 2}, 2)) // a constant, saved by mul
		w := param(t, []float32{3, 4}, 2)
		y := must(a.Mul(w)).SumAll()
		must(a.AddScalarInPlace(1))
		err := y.Backward()
		if err == nil || !strings.Contains(err.Error(), "saved for the backward pass was modified in place") || !strings.Contains(err.Error(), "mul") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("saved output", func(t *testing.T) {
		x := param(t, []float32{1, 2}, 2)
		y := x.Exp() // exp saves its output
		must(y.MulScalarInPlace(2))
		err := y.SumAll().Backward()
		if err == nil || !strings.Contains(err.Error(), "exp saved for the backward pass was modified") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("not saved is fine", func(t *testing.T) {
		x := param(t, []float32{1, 2}, 2)
		y := x.MulScalar(3) // mul saved only the scalar
		must(y.AddScalarInPlace(1))
		must(y.MulInPlace(y.Detach().Clone()))
		if err := y.SumAll().Backward(); err != nil {
			t.Fatal(err)
		}
		// y = (3x+1)·c with c = 3x+1 held constant: dy/dx = 3c.
		wantData(t, "grad", x.Grad(), []int{2}, []float32{12, 21})
	})
	t.Run("view of graph tensor", func(t *testing.T) {
		x := param(t, []float32{1, 2}, 2)
		v := must(x.MulScalar(1).Reshape(1, 2))
		if _, err := v.AddScalarInPlace(1); err == nil || !strings.Contains(err.Error(), "is a view") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestUpdateInPlace(t *testing.T) {
	w := param(t, []float32{1, 2, 3, 4}, 2, 2)
	double := func(v []float32) {
		for i := range v {
			v[i] *= 2
		}
	}
	if err := w.UpdateInPlace(double); err == nil || !strings.Contains(err.Error(), "update_: tensor of shape [2, 2] requires grad") {
		t.Fatalf("error = %v", err)
	}
	var err error
	NoGrad(func() { err = w.UpdateInPlace(double) })
	if err != nil {
		t.Fatal(err)
	}
	wantData(t, "contiguous", w, []int{2, 2}, []float32{2, 4, 6, 8})
	if w.Version() != 1 {
		t.Errorf("version = %d, want 1", w.Version())
	}
	// A strided view gets its values in row-major order, and writes back
	// through its strides.
	x := must(New([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	col := must(must(x.Transpose(0, 1)).Narrow(0, 1, 2)) // [[2, 5], [3, 6]]
	var seen []float32
	must(nil, col.UpdateInPlace(func(v []float32) { seen = append(seen, v...); double(v) }))
	wantData(t, "seen", must(New(seen, 4)), []int{4}, []float32{2, 5, 3, 6})
	wantData(t, "strided", x, []int{2, 3}, []float32{1, 4, 6, 4, 10, 12})
	if err := must(Scalar(1).Expand(3)).UpdateInPlace(double); err == nil || !strings.Contains(err.Error(), "expanded view") {
		t.Fatalf("error = %v", err)
	}
	// Values reads a contiguous tensor without copying.
	if v := x.Values(); &v[0] != &x.st.data[0] {
		t.Error("Values copied a contiguous tensor")
	}
}

// fill_ and zero_ on a tensor in the graph keep it there, as in PyTorch:
// y = x·1; y.fill_(3); (y·w).sum().backward() gives x.grad = 0, w.grad = 3.
func TestFillInPlaceStaysInGraph(t *testing.T) {
	tests := []struct {
		name  string
		fill  func(y *Tensor) (*Tensor, error)
		value float32
	}{
		{"fill_", func(y *Tensor) (*Tensor, error) { return y.FillInPlace(3) }, 3},
		{"zero_", (*Tensor).ZeroInPlace, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := param(t, []float32{1, 2, 3}, 3)
			w := param(t, []float32{4, 5, 6}, 3)
			y := x.MulScalar(1)
			if _, err := tc.fill(y); err != nil {
				t.Fatal(err)
			}
			if !y.RequiresGrad() || y.GradFn() != "fill_" {
				t.Fatalf("after %s: requiresGrad %v, gradFn %q; want true, fill_", tc.name, y.RequiresGrad(), y.GradFn())
			}
			if err := must(y.Mul(w)).SumAll().Backward(); err != nil {
				t.Fatal(err)
			}
			wantData(t, "x.grad", x.Grad(), []int{3}, []float32{0, 0, 0})
			v := tc.value
			wantData(t, "w.grad", w.Grad(), []int{3}, []float32{v, v, v})
		})
	}
}
