package tensor

import (
	"slices"
	"strings"
	"testing"
)

// TestStepScopeGivesActivationsBack runs a training-like step inside a
// step scope, in each of the ways the scope must treat differently, and
// checks which of the step's tensors still have their buffer afterwards:
// only the engine's own intermediate values whose graph Backward released
// go back to the pool, and the others keep their values.
func TestStepScopeGivesActivationsBack(t *testing.T) {
	type step struct {
		h, view, y, more *Tensor // the activations, a view of h, the output, one more activation
	}
	cases := []struct {
		name string
		// run makes the step's tensors; back runs backward on y.
		run      func(x, w *Tensor) step
		back     func(y *Tensor) error
		observed bool // run under an Observer (the profiler)
		// given says which of h, y and more lose their buffer.
		given [3]bool
	}{
		{name: "engine's activations", run: func(x, w *Tensor) step {
			h := must(x.Matmul(w)).Relu()
			return step{h: h, view: must(h.Reshape(-1)), y: must(h.Mul(h))}
		}, given: [3]bool{true, true, false}},
		{name: "graph retained", run: func(x, w *Tensor) step {
			h := must(x.Matmul(w)).Relu()
			return step{h: h, view: must(h.Reshape(-1)), y: must(h.Mul(h))}
		}, back: func(y *Tensor) error {
			return y.SumAll().BackwardWith(BackwardOptions{RetainGraph: true})
		}},
		{name: "made by user code", run: func(x, w *Tensor) step {
			var s step
			UserCode(func() {
				h := must(x.Matmul(w)).Relu()
				s = step{h: h, view: must(h.Reshape(-1)), y: must(h.Mul(h))}
			})
			return s
		}},
		{name: "handed to user code", run: func(x, w *Tensor) step {
			h := must(x.Matmul(w)).Relu()
			h.MarkHeld() // as nn.Call does with a user module's input
			more := h.Sigmoid()
			return step{h: h, view: must(h.Reshape(-1)), y: must(h.Mul(more)), more: more}
		}, given: [3]bool{false, true, true}},
		{name: "under an Observer", run: func(x, w *Tensor) step {
			h := must(x.Matmul(w)).Relu()
			return step{h: h, view: must(h.Reshape(-1)), y: must(h.Mul(h))}
		}, observed: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ManualSeed(5)
			w := param(t, must(Randn(64, 96)).Data(), 64, 96)
			x := must(Randn(128, 64)) // 128×96 activations: pooled
			if c.observed {
				defer SetObserver(SetObserver(&opLog{}))
			}
			end := BeginStep()
			s := c.run(x, w)
			before := [][]float32{s.h.Data(), s.y.Data()}
			back := c.back
			if back == nil {
				back = func(y *Tensor) error { return y.SumAll().Backward() }
			}
			if err := back(s.y); err != nil {
				t.Fatal(err)
			}
			end()
			for i, tt := range []*Tensor{s.h, s.y, s.more} {
				if tt == nil {
					continue
				}
				if given := tt.st.data == nil; given != c.given[i] {
					t.Errorf("tensor %d (of h, y, more): given back %v, want %v", i, given, c.given[i])
				}
				if !c.given[i] && i < 2 && !slices.Equal(tt.Data(), before[i]) {
					t.Errorf("tensor %d (of h, y) changed after the step", i)
				}
			}
			if (s.view.st.data == nil) != c.given[0] {
				t.Errorf("the view of h: given back %v, want %v as h", s.view.st.data == nil, c.given[0])
			}
			if w.Grad() == nil || w.st.data == nil || x.st.data == nil {
				t.Error("the step scope gave back a leaf or its gradient")
			}
		})
	}
}

// TestStepScopeReusesActivations runs the same step four times in step
// scopes: from the second step on, the activations land in the buffers
// the previous step gave back, and every step gives the same gradient.
func TestStepScopeReusesActivations(t *testing.T) {
	ManualSeed(9)
	w := param(t, must(Randn(64, 96)).Data(), 64, 96)
	x := must(Randn(128, 64))
	var first []float32
	var buffers [][]float32
	for i := range 4 {
		end := BeginStep()
		w.ZeroGrad()
		h := must(x.Matmul(w)).Relu()
		buffers = append(buffers, h.st.data)
		if err := must(h.Mul(h)).Sigmoid().SumAll().Backward(); err != nil {
			t.Fatal(err)
		}
		end()
		if i == 0 {
			first = w.Grad().Data()
			continue
		}
		wantData(t, "w.grad with reused activations", w.Grad(), w.shape, first)
	}
	reused := 0
	for i := 1; i < len(buffers); i++ {
		for _, earlier := range buffers[:i] {
			if &buffers[i][0] == &earlier[0] {
				reused++
				break
			}
		}
	}
	if reused == 0 {
		t.Error("no step's activations reused a buffer an earlier step gave back")
	}
}

// TestStepScopeNests checks that an inner BeginStep leaves the giving back
// to the outer scope.
func TestStepScopeNests(t *testing.T) {
	w := param(t, must(Randn(64, 96)).Data(), 64, 96)
	x := must(Randn(128, 64))
	endOuter := BeginStep()
	endInner := BeginStep()
	h := must(x.Matmul(w)).Relu()
	if err := h.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	endInner()
	if h.st.data == nil {
		t.Fatal("the inner scope gave back an activation of the outer step")
	}
	endOuter()
	if h.st.data != nil {
		t.Error("the outer scope did not give the activation back")
	}
}

// TestRecycle checks each condition under which Recycle gives a value's
// buffer back, and that it gives nothing else back.
func TestRecycle(t *testing.T) {
	big := func() *Tensor { return must(Randn(128, 64)).Relu() } // pooled
	cases := []struct {
		name string
		// setup returns the value, the mark to recycle it against and the
		// tensors to keep.
		setup   func() (v *Tensor, mark StorageMark, keep []*Tensor)
		noGrad  bool
		recycle bool
	}{
		{"dead value", func() (*Tensor, StorageMark, []*Tensor) { m := Mark(); return big(), m, nil }, true, true},
		{"gradients on", func() (*Tensor, StorageMark, []*Tensor) { m := Mark(); return big(), m, nil }, false, false},
		{"made before the mark", func() (*Tensor, StorageMark, []*Tensor) { v := big(); return v, Mark(), nil }, true, false},
		{"a view of it kept", func() (*Tensor, StorageMark, []*Tensor) {
			m := Mark()
			v := big()
			return v, m, []*Tensor{must(v.Reshape(-1))}
		}, true, false},
		{"held by user code", func() (*Tensor, StorageMark, []*Tensor) {
			m := Mark()
			v := big()
			v.MarkHeld()
			return v, m, nil
		}, true, false},
		{"not from the pool", func() (*Tensor, StorageMark, []*Tensor) { m := Mark(); return must(Randn(4)).Relu(), m, nil }, true, false},
		{"built outside the package", func() (*Tensor, StorageMark, []*Tensor) {
			m := Mark()
			return must(Build([]int{128, 64}, func(out []float32) { clear(out) })), m, nil
		}, true, true},
		{"made by New", func() (*Tensor, StorageMark, []*Tensor) {
			m := Mark()
			return must(New(make([]float32, 128*64), 128, 64)), m, nil
		}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := func() {
				v, mark, keep := c.setup()
				if got := Recycle(v, mark, keep...); got != c.recycle {
					t.Errorf("Recycle = %v, want %v", got, c.recycle)
				}
				if given := v.st.data == nil; given != c.recycle {
					t.Errorf("buffer given back %v, want %v", given, c.recycle)
				}
			}
			if c.noGrad {
				NoGrad(run)
			} else {
				run()
			}
		})
	}
}

// TestBuild checks that Build hands write the whole storage, in row-major
// order, and refuses a bad shape without calling write.
func TestBuild(t *testing.T) {
	for _, shape := range [][]int{{2, 3}, {}, {0, 5}, {128, 64}} {
		calls := 0
		x, err := Build(shape, func(out []float32) {
			calls++
			for i := range out {
				out[i] = float32(i)
			}
		})
		if err != nil || calls != 1 {
			t.Fatalf("Build(%v): error %v, write called %d times", shape, err, calls)
		}
		want := make([]float32, x.Numel())
		for i := range want {
			want[i] = float32(i)
		}
		wantData(t, FormatShape(shape), x, shape, want)
	}
	previous := SetMaxTensorBytes(1 << 10)
	defer SetMaxTensorBytes(previous)
	for _, shape := range [][]int{{-1, 2}, {1 << 10}} {
		_, err := Build(shape, func([]float32) { t.Errorf("Build(%v) called write", shape) })
		if err == nil || !strings.Contains(err.Error(), "tensor.Build") {
			t.Errorf("Build(%v): error %v, want one naming tensor.Build", shape, err)
		}
	}
}
