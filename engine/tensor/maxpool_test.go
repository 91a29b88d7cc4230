package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// maxPoolComposition is max pooling as it was before the MaxPool2d
// primitive, kept as the test's reference: every channel padded with -∞,
// unfolded into columns, then Argmax and Gather along the window. It
// differs from MaxPool2d only where a window's in-bounds elements are all
// -∞ (the padding then wins), so its inputs hold no -∞.
func maxPoolComposition(x *Tensor, w Window) (*Tensor, error) {
	w = w.normalized()
	s := x.Shape()
	ho, wo := w.OutputSize(0, s[2]), w.OutputSize(1, s[3])
	planes, err := x.Reshape(s[0]*s[1], 1, s[2], s[3])
	if err != nil {
		return nil, err
	}
	if w.Padding != [2]int{} {
		ph, pw := w.Padding[0], w.Padding[1]
		if planes, err = planes.Pad([]int{pw, pw, ph, ph}, float32(math.Inf(-1))); err != nil {
			return nil, err
		}
		w.Padding = [2]int{}
	}
	cols, err := planes.Unfold(w)
	if err != nil {
		return nil, err
	}
	idx, err := cols.Argmax(1, true)
	if err != nil {
		return nil, err
	}
	y, err := cols.Gather(1, idx)
	if err != nil {
		return nil, err
	}
	return y.Reshape(s[0], s[1], ho, wo)
}

// poolInput makes deterministic values; levels > 0 rounds them to that
// many distinct values, so that windows hold ties.
func poolInput(shape []int, seed uint32, levels int) []float32 {
	data := make([]float32, product(shape))
	for i := range data {
		seed = seed*1664525 + 1013904223
		v := float32(seed>>8)/float32(1<<24)*4 - 2
		if levels > 0 {
			v = float32(int(seed>>8)%levels) - float32(levels/2)
		}
		data[i] = v
	}
	return data
}

func TestMaxPool2dMatchesComposition(t *testing.T) {
	cases := []struct {
		shape  []int
		w      Window
		levels int // 0: distinct values; else few values, many ties
		trans  bool
	}{
		{[]int{2, 3, 8, 8}, Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}, 0, false}, // LeNet's pooling
		{[]int{2, 3, 8, 8}, Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}, 3, false}, // ties
		{[]int{1, 2, 7, 9}, Window{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}}, 0, false}, // odd sizes, overlap
		{[]int{1, 2, 7, 9}, Window{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}}, 2, false}, // overlap and ties
		{[]int{2, 1, 5, 6}, Window{Kernel: [2]int{3, 2}, Stride: [2]int{2, 1}, Padding: [2]int{1, 1}}, 0, false},
		{[]int{2, 1, 5, 6}, Window{Kernel: [2]int{3, 3}, Stride: [2]int{1, 2}, Padding: [2]int{1, 1}}, 2, false},
		{[]int{1, 3, 9, 7}, Window{Kernel: [2]int{3, 2}, Stride: [2]int{2, 3}, Padding: [2]int{1, 1}, Dilation: [2]int{2, 3}}, 0, false},
		{[]int{1, 3, 9, 7}, Window{Kernel: [2]int{2, 2}, Dilation: [2]int{3, 2}}, 2, false},
		{[]int{1, 2, 4, 5}, Window{Kernel: [2]int{2, 2}, Padding: [2]int{1, 1}}, 0, false}, // windows half in the padding
		{[]int{1, 1, 3, 3}, Window{Kernel: [2]int{3, 3}}, 1, false},                        // all equal: the first wins
		{[]int{2, 3, 6, 5}, Window{Kernel: [2]int{2, 3}, Stride: [2]int{2, 1}, Padding: [2]int{1, 1}}, 0, true},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d %v %+v", i, c.shape, c.w), func(t *testing.T) {
			data := poolInput(c.shape, uint32(i+1), c.levels)
			run := func(op func(*Tensor, Window) (*Tensor, error)) (y []float32, dx []float32) {
				shape := slices.Clone(c.shape)
				if c.trans {
					shape[2], shape[3] = shape[3], shape[2]
				}
				leaf := must(New(slices.Clone(data), shape...))
				if err := leaf.SetRequiresGrad(true); err != nil {
					t.Fatal(err)
				}
				x := leaf
				if c.trans {
					x = must(leaf.Transpose(2, 3))
				}
				out, err := op(x, c.w)
				if err != nil {
					t.Fatal(err)
				}
				g := must(New(poolInput(out.Shape(), 99, 0), out.Shape()...))
				if err := out.BackwardWith(BackwardOptions{Gradient: g}); err != nil {
					t.Fatal(err)
				}
				if want := []int{c.shape[0], c.shape[1], c.w.OutputSize(0, c.shape[2]), c.w.OutputSize(1, c.shape[3])}; !slices.Equal(out.Shape(), want) {
					t.Fatalf("shape %v, want %v", out.Shape(), want)
				}
				return out.Data(), leaf.Grad().Data()
			}
			y, dx := run((*Tensor).MaxPool2d)
			wy, wdx := run(maxPoolComposition)
			for j := range wy {
				if math.Float32bits(y[j]) != math.Float32bits(wy[j]) {
					t.Errorf("out[%d] = %v, want %v", j, y[j], wy[j])
				}
			}
			for j := range wdx {
				if !close32(float64(dx[j]), float64(wdx[j])) {
					t.Errorf("grad[%d] = %v, want %v", j, dx[j], wdx[j])
				}
			}
		})
	}
}

// TestMaxPool2dGradCheck compares the gradient with central differences.
// The inputs are distinct multiples of 0.1, so x±h never changes which
// element of a window is the largest.
func TestMaxPool2dGradCheck(t *testing.T) {
	for _, w := range []Window{
		{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}},
		{Kernel: [2]int{3, 3}, Stride: [2]int{1, 2}, Padding: [2]int{1, 1}},
		{Kernel: [2]int{2, 3}, Dilation: [2]int{2, 1}, Padding: [2]int{0, 1}},
	} {
		shape := []int{2, 2, 5, 6}
		n := product(shape)
		data := make([]float32, n)
		for i := range data {
			data[i] = float32((i*37)%n-n/2) / 10
		}
		x := must(New(data, shape...))
		if err := x.SetRequiresGrad(true); err != nil {
			t.Fatal(err)
		}
		out := must(x.MaxPool2d(w))
		weight := poolInput(out.Shape(), 7, 0)
		if err := out.BackwardWith(BackwardOptions{Gradient: must(New(weight, out.Shape()...))}); err != nil {
			t.Fatal(err)
		}
		analytic := x.Grad().Data()
		loss := func() float64 {
			var y *Tensor
			NoGrad(func() { y = must(x.MaxPool2d(w)) })
			sum := 0.0
			for i, v := range y.Data() {
				sum += float64(weight[i]) * float64(v)
			}
			return sum
		}
		for j, orig := range data {
			x.st.data[j] = orig + gradStep
			up := loss()
			x.st.data[j] = orig - gradStep
			down := loss()
			x.st.data[j] = orig
			numeric := (up - down) / (2 * gradStep)
			if math.Abs(numeric-float64(analytic[j])) > gradAtol+gradRtol*math.Abs(numeric) {
				t.Errorf("%+v: d/dx[%d] = %v, numeric %v", w, j, analytic[j], numeric)
			}
		}
	}
}

func TestMaxPool2dErrors(t *testing.T) {
	x := must(New(make([]float32, 9), 1, 1, 3, 3))
	for _, w := range []Window{{Kernel: [2]int{4, 4}}, {Kernel: [2]int{0, 2}}, {Kernel: [2]int{2, 2}, Padding: [2]int{-1, 0}}} {
		if _, err := x.MaxPool2d(w); err == nil {
			t.Errorf("%+v: no error", w)
		}
	}
	if _, err := must(New(make([]float32, 9), 3, 3)).MaxPool2d(Window{Kernel: [2]int{2, 2}}); err == nil {
		t.Error("2-D input: no error")
	}
}

// TestMaxPool2dPaddedInfGradient is seed 1304237: PyTorch's CPU kernel
// skips the padding and starts each window at its first in-bounds
// element with maximum -∞, so a window whose in-bounds elements are all
// -∞ sends its gradient to the first of them, not to the padding. The
// NaN case checks that the last NaN of a window still wins. The incoming
// gradient is 1, 2, 3, …; all values are torch's.
func TestMaxPool2dPaddedInfGradient(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	cases := []struct {
		name     string
		x        []float32
		shape    []int
		w        Window
		wantY    []float32
		wantGrad []float32
	}{
		{"corner -inf", []float32{-inf, 1, 2, 3, 4, 5}, []int{1, 1, 2, 3},
			Window{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}},
			[]float32{-inf, 1, 2, 2, 3, 4, 5, 5, 3, 4, 5, 5}, []float32{1, 2, 7, 14, 16, 38}},
		{"all -inf", []float32{-inf, -inf, -inf, -inf, -inf, -inf}, []int{1, 1, 2, 3},
			Window{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}},
			[]float32{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}, []float32{14, 10, 12, 19, 11, 12}},
		{"last NaN wins", []float32{nan, -inf, nan, -inf, nan, 1}, []int{1, 1, 2, 3},
			Window{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}},
			[]float32{nan, nan, nan, nan, nan, nan, nan, nan, -inf, nan, nan, 1}, []float32{8, 0, 15, 9, 34, 12}},
		{"dilated, all in-bounds -inf", []float32{-inf, -inf, 0.5, -inf, -inf, -inf, -inf, -inf, 1, -inf, -inf, -inf}, []int{1, 1, 3, 4},
			Window{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, Dilation: [2]int{2, 2}},
			[]float32{-inf}, []float32{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		for _, generic := range []bool{false, true} {
			prev := genericOnly
			genericOnly = generic
			x := param(t, slices.Clone(c.x), c.shape...)
			y, err := x.MaxPool2d(c.w)
			if err != nil {
				t.Fatal(err)
			}
			g := make([]float32, len(c.wantY))
			for i := range g {
				g[i] = float32(i + 1)
			}
			if err := y.BackwardWith(BackwardOptions{Gradient: must(New(g, y.Shape()...))}); err != nil {
				t.Fatal(err)
			}
			genericOnly = prev
			for i, v := range y.Data() {
				if math.Float32bits(v) != math.Float32bits(c.wantY[i]) && !(v != v && c.wantY[i] != c.wantY[i]) {
					t.Errorf("%s (generic %v): y[%d] = %v, want %v", c.name, generic, i, v, c.wantY[i])
				}
			}
			wantData(t, c.name+" x.grad", x.Grad(), c.shape, c.wantGrad)
		}
	}
}

// TestMaxPool2dGivesArgmaxBack follows max pooling's argmax buffer: it
// goes back to its pool when backward releases the graph, not before (a
// retained graph's second backward still reads it and gives the same
// gradient), at once when no graph is recorded, and the next pooling of
// the same size takes it again.
func TestMaxPool2dGivesArgmaxBack(t *testing.T) {
	resetIndexPool := func() {
		indexPool.Lock()
		indexPool.free, indexPool.bytes = nil, 0
		indexPool.Unlock()
	}
	held := func() int {
		indexPool.Lock()
		defer indexPool.Unlock()
		return indexPool.bytes
	}
	defer resetIndexPool()
	shape := []int{2, 3, 8, 10}
	x := must(New(poolInput(shape, 5, 3), shape...))
	if err := x.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	w := Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}
	const argmaxBytes = 4 * 2 * 3 * 4 * 5

	resetIndexPool()
	y := must(x.MaxPool2d(w))
	if err := y.SumAll().BackwardWith(BackwardOptions{RetainGraph: true}); err != nil {
		t.Fatal(err)
	}
	first := x.Grad().Data()
	if got := held(); got != 0 {
		t.Fatalf("after a backward that retains the graph the pool holds %d bytes, want 0", got)
	}
	x.ZeroGrad()
	if err := y.SumAll().Backward(); err != nil {
		t.Fatal(err)
	}
	wantData(t, "the second backward's gradient", x.Grad(), shape, first)
	if got := held(); got != argmaxBytes {
		t.Fatalf("after the graph's release the pool holds %d bytes, want %d", got, argmaxBytes)
	}

	must(x.MaxPool2d(w)) // takes the buffer; its graph is never released
	if got := held(); got != 0 {
		t.Fatalf("a second pooling left %d bytes in the pool, want 0 (the buffer taken again)", got)
	}
	NoGrad(func() { must(x.MaxPool2d(w)) })
	if got := held(); got != argmaxBytes {
		t.Fatalf("after pooling without a graph the pool holds %d bytes, want %d", got, argmaxBytes)
	}
}
