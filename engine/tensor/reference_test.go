package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"tinytorch/engine/kernels"
)

// Tests of each primitive's fast paths against its reference loops (the
// rule at the top of the primitive's file), forward and backward, on
// random shapes (size-1 and empty dimensions among them), windows with
// stride, padding and dilation, transposed views, and NaN, ±Inf and -0
// in the inputs and the incoming gradient. Where the fast path computes
// in the same order as the reference the results must be the same bits;
// where it sums in another order (the matrix product's kernel), they
// must agree within a stated tolerance.

// refInput is one operand of a test: its values, and its shape as the op
// sees it; trans stores it with the last two dimensions swapped and
// hands the op the transposed view.
type refInput struct {
	data  []float32
	shape []int
	trans bool
}

// refRun is what one run of an op gives: its output, and the gradient of
// each operand for the incoming gradient.
type refRun struct {
	shape []int
	out   []float32
	grads [][]float32
}

// runFastAndReference runs op on fresh leaves made from inputs twice,
// with the fast paths on and then off (the reference), each time with
// the same incoming gradient, made by grad for the output's shape.
func runFastAndReference(t *testing.T, inputs []refInput, grad func(shape []int) []float32, op func(xs []*Tensor) (*Tensor, error)) (fast, ref refRun) {
	t.Helper()
	var g []float32
	sameGrad := func(shape []int) []float32 {
		if g == nil {
			g = grad(shape)
		}
		return slices.Clone(g)
	}
	fast = runOp(t, inputs, sameGrad, false, op)
	ref = runOp(t, inputs, sameGrad, true, op)
	if !slices.Equal(fast.shape, ref.shape) {
		t.Fatalf("output shape %v, reference %v", fast.shape, ref.shape)
	}
	return fast, ref
}

// runOp runs op on fresh leaves made from inputs, with the fast paths
// off if generic is set, and its backward pass for the incoming gradient
// that grad makes for the output's shape.
func runOp(t *testing.T, inputs []refInput, grad func(shape []int) []float32, generic bool, op func(xs []*Tensor) (*Tensor, error)) refRun {
	t.Helper()
	prev := genericOnly
	genericOnly = generic
	defer func() { genericOnly = prev }()
	var leaves, views []*Tensor
	for _, in := range inputs {
		stored := slices.Clone(in.shape)
		if in.trans {
			n := len(stored)
			stored[n-1], stored[n-2] = stored[n-2], stored[n-1]
		}
		leaf := param(t, slices.Clone(in.data), stored...)
		view := leaf
		if in.trans {
			view = must(leaf.Transpose(-1, -2))
		}
		leaves, views = append(leaves, leaf), append(views, view)
	}
	y, err := op(views)
	if err != nil {
		t.Fatal(err)
	}
	if err := y.BackwardWith(BackwardOptions{Gradient: must(New(grad(y.Shape()), y.Shape()...))}); err != nil {
		t.Fatal(err)
	}
	r := refRun{shape: y.Shape(), out: y.Data()}
	for _, l := range leaves {
		r.grads = append(r.grads, gradOrZeros(l).Data())
	}
	return r
}

// compareRuns checks a fast run against the reference run: the same
// bits (NaN matching any NaN) when tol is 0, otherwise within tol of the
// largest finite magnitude of the reference, with NaN and ±Inf in the
// same places.
func compareRuns(t *testing.T, name string, fast, ref refRun, tol float64) {
	t.Helper()
	compareValues(t, name+": output", fast.out, ref.out, tol)
	for i := range ref.grads {
		compareValues(t, fmt.Sprintf("%s: gradient of operand %d", name, i), fast.grads[i], ref.grads[i], tol)
	}
}

// compareValues is compareRuns for one slice of values.
func compareValues(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, reference %d", what, len(got), len(want))
	}
	scale := 0.0
	for _, v := range want {
		if a := math.Abs(float64(v)); !math.IsInf(a, 0) && !math.IsNaN(a) {
			scale = max(scale, a)
		}
	}
	for i, w := range want {
		v := got[i]
		switch {
		case w != w || v != v:
			if w == w || v == v {
				t.Fatalf("%s: element %d = %v, reference %v", what, i, v, w)
			}
		case tol == 0 || math.IsInf(float64(w), 0):
			if math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("%s: element %d = %v, reference %v (bits %#x and %#x)", what, i, v, w, math.Float32bits(v), math.Float32bits(w))
			}
		case math.Abs(float64(v)-float64(w)) > tol*scale:
			t.Fatalf("%s: element %d = %v, reference %v (tolerance %.3g)", what, i, v, w, tol*scale)
		}
	}
}

// specialValues are the values where a rewritten loop could differ from
// its reference: NaN, ±Inf, ±0, subnormals, the largest float32, values
// where exp overflows or underflows.
var specialValues = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
	0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32,
	88.7, 89, -103.9, -104, 20, -20, 1e-30, 0.5, -2.75}

// sumSafeValues are specialValues without ±MaxFloat32, for the ops whose
// fast path sums in another order than the reference (conv2d, matmul): a
// sum of two products near the largest float32 overflows to ±Inf in one
// order and not in another (then Inf - Inf = NaN where the reference has
// -Inf, seen under wasm), which is rounding, not a wrong result.
var sumSafeValues = slices.DeleteFunc(slices.Clone(specialValues), func(v float32) bool { return math.Abs(float64(v)) == math.MaxFloat32 })

// randomValues returns n values uniform in [-1, 1) from g, with special
// values of specialValues put in at special random places (none when n
// is 0).
func randomValues(g *Generator, n, special int) []float32 {
	return randomValuesFrom(g, n, special, specialValues)
}

// randomValuesFrom is randomValues with the special values taken from
// specials.
func randomValuesFrom(g *Generator, n, special int, specials []float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = g.Float32()*2 - 1
	}
	for range special {
		if n > 0 {
			v[g.Intn(n)] = specials[g.Intn(len(specials))]
		}
	}
	return v
}

// randomGradient returns an incoming-gradient maker for
// runFastAndReference, its special values from specials.
func randomGradient(g *Generator, special int, specials []float32) func(shape []int) []float32 {
	return func(shape []int) []float32 { return randomValuesFrom(g, product(shape), special, specials) }
}

// randomWindow returns a window for an input of height h and width w
// with an output of at least one position, or false after a few tries.
// maxPad limits the padding to at most half the kernel, as pooling
// requires.
func randomWindow(g *Generator, h, w int, halfPad bool) (Window, bool) {
	for range 20 {
		var win Window
		for i := range 2 {
			win.Kernel[i] = 1 + g.Intn(3)
			win.Stride[i] = 1 + g.Intn(3)
			win.Dilation[i] = 1 + g.Intn(2)
			win.Padding[i] = g.Intn(3)
			if halfPad {
				win.Padding[i] = min(win.Padding[i], win.Kernel[i]/2)
			}
		}
		if g.Intn(3) == 0 { // the commonest pooling, which has its own loop
			win = Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}
		}
		if win.OutputSize(0, h) > 0 && win.OutputSize(1, w) > 0 {
			return win, true
		}
	}
	return Window{}, false
}

func TestConv2dFastMatchesReference(t *testing.T) {
	g := NewGenerator(17)
	for i := range 150 {
		n, c, o := g.Intn(4), 1+g.Intn(3), g.Intn(4) // empty batches and empty outputs too
		h, w := 1+g.Intn(8), 1+g.Intn(8)
		win, ok := randomWindow(g, h, w, false)
		if !ok {
			continue
		}
		kh, kw := win.Kernel[0], win.Kernel[1]
		win.Kernel = [2]int{} // the weight gives it
		special := 0
		if i%3 == 0 {
			special = 2
		}
		inputs := []refInput{
			{randomValuesFrom(g, n*c*h*w, special, sumSafeValues), []int{n, c, h, w}, i%4 == 1},
			{randomValuesFrom(g, o*c*kh*kw, special, sumSafeValues), []int{o, c, kh, kw}, false},
		}
		bias := i%2 == 0
		if bias {
			inputs = append(inputs, refInput{randomValuesFrom(g, o, special/2, sumSafeValues), []int{o}, false})
		}
		name := fmt.Sprintf("case %d: x %v, weight %v, bias %v, %+v, %d special values", i, inputs[0].shape, inputs[1].shape, bias, win, special)
		fast, ref := runFastAndReference(t, inputs, randomGradient(g, special/2, sumSafeValues), func(xs []*Tensor) (*Tensor, error) {
			var b *Tensor
			if bias {
				b = xs[2]
			}
			return xs[0].Conv2d(xs[1], b, win)
		})
		// The product sums in float32, in the kernel's order; the
		// reference in float64, term by term.
		compareRuns(t, name, fast, ref, 1e-5)
	}
}

func TestMaxPool2dFastMatchesReference(t *testing.T) {
	g := NewGenerator(18)
	for i := range 300 {
		n, c := g.Intn(3), g.Intn(4) // empty batches and channels too
		h, w := 1+g.Intn(9), 1+g.Intn(9)
		win, ok := randomWindow(g, h, w, true)
		if !ok {
			continue
		}
		data := randomValues(g, n*c*h*w, i%3*2)
		if i%4 == 0 { // few distinct values: ties in most windows
			for j := range data {
				data[j] = float32(math.Round(float64(data[j]) * 2))
			}
		}
		in := []refInput{{data, []int{n, c, h, w}, i%5 == 1}}
		fast, ref := runFastAndReference(t, in, randomGradient(g, i%3, specialValues), func(xs []*Tensor) (*Tensor, error) { return xs[0].MaxPool2d(win) })
		compareRuns(t, fmt.Sprintf("case %d: x %v, %+v", i, in[0].shape, win), fast, ref, 0)
	}
}

func TestUnfoldFastMatchesReference(t *testing.T) {
	g := NewGenerator(19)
	for i := range 150 {
		n, c := g.Intn(3), g.Intn(3)
		h, w := 1+g.Intn(8), 1+g.Intn(8)
		win, ok := randomWindow(g, h, w, false)
		if !ok {
			continue
		}
		in := []refInput{{randomValues(g, n*c*h*w, i%3), []int{n, c, h, w}, i%4 == 1}}
		fast, ref := runFastAndReference(t, in, randomGradient(g, i%3, specialValues), func(xs []*Tensor) (*Tensor, error) { return xs[0].Unfold(win) })
		compareRuns(t, fmt.Sprintf("case %d: x %v, %+v", i, in[0].shape, win), fast, ref, 0)
	}
}

// randomMatmulShapes returns the shapes of two operands that Matmul
// accepts: vectors, matrices, and batches that broadcast, with dimensions
// of 0, 1 and more.
func randomMatmulShapes(g *Generator) (a, b []int) {
	sizes := []int{0, 1, 1, 2, 3, 5, 8, 17}
	n, k, m := sizes[g.Intn(len(sizes))], sizes[g.Intn(len(sizes))], sizes[g.Intn(len(sizes))]
	batches := [][2][]int{{nil, nil}, {{3}, nil}, {nil, {2}}, {{2}, {2}}, {{2, 1}, {3}}, {{1}, {4}}, {{0}, {1}}, {{2, 3}, {2, 1}}}
	bt := batches[g.Intn(len(batches))]
	a, b = slices.Concat(bt[0], []int{n, k}), slices.Concat(bt[1], []int{k, m})
	switch g.Intn(6) {
	case 0:
		a = []int{k} // a vector times a matrix (or a batch)
	case 1:
		b = []int{k} // a matrix (or a batch) times a vector
	}
	return a, b
}

func TestMatmulFastMatchesReference(t *testing.T) {
	prev := kernels.Current()
	defer func() {
		if err := kernels.Use(prev); err != nil {
			t.Fatal(err)
		}
	}()
	g := NewGenerator(20)
	for i := range 200 {
		as, bs := randomMatmulShapes(g)
		special := i % 3
		inputs := []refInput{
			{randomValuesFrom(g, product(as), special, sumSafeValues), as, len(as) >= 2 && i%4 == 1},
			{randomValuesFrom(g, product(bs), special, sumSafeValues), bs, len(bs) >= 2 && i%3 == 1},
		}
		grad := randomGradient(g, special, sumSafeValues)
		op := func(xs []*Tensor) (*Tensor, error) { return xs[0].Matmul(xs[1]) }
		name := fmt.Sprintf("case %d: %v (transposed %v) × %v (transposed %v)", i, as, inputs[0].trans, bs, inputs[1].trans)
		// With the naive kernel the fast paths (views, a shared matrix's
		// gradient accumulated by the kernel) sum in the reference's
		// order: the same bits.
		must(nil, kernels.Use("naive"))
		fast, ref := runFastAndReference(t, inputs, grad, op)
		compareRuns(t, name+", naive kernel", fast, ref, 0)
		// The default kernel sums in blocks of its own.
		must(nil, kernels.Use(prev))
		fast, ref = runFastAndReference(t, inputs, grad, op)
		compareRuns(t, name+", "+prev+" kernel", fast, ref, 1e-5)
	}
}

// unaryOps are the table's functions of one tensor, by name.
var unaryOps = map[string]func(*Tensor) *Tensor{
	"neg": (*Tensor).Neg, "exp": (*Tensor).Exp, "log": (*Tensor).Log, "sqrt": (*Tensor).Sqrt,
	"abs": (*Tensor).Abs, "sin": (*Tensor).Sin, "cos": (*Tensor).Cos, "tanh": (*Tensor).Tanh,
	"sigmoid": (*Tensor).Sigmoid, "relu": (*Tensor).Relu, "gelu": (*Tensor).Gelu,
	"log1p": (*Tensor).Log1p, "erf": (*Tensor).Erf, "silu": (*Tensor).Silu,
}

func TestUnaryFastMatchesReference(t *testing.T) {
	// Every fast loop must be checked here: the direct forward loops and
	// relu's.
	for name := range directForward {
		if unaryOps[name] == nil {
			t.Fatalf("%s has a direct loop: add it to unaryOps", name)
		}
	}
	g := NewGenerator(21)
	shapes := [][]int{{}, {0}, {1}, {len(specialValues)}, {3, 0, 2}, {1, 1}, {7, 5}, {2, 3, 17}}
	for name, f := range unaryOps {
		for i, shape := range shapes {
			data := randomValues(g, product(shape), product(shape)/2)
			if slices.Equal(shape, []int{len(specialValues)}) {
				data = slices.Clone(specialValues) // each special value once
			}
			in := []refInput{{data, shape, len(shape) >= 2 && i%2 == 0}}
			fast, ref := runFastAndReference(t, in, randomGradient(g, product(shape)/2, specialValues), func(xs []*Tensor) (*Tensor, error) { return f(xs[0]), nil })
			compareRuns(t, fmt.Sprintf("%s of %v", name, shape), fast, ref, 0)
		}
	}
}

func TestBinaryFastMatchesReference(t *testing.T) {
	ops := map[string]func(a, b *Tensor) (*Tensor, error){
		"add": (*Tensor).Add, "sub": (*Tensor).Sub, "mul": (*Tensor).Mul, "div": (*Tensor).Div,
	}
	pairs := []struct {
		a, b         []int
		aT, bT       bool
		aSpec, bSpec int
	}{
		{[]int{}, []int{}, false, false, 0, 1},
		{[]int{3, 5}, []int{3, 5}, false, true, 3, 3},
		{[]int{4, 6}, []int{6}, true, false, 2, 1},         // a bias row
		{[]int{2, 3, 5}, []int{3, 1}, false, false, 4, 1},  // a conv bias column
		{[]int{3, 1}, []int{1, 4}, false, false, 1, 1},     // both broadcast
		{[]int{}, []int{2, 3}, false, true, 1, 2},          // a scalar
		{[]int{0, 3}, []int{3}, false, false, 0, 1},        // empty
		{[]int{2, 0}, []int{1, 1}, false, false, 0, 1},     // empty and size 1
		{[]int{1, 17}, []int{17, 1}, false, false, 17, 17}, // long rows, many specials
	}
	g := NewGenerator(22)
	for name, f := range ops {
		for _, p := range pairs {
			in := []refInput{
				{randomValues(g, product(p.a), p.aSpec), p.a, p.aT},
				{randomValues(g, product(p.b), p.bSpec), p.b, p.bT},
			}
			fast, ref := runFastAndReference(t, in, randomGradient(g, 1, specialValues), func(xs []*Tensor) (*Tensor, error) { return f(xs[0], xs[1]) })
			compareRuns(t, fmt.Sprintf("%s of %v and %v", name, p.a, p.b), fast, ref, 0)
		}
	}
}
