package tensor

import (
	"fmt"
	"slices"
	"testing"
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
	must(nil, must(fast.Mul(w)).SumAll().BackwardWith(BackwardOptions{RetainGraph: true}))
	fastGrads := make([][]float32, len(leaves))
	for i, l := range leaves {
		fastGrads[i] = l.Grad().Data()
		l.ZeroGrad()
	}
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
