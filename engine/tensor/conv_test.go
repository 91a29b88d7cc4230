package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestConv2dLayersMatchReference compares Conv2d's fast path with the
// reference loops (the generic path) on the layers of the benchmark
// models and on a batch larger than one chunk, values and gradients of
// all three operands; TestConv2dFastMatchesReference covers random
// shapes, and TestConv2dReferenceIsComposition the reference itself.
func TestConv2dLayersMatchReference(t *testing.T) {
	cases := []struct {
		x, weight []int
		bias      bool
		w         Window
		trans     bool // the input is a transposed view
	}{
		{[]int{3, 1, 12, 12}, []int{6, 1, 5, 5}, true, Window{}, false}, // LeNet's first layer
		{[]int{3, 6, 8, 8}, []int{16, 6, 5, 5}, true, Window{}, false},  // and its second
		{[]int{2, 3, 7, 9}, []int{4, 3, 3, 3}, false, Window{Padding: [2]int{1, 1}}, false},
		{[]int{2, 2, 7, 6}, []int{3, 2, 3, 2}, true, Window{Stride: [2]int{2, 1}, Padding: [2]int{1, 2}}, true},
		{[]int{1, 2, 9, 8}, []int{2, 2, 2, 3}, true, Window{Stride: [2]int{1, 2}, Dilation: [2]int{2, 2}, Padding: [2]int{0, 1}}, false},
		{[]int{2, 1, 4, 4}, []int{1, 1, 1, 1}, true, Window{Padding: [2]int{2, 2}}, false}, // outputs in the padding only
		// More samples than fit in one chunk: the products are made chunk by
		// chunk and the weight gradient summed over chunks.
		{[]int{9, 2, 34, 34}, []int{3, 2, 3, 3}, true, Window{}, false},
	}
	for i, c := range cases {
		ops := []operand{{shape: c.x, trans: c.trans}, {shape: c.weight}}
		if c.bias {
			ops = append(ops, operand{shape: c.weight[:1]})
		}
		compareConv(t, fmt.Sprintf("conv2d %d %v %+v", i, c.x, c.w), ops, c.w)
	}
}

// compareConv is compareWithCopies for Conv2d, with a tolerance for sums
// of many terms: the weight gradient adds N·Ho·Wo products (over a
// thousand here) in a different order on each path, so an element that
// nearly cancels out can differ by more than its own 1e-5. Each element
// must be within 1e-5 of the largest magnitude in its tensor.
func compareConv(t *testing.T, name string, ops []operand, w Window) {
	t.Helper()
	g := NewGenerator(7)
	var leaves, views []*Tensor
	for _, o := range ops {
		l, v := o.leaf(t, g)
		leaves, views = append(leaves, l), append(views, v)
	}
	weights := []float32(nil)
	run := func(generic bool) (out []float32, grads [][]float32) {
		genericOnly = generic
		defer func() { genericOnly = false }()
		var bias *Tensor
		if len(views) > 2 {
			bias = views[2]
		}
		y, err := views[0].Conv2d(views[1], bias, w)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if weights == nil {
			weights = make([]float32, y.Numel())
			for i := range weights {
				weights[i] = g.Float32()
			}
		}
		// The views' graph is used twice, hence RetainGraph.
		loss := must(y.Mul(must(New(weights, y.Shape()...)))).SumAll()
		must(nil, loss.BackwardWith(BackwardOptions{RetainGraph: true}))
		for _, l := range leaves {
			grads = append(grads, l.Grad().Data())
			l.ZeroGrad()
		}
		return y.Data(), grads
	}
	fast, fastGrads := run(false)
	slow, slowGrads := run(true)
	closeAll(t, name+": output", fast, slow)
	for i := range fastGrads {
		closeAll(t, fmt.Sprintf("%s: gradient of operand %d", name, i), fastGrads[i], slowGrads[i])
	}
}

// closeAll checks that got matches want within 1e-5 of want's largest
// magnitude.
func closeAll(t *testing.T, what string, got, want []float32) {
	t.Helper()
	scale := 0.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > 1e-5*scale || math.IsNaN(d) {
			t.Fatalf("%s: element %d = %v, want %v (tolerance %.3g)", what, i, got[i], want[i], 1e-5*scale)
		}
	}
}

// TestConv2dSomeGradients checks the backward pass when only some
// operands need a gradient (a first layer's input never does).
func TestConv2dSomeGradients(t *testing.T) {
	g := NewGenerator(3)
	data := func(n int) []float32 {
		d := make([]float32, n)
		for i := range d {
			d[i] = g.Float32() - 0.5
		}
		return d
	}
	xd, wd, bd := data(2*2*6*6), data(3*2*3*3), data(3)
	grads := func(needX, needW, needB bool) (dx, dw, db []float32) {
		x, w, b := must(New(xd, 2, 2, 6, 6)), must(New(wd, 3, 2, 3, 3)), must(New(bd, 3))
		must(nil, x.SetRequiresGrad(needX))
		must(nil, w.SetRequiresGrad(needW))
		must(nil, b.SetRequiresGrad(needB))
		must(nil, must(x.Conv2d(w, b, Window{})).SumAll().Backward())
		return gradOrZeros(x).Data(), gradOrZeros(w).Data(), gradOrZeros(b).Data()
	}
	dx, dw, db := grads(true, true, true)
	for _, need := range [][3]bool{{false, true, true}, {true, false, false}, {false, false, true}} {
		gx, gw, gb := grads(need[0], need[1], need[2])
		for i, pair := range [][2][]float32{{dx, gx}, {dw, gw}, {db, gb}} {
			if !need[i] {
				continue
			}
			for j := range pair[0] {
				if math.Float32bits(pair[0][j]) != math.Float32bits(pair[1][j]) {
					t.Fatalf("needs %v: gradient %d element %d = %v, with all gradients %v", need, i, j, pair[1][j], pair[0][j])
				}
			}
		}
	}
}

func TestConv2dErrors(t *testing.T) {
	x := must(New(make([]float32, 2*3*5*5), 2, 3, 5, 5))
	w := must(New(make([]float32, 4*3*3*3), 4, 3, 3, 3))
	bad := []struct {
		name      string
		x, weight *Tensor
		bias      *Tensor
		w         Window
	}{
		{"3-D input", must(New(make([]float32, 75), 3, 5, 5)), w, nil, Window{}},
		{"channels", x, must(New(make([]float32, 4*2*9), 4, 2, 3, 3)), nil, Window{}},
		{"bias size", x, w, must(New(make([]float32, 3), 3)), Window{}},
		{"kernel mismatch", x, w, nil, Window{Kernel: [2]int{2, 2}}},
		{"negative padding", x, w, nil, Window{Padding: [2]int{-1, 0}}},
		{"too small", x, must(New(make([]float32, 4*3*36), 4, 3, 6, 6)), nil, Window{}},
		// difftest seeds 500478 and 502183: PyTorch refuses an input empty
		// in H or W ("Only zero batch or zero channel inputs are supported").
		{"empty height", must(New(nil, 2, 1, 0, 3)), must(New([]float32{-0.15}, 1, 1, 1, 1)), must(New([]float32{1.03}, 1)), Window{Stride: [2]int{3, 3}, Padding: [2]int{2, 2}, Dilation: [2]int{2, 2}}},
		{"empty width", must(New(nil, 2, 1, 1, 0)), must(New(make([]float32, 32), 2, 1, 4, 4)), must(New([]float32{0.58, 1}, 2)), Window{Stride: [2]int{2, 2}, Padding: [2]int{2, 2}}},
	}
	for _, c := range bad {
		if _, err := c.x.Conv2d(c.weight, c.bias, c.w); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func BenchmarkConv2dLeNet(b *testing.B) {
	for _, c := range []struct {
		name      string
		x, weight []int
	}{{"conv1", []int{64, 1, 28, 28}, []int{6, 1, 5, 5}}, {"conv2", []int{64, 6, 12, 12}, []int{16, 6, 5, 5}}} {
		x, w, bias := must(Rand(c.x...)), must(Rand(c.weight...)), must(Rand(c.weight[0]))
		must(nil, x.SetRequiresGrad(c.name != "conv1")) // LeNet's input needs no gradient
		must(nil, w.SetRequiresGrad(true))
		must(nil, bias.SetRequiresGrad(true))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				must(nil, must(x.Conv2d(w, bias, Window{})).SumAll().Backward())
			}
		})
	}
}

func BenchmarkUnfoldBatchLeNet(b *testing.B) {
	for _, c := range []struct {
		name      string
		x, weight []int
	}{{"conv1", []int{64, 1, 28, 28}, []int{6, 1, 5, 5}}, {"conv2", []int{64, 6, 12, 12}, []int{16, 6, 5, 5}}} {
		x, w := must(Rand(c.x...)), must(Rand(c.weight...))
		g := must2(convGeom(x, w, nil, Window{}))
		s := g.sub(g.chunk())
		cols := make([]float32, s.c*s.kh*s.kw*s.n*s.ho*s.wo)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for n0 := 0; n0 < g.n; n0 += s.n {
					g.sub(min(s.n, g.n-n0)).unfoldBatch(x.st.data[n0*s.c*s.h*s.wd:], cols)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.c*g.kh*g.kw*g.n*g.ho*g.wo), "ns/elem")
		})
	}
}

// TestConv2dBackwardTwice runs the backward pass twice through one graph:
// the first gives the kept columns back, the second unfolds them again,
// and both must give the same gradients.
func TestConv2dBackwardTwice(t *testing.T) {
	g := NewGenerator(5)
	data := make([]float32, 3*2*9*9)
	for i := range data {
		data[i] = g.Float32() - 0.5
	}
	x := param(t, data, 3, 2, 9, 9)
	w := param(t, data[:4*2*3*3], 4, 2, 3, 3)
	y := must(x.Conv2d(w, nil, Window{Stride: [2]int{2, 1}}))
	loss := must(y.Mul(y)).SumAll()
	must(nil, loss.BackwardWith(BackwardOptions{RetainGraph: true}))
	first := w.Grad().Data()
	must(nil, loss.Backward())
	for i, v := range w.Grad().Data() {
		if math.Float32bits(v) != math.Float32bits(2*first[i]) {
			t.Fatalf("weight gradient %d: %v after two passes, %v after one", i, v, first[i])
		}
	}
}

func BenchmarkCol2imLeNet(b *testing.B) {
	x, w := must(Rand(64, 6, 12, 12)), must(Rand(16, 6, 5, 5))
	g := must2(convGeom(x, w, nil, Window{}))
	s := g.sub(g.chunk())
	cols := make([]float32, s.c*s.kh*s.kw*s.n*s.ho*s.wo)
	dx := make([]float32, x.Numel())
	for b.Loop() {
		for n0 := 0; n0 < g.n; n0 += s.n {
			g.sub(min(s.n, g.n-n0)).rows(col2im, cols, dx[n0*s.c*s.h*s.wd:])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.c*g.kh*g.kw*g.n*g.ho*g.wo), "ns/elem")
}

// conv2dLowered is the convolution as Unfold, Matmul and Add: ops tested
// on their own, which the reference loops must agree with.
func (t *Tensor) conv2dLowered(weight, bias *Tensor, w Window) (*Tensor, error) {
	cols, err := t.Unfold(w) // [N, C·kh·kw, L]
	if err != nil {
		return nil, err
	}
	filters := must(weight.Reshape(weight.shape[0], -1))
	y, err := filters.Matmul(cols) // [N, O, L]
	if err != nil {
		return nil, err
	}
	if bias != nil {
		if y, err = y.Add(must(bias.Reshape(bias.shape[0], 1))); err != nil {
			return nil, err
		}
	}
	g := newUnfoldGeom(t.shape, w)
	return must(y.Reshape(g.n, weight.shape[0], g.ho, g.wo)).owned(), nil
}

// TestConv2dReferenceIsComposition checks the reference loops against
// the composition Unfold, Matmul, Add (each op with its fast paths off),
// values and gradients, on windows with stride, padding and dilation.
func TestConv2dReferenceIsComposition(t *testing.T) {
	g := NewGenerator(23)
	for i := range 40 {
		n, c, o := 1+g.Intn(3), 1+g.Intn(3), 1+g.Intn(3)
		h, w := 1+g.Intn(8), 1+g.Intn(8)
		win, ok := randomWindow(g, h, w, false)
		if !ok {
			continue
		}
		kernel := win.Kernel
		inputs := []refInput{
			{randomValues(g, n*c*h*w, 0), []int{n, c, h, w}, false},
			{randomValues(g, o*c*kernel[0]*kernel[1], 0), []int{o, c, kernel[0], kernel[1]}, false},
			{randomValues(g, o, 0), []int{o}, false},
		}
		// The same incoming gradient for both, with the fast paths off:
		// Conv2d is then the reference.
		grad := randomValues(g, n*o*win.OutputSize(0, h)*win.OutputSize(1, w), 0)
		sameGrad := func([]int) []float32 { return slices.Clone(grad) }
		ref := runOp(t, inputs, sameGrad, true, func(xs []*Tensor) (*Tensor, error) { return xs[0].Conv2d(xs[1], xs[2], win) })
		composed := runOp(t, inputs, sameGrad, true, func(xs []*Tensor) (*Tensor, error) { return xs[0].conv2dLowered(xs[1], xs[2], win) })
		compareRuns(t, fmt.Sprintf("case %d: x %v, weight %v, %+v", i, inputs[0].shape, inputs[1].shape, win), ref, composed, 1e-5)
	}
}
