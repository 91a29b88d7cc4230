package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"tinytorch/engine/kernels"
)

// Tests of the fast paths against the generic code they shortcut. Each
// case builds its operands as awkward views (transposed, narrowed so that
// rows are further apart than their length, broadcast), runs the op and
// its backward, and compares values and gradients with the same op on
// plain contiguous copies, which take the generic path.

// operand is how a test operand is laid out in memory.
type operand struct {
	shape []int
	trans bool // stored with the last two dimensions swapped, then transposed
	wide  int  // extra columns in the storage, cut off with Narrow
}

// leaf makes a random leaf requiring grad, and the view of it with o's
// layout and shape.
func (o operand) leaf(t *testing.T, g *Generator) (leaf, view *Tensor) {
	t.Helper()
	stored := slices.Clone(o.shape)
	n := len(stored)
	if o.trans && n >= 2 {
		stored[n-1], stored[n-2] = stored[n-2], stored[n-1]
	}
	if n > 0 {
		stored[n-1] += o.wide
	}
	data := make([]float32, product(stored))
	for i := range data {
		data[i] = g.Float32()*2 - 1
	}
	leaf = param(t, data, stored...)
	view = leaf
	if n > 0 && o.wide > 0 {
		view = must(view.Narrow(-1, 0, stored[n-1]-o.wide))
	}
	if o.trans && n >= 2 {
		view = must(view.Transpose(-1, -2))
	}
	return leaf, view
}

// compareWithCopies runs op on views of the operands and on contiguous
// copies of them, and compares the outputs and the gradients of a
// weighted sum of the output. op is told which run is the reference
// (generic set), to force the generic path where layout alone does not.
func compareWithCopies(t *testing.T, name string, ops []operand, op func(xs []*Tensor, generic bool) (*Tensor, error)) {
	t.Helper()
	g := NewGenerator(7)
	var leaves, views, copies []*Tensor
	for _, o := range ops {
		l, v := o.leaf(t, g)
		leaves, views = append(leaves, l), append(views, v)
		copies = append(copies, v.Clone())
	}
	fast, err := op(views, false)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	genericOnly = true // the reference: fast paths off
	defer func() { genericOnly = false }()
	slow, err := op(copies, true)
	if err != nil {
		t.Fatalf("%s on copies: %v", name, err)
	}
	wantData(t, name, fast, slow.Shape(), slow.Data())
	weights := make([]float32, fast.Numel())
	for i := range weights {
		weights[i] = g.Float32()
	}
	w := must(New(weights, fast.Shape()...))
	// The copies share the views' graph nodes, hence RetainGraph.
	genericOnly = false
	must(nil, must(fast.Mul(w)).SumAll().BackwardWith(BackwardOptions{RetainGraph: true}))
	fastGrads := make([][]float32, len(leaves))
	for i, l := range leaves {
		fastGrads[i] = l.Grad().Data()
		l.ZeroGrad()
	}
	genericOnly = true
	must(nil, must(slow.Mul(w)).SumAll().Backward())
	for i, l := range leaves {
		wantData(t, fmt.Sprintf("%s: gradient of operand %d", name, i), must(New(fastGrads[i], l.shape...)), l.shape, l.Grad().Data())
	}
}

func TestMatmulLayoutsMatchCopies(t *testing.T) {
	type op = operand
	cases := []struct {
		name string
		a, b operand
	}{
		{"plain", op{shape: []int{5, 7}}, op{shape: []int{7, 3}}},
		{"Aᵀ", op{shape: []int{5, 7}, trans: true}, op{shape: []int{7, 3}}},
		{"Bᵀ (Linear)", op{shape: []int{5, 7}}, op{shape: []int{7, 3}, trans: true}},
		{"both transposed", op{shape: []int{5, 7}, trans: true}, op{shape: []int{7, 3}, trans: true}},
		{"narrowed rows", op{shape: []int{4, 6}, wide: 3}, op{shape: []int{6, 5}, trans: true, wide: 2}},
		{"vector times matrix", op{shape: []int{7}}, op{shape: []int{7, 3}, trans: true}},
		{"matrix times vector", op{shape: []int{5, 7}, trans: true}, op{shape: []int{7}}},
		{"single row and column", op{shape: []int{1, 4}, trans: true}, op{shape: []int{4, 1}, trans: true}},
		{"batched", op{shape: []int{3, 4, 5}}, op{shape: []int{3, 5, 2}, trans: true}},
		{"shared weight (conv)", op{shape: []int{4, 6}}, op{shape: []int{3, 6, 5}}},
		{"shared transposed weight", op{shape: []int{2, 3, 6}}, op{shape: []int{6, 4}, trans: true}},
		{"shared [1, n, k]", op{shape: []int{1, 4, 6}, trans: true}, op{shape: []int{2, 3, 6, 5}}},
		{"broadcast batch", op{shape: []int{2, 1, 3, 4}}, op{shape: []int{3, 4, 2}, trans: true}},
		{"empty inner", op{shape: []int{3, 0}}, op{shape: []int{0, 2}}},
	}
	for _, c := range cases {
		compareWithCopies(t, "matmul "+c.name, []operand{c.a, c.b}, func(x []*Tensor, generic bool) (*Tensor, error) {
			a, b := x[0], x[1]
			if generic && a.Dim() >= 2 && b.Dim() >= 2 {
				// Materialise the broadcast: every batch element gets its
				// own copy of a shared matrix, as before the fast path.
				batch := must2(broadcastShapes("", a.shape[:a.Dim()-2], b.shape[:b.Dim()-2]))
				a = must(a.Expand(slices.Concat(batch, a.shape[a.Dim()-2:])...)).Clone()
				b = must(b.Expand(slices.Concat(batch, b.shape[b.Dim()-2:])...)).Clone()
			}
			return a.Matmul(b)
		})
	}
}

// must2 unwraps a value of any type or fails the test by panicking.
func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestElementwiseAndSumMatchGeneric(t *testing.T) {
	type op = operand
	pairs := []struct {
		name string
		a, b operand
	}{
		{"same shape", op{shape: []int{3, 5}}, op{shape: []int{3, 5}}},
		{"bias row", op{shape: []int{4, 6}}, op{shape: []int{6}}},
		{"conv bias column", op{shape: []int{2, 3, 5}}, op{shape: []int{3, 1}}},
		{"transposed and narrowed", op{shape: []int{4, 3}, trans: true, wide: 2}, op{shape: []int{4, 3}, wide: 1}},
		{"both broadcast", op{shape: []int{3, 1}, trans: true}, op{shape: []int{1, 4}}},
		{"scalar", op{shape: []int{}}, op{shape: []int{2, 3}, trans: true}},
		{"two scalars", op{shape: []int{}}, op{shape: []int{}}},
		{"empty", op{shape: []int{0, 3}}, op{shape: []int{3}}},
	}
	for _, c := range pairs {
		for _, name := range []string{"add", "sub", "mul", "div"} {
			compareWithCopies(t, name+" "+c.name, []operand{c.a, c.b}, func(x []*Tensor, _ bool) (*Tensor, error) {
				switch name {
				case "add":
					return x[0].Add(x[1])
				case "sub":
					return x[0].Sub(x[1])
				case "mul":
					return x[0].Mul(x[1])
				}
				return x[0].Div(x[1])
			})
		}
	}
	singles := []struct {
		name string
		x    operand
		dims []int
	}{
		{"last dim", op{shape: []int{4, 7}}, []int{-1}},
		{"first dim (bias gradient)", op{shape: []int{5, 6}}, []int{0}},
		{"two leading dims", op{shape: []int{2, 3, 4}}, []int{0, 1}},
		{"middle dim", op{shape: []int{2, 3, 4}, trans: true}, []int{1}},
		{"all of a narrowed view", op{shape: []int{3, 4}, wide: 3}, nil},
		{"first and last", op{shape: []int{2, 3, 4}, wide: 1}, []int{0, 2}},
		{"size-1 last dim", op{shape: []int{3, 1}, trans: true}, []int{0}},
		{"scalar", op{shape: []int{}}, nil},
	}
	for _, c := range singles {
		compareWithCopies(t, "sum "+c.name, []operand{c.x}, func(x []*Tensor, _ bool) (*Tensor, error) { return x[0].Sum(c.dims, false) })
		compareWithCopies(t, "relu "+c.name, []operand{c.x}, func(x []*Tensor, _ bool) (*Tensor, error) { return x[0].Relu(), nil })
	}
}

// TestLeadingSumSameBits holds the sum over leading dimensions of a
// contiguous tensor (sumLeading: a bias's gradient), on one goroutine and
// on two, to the bits of the generic walk.
func TestLeadingSumSameBits(t *testing.T) {
	defer kernels.SetThreads(kernels.SetThreads(0))
	cases := []struct {
		shape []int
		dims  []int
	}{
		{[]int{256, 128}, []int{0}}, // the MLP's first bias: split over two goroutines
		{[]int{64, 2, 300}, []int{0, 1}},
		{[]int{7, 1}, []int{0}},
		{[]int{0, 5}, []int{0}},
		{[]int{3, 0}, []int{0}},
	}
	g := NewGenerator(11)
	for _, c := range cases {
		data := make([]float32, product(c.shape))
		for i := range data {
			data[i] = (g.Float32()*2 - 1) * float32(1+i%1000) // magnitudes that round
		}
		x := must(New(data, c.shape...))
		genericOnly = true
		want := must(x.Sum(c.dims, false)).Data()
		genericOnly = false
		for _, threads := range []int{1, 2} {
			kernels.SetThreads(threads)
			got := must(x.Sum(c.dims, false)).Data()
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("sum of %v over %v, %d threads: element %d is %v, the generic walk gives %v", c.shape, c.dims, threads, i, got[i], want[i])
				}
			}
		}
	}
}

// TestReluSpecialValues checks the fast relu against the generic one on
// the values where a shortcut could differ: NaN, ±0, ±Inf, and infinite
// or negative gradients where the derivative is 0.
func TestReluSpecialValues(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	x := []float32{nan, negZero, 0, -1, 2, inf, -inf, negZero}
	g := []float32{1, -3, inf, -inf, nan, 2, -2, -1}
	run := func() (y, dx []float32) {
		xt := param(t, slices.Clone(x), len(x))
		out := xt.Relu()
		must(nil, out.BackwardWith(BackwardOptions{Gradient: must(New(slices.Clone(g), len(g)))}))
		return out.Data(), xt.Grad().Data()
	}
	fy, fdx := run()
	genericOnly = true
	gy, gdx := run()
	genericOnly = false
	for i := range x {
		if math.Float32bits(fy[i]) != math.Float32bits(gy[i]) || math.Float32bits(fdx[i]) != math.Float32bits(gdx[i]) {
			t.Errorf("relu(%v) with gradient %v: fast %v, %v; generic %v, %v", x[i], g[i], fy[i], fdx[i], gy[i], gdx[i])
		}
	}
}

func TestUnfoldMatchesGeneric(t *testing.T) {
	windows := []Window{
		{Kernel: [2]int{5, 5}},                        // LeNet's convolutions
		{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}},  // max pooling
		{Kernel: [2]int{3, 2}, Padding: [2]int{1, 2}}, // padding wider than the stride
		{Kernel: [2]int{3, 3}, Stride: [2]int{2, 3}, Padding: [2]int{1, 1}, Dilation: [2]int{2, 1}},
		{Kernel: [2]int{2, 3}, Stride: [2]int{1, 2}, Dilation: [2]int{1, 3}, Padding: [2]int{0, 4}},
		{Kernel: [2]int{1, 1}, Padding: [2]int{3, 3}}, // columns entirely in the padding
	}
	for i, w := range windows {
		for _, x := range []operand{{shape: []int{2, 3, 7, 9}}, {shape: []int{1, 2, 6, 5}, trans: true, wide: 2}} {
			compareWithCopies(t, fmt.Sprintf("unfold %d %+v", i, w), []operand{x}, func(x []*Tensor, _ bool) (*Tensor, error) { return x[0].Unfold(w) })
		}
	}
}

// TestExtremeRowsMatchGeneric holds the row loop of Amax, Amin and the
// softmax's shift (extremeRow) to the element-by-element fold on the
// values where built-in max and min could differ from maxNaN and minNaN:
// NaN first, last and alone, ±Inf, +0 beside -0, a row of -Inf; on rows
// that fold into one accumulator each and on reductions where several rows
// share one (dims 0 and 2 of [2, 3, 4]).
func TestExtremeRowsMatchGeneric(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	rows := [][]float32{
		{1, 3, 2, -5},
		{nan, 1, 2, 3},
		{1, 2, 3, nan},
		{inf, nan, -inf, 0},
		{0, float32(math.Copysign(0, -1)), 0, float32(math.Copysign(0, -1))},
		{float32(math.Copysign(0, -1)), 0, float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))},
		{-inf, -inf, -inf, -inf},
		{inf, inf, 2, -inf},
	}
	var data []float32
	for _, r := range rows {
		data = append(data, r...)
	}
	x := must(New(data, len(rows), 4))
	cube := must(New(data[:24], 2, 3, 4))
	cases := []struct {
		name string
		op   func() *Tensor
	}{
		{"amax rows", func() *Tensor { return must(x.Amax([]int{1}, false)) }},
		{"amin rows", func() *Tensor { return must(x.Amin([]int{-1}, true)) }},
		{"amax of dims 0 and 2", func() *Tensor { return must(cube.Amax([]int{0, 2}, false)) }},
		{"amin of dims 0 and 2", func() *Tensor { return must(cube.Amin([]int{0, 2}, false)) }},
		{"amax of all", func() *Tensor { return must(x.Amax(nil, false)) }},
		{"shift", func() *Tensor { return x.shiftFor(dimMask(x.shape, 1)) }},
		{"softmax", func() *Tensor { return must(x.Softmax(-1)) }},
		{"log-softmax", func() *Tensor { return must(x.LogSoftmax(-1)) }},
	}
	for _, c := range cases {
		genericOnly = true
		want := c.op().Data()
		genericOnly = false
		got := c.op().Data()
		for i := range want {
			same := math.Float32bits(got[i]) == math.Float32bits(want[i]) || (got[i] != got[i] && want[i] != want[i])
			if !same {
				t.Errorf("%s: element %d is %v (bits %#x), the generic fold gives %v (%#x)", c.name, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
}
