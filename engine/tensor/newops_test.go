package tensor

import (
	"math"
	"strings"
	"testing"
)

// Checks of the new ops (issue 20) that the PyTorch fixtures cannot
// express: how many pieces Chunk and Split return, NaN and tie order in
// Sort and Topk, Scatter with a source larger than its index, and the
// errors for bad arguments.

func TestChunkSplitPieceCounts(t *testing.T) {
	x := must(Zeros(6, 2))
	for _, tc := range []struct {
		name  string
		split func() ([]*Tensor, error)
		sizes []int // along dim 0
	}{
		{"chunk 4 of 6 gives 3", func() ([]*Tensor, error) { return x.Chunk(4, 0) }, []int{2, 2, 2}},
		{"chunk 3 of 6", func() ([]*Tensor, error) { return x.Chunk(3, 0) }, []int{2, 2, 2}},
		{"chunk 4 of 5", func() ([]*Tensor, error) { return must(Zeros(5)).Chunk(4, 0) }, []int{2, 2, 1}},
		{"chunk of empty", func() ([]*Tensor, error) { return must(Zeros(0)).Chunk(3, 0) }, []int{0, 0, 0}},
		{"split 4", func() ([]*Tensor, error) { return x.Split(4, 0) }, []int{4, 2}},
		{"split of empty", func() ([]*Tensor, error) { return must(Zeros(0)).Split(2, 0) }, []int{0}},
		{"split sizes", func() ([]*Tensor, error) { return x.SplitSizes([]int{1, 0, 5}, 0) }, []int{1, 0, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pieces, err := tc.split()
			if err != nil {
				t.Fatal(err)
			}
			if len(pieces) != len(tc.sizes) {
				t.Fatalf("%d pieces, want %d", len(pieces), len(tc.sizes))
			}
			for i, p := range pieces {
				if p.Shape()[0] != tc.sizes[i] {
					t.Errorf("piece %d has shape %v, want %d along dim 0", i, p.Shape(), tc.sizes[i])
				}
			}
		})
	}
}

func TestSortNaNAndTies(t *testing.T) {
	nan := float32(math.NaN())
	x := must(New([]float32{2, nan, 1, 2, -1}, 5))
	for _, tc := range []struct {
		name    string
		run     func() (*Tensor, *Tensor, error)
		indices []float32
	}{
		// NaN sorts above every number; ties keep their order.
		{"ascending", func() (*Tensor, *Tensor, error) { return x.Sort(0, false) }, []float32{4, 2, 0, 3, 1}},
		{"descending", func() (*Tensor, *Tensor, error) { return x.Sort(0, true) }, []float32{1, 0, 3, 2, 4}},
		{"topk largest", func() (*Tensor, *Tensor, error) { return x.Topk(3, 0, true) }, []float32{1, 0, 3}},
		{"topk smallest", func() (*Tensor, *Tensor, error) { return x.Topk(2, 0, false) }, []float32{4, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, idx, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			wantData(t, "indices", idx, []int{len(tc.indices)}, tc.indices)
		})
	}
}

// A source larger than the index: only its elements at the index's
// positions are written, and only they get a gradient. (PyTorch 1.13
// accepts the forward but its backward fails on the shapes.)
func TestScatterLargerSource(t *testing.T) {
	x := param(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	src := param(t, []float32{10, 20, 30, 40, 50, 60}, 2, 3)
	index := must(New([]float32{2, 0}, 2, 1))
	out, err := x.Scatter(1, index, src)
	if err != nil {
		t.Fatal(err)
	}
	wantData(t, "forward", out, []int{2, 3}, []float32{1, 2, 10, 40, 5, 6})
	w := must(New([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	if err := out.BackwardWith(BackwardOptions{Gradient: w}); err != nil {
		t.Fatal(err)
	}
	wantData(t, "grad of input", x.Grad(), []int{2, 3}, []float32{1, 2, 0, 0, 5, 6})
	wantData(t, "grad of src", src.Grad(), []int{2, 3}, []float32{3, 0, 0, 4, 0, 0})
}

func TestNewOpsErrors(t *testing.T) {
	m := must(Zeros(2, 3))
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"topk k too large", func() error { _, _, err := m.Topk(4, 1, true); return err }, "topk: k = 4 is out of range"},
		{"sort dim", func() error { _, _, err := m.Sort(2, false); return err }, "sort: dimension 2 is out of range"},
		{"cumsum 0-d dim 1", func() error { _, err := Scalar(1).Cumsum(1); return err }, "cumsum: dimension 1 is out of range for a 0-d tensor"},
		{"split sizes sum", func() error { _, err := m.SplitSizes([]int{1, 1}, 1); return err }, "split: sizes [1, 1] add up to 2"},
		{"chunk 0", func() error { _, err := m.Chunk(0, 0); return err }, "chunk: 0 chunks"},
		{"repeat too few", func() error { _, err := m.Repeat(2); return err }, "repeat: sizes [2] for a tensor of shape [2, 3], expected at least one size per dimension (2)"},
		{"roll pairs", func() error { _, err := m.Roll([]int{1, 2}, []int{0}); return err }, "roll: 2 shifts and 1 dims"},
		{"maskedFill shape", func() error { _, err := m.MaskedFill(must(Zeros(3, 3)), 1); return err }, "maskedFill: mask of shape [3, 3] must broadcast"},
		{"scatter index value", func() error {
			_, err := m.Scatter(1, must(New([]float32{3}, 1, 1)), m)
			return err
		}, "scatter: index 3 at position 0 is not a whole number in [0, 3)"},
		{"scatter ranks", func() error { _, err := m.ScatterAdd(0, must(Zeros(2)), m); return err }, "scatterAdd: input [2, 3], index [2] and src [2, 3]"},
		{"einsum ellipsis", func() error { _, err := Einsum("...ij->...ji", m); return err }, "ellipsis (...), which is not supported"},
		{"einsum operand count", func() error { _, err := Einsum("ij,jk->ik", m); return err }, "has 2 operand terms but 1 tensors"},
		{"einsum rank", func() error { _, err := Einsum("ijk->i", m); return err }, `term "ijk" of "ijk->i" names 3 dimensions but operand 0 has shape [2, 3]`},
		{"einsum sizes", func() error { _, err := Einsum("ij,ij->i", m, must(Zeros(3, 2))); return err }, "letter i of"},
		{"einsum output letter", func() error { _, err := Einsum("ij->k", m); return err }, "output letter k"},
		{"einsum repeated output", func() error { _, err := Einsum("ij->ii", m); return err }, "appears twice"},
		{"einsum character", func() error { _, err := Einsum("i1->i", m); return err }, `contains '1'`},
		{"norm NaN", func() error { _, err := m.Norm(math.NaN(), nil, false); return err }, "norm: order p is NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Softplus above its threshold returns x itself, and stays finite where
// e^(beta·x) would overflow; log1p keeps a tiny x that 1 + x would lose.
func TestSoftplusLog1pStability(t *testing.T) {
	x := must(New([]float32{100, -100, 1e-10}, 3))
	wantData(t, "softplus", x.Softplus(1, 20), []int{3}, []float32{100, float32(math.Exp(-100)), float32(math.Log1p(math.Exp(1e-10)))})
	wantData(t, "log1p", x.Log1p(), []int{3}, []float32{float32(math.Log(101)), float32(math.NaN()), 1e-10})
	wantData(t, "elu of a large input", x.Elu(1), []int{3}, []float32{100, float32(math.Expm1(-100)), 1e-10})
	// Both zeros give +0, as PyTorch's e^t - 1: 1/elu(-0) is +Inf.
	zeros := must(New([]float32{float32(math.Copysign(0, -1)), 0}, 2))
	for i, v := range zeros.Elu(1).Data() {
		if v != 0 || math.Signbit(float64(v)) {
			t.Errorf("elu of zero %d is %v (sign bit %v), want +0", i, v, math.Signbit(float64(v)))
		}
	}
}

// Empty dimensions give empty (or identity-valued) results, never a
// panic, with PyTorch's shapes.
func TestNewOpsEmpty(t *testing.T) {
	e := must(Zeros(0, 3))
	first := func(v, _ *Tensor, err error) (*Tensor, error) { return v, err }
	for _, tc := range []struct {
		name  string
		run   func() (*Tensor, error)
		shape []int
		data  []float32
	}{
		{"cumsum", func() (*Tensor, error) { return e.Cumsum(0) }, []int{0, 3}, nil},
		{"prod over the empty dim", func() (*Tensor, error) { return e.Prod(0, false) }, []int{3}, []float32{1, 1, 1}},
		{"prod along the other", func() (*Tensor, error) { return e.Prod(1, true) }, []int{0, 1}, nil},
		{"prodAll", func() (*Tensor, error) { return e.ProdAll(), nil }, []int{}, []float32{1}},
		{"sort", func() (*Tensor, error) { return first(e.Sort(0, false)) }, []int{0, 3}, nil},
		{"topk 0", func() (*Tensor, error) { return first(e.Topk(0, 0, true)) }, []int{0, 3}, nil},
		{"norm", func() (*Tensor, error) { return e.Norm(2, nil, false) }, []int{}, []float32{0}},
		{"norm 1 over the empty dim", func() (*Tensor, error) { return e.Norm(1, []int{0}, false) }, []int{3}, []float32{0, 0, 0}},
		{"flip", func() (*Tensor, error) { return e.Flip(0, 1) }, []int{0, 3}, nil},
		{"roll", func() (*Tensor, error) { return e.Roll([]int{2}, []int{0}) }, []int{0, 3}, nil},
		{"roll flattened", func() (*Tensor, error) { return e.Roll([]int{2}, nil) }, []int{0, 3}, nil},
		{"repeat", func() (*Tensor, error) { return e.Repeat(2, 2) }, []int{0, 6}, nil},
		{"maskedFill", func() (*Tensor, error) { return e.MaskedFill(must(Zeros(3)), 1) }, []int{0, 3}, nil},
		{"scatter", func() (*Tensor, error) { return e.Scatter(0, must(Zeros(0, 3)), e) }, []int{0, 3}, nil},
		{"einsum over an empty letter", func() (*Tensor, error) { return Einsum("ij,ik->jk", e, must(Zeros(0, 2))) }, []int{3, 2}, []float32{0, 0, 0, 0, 0, 0}},
		{"einsum keeping it", func() (*Tensor, error) { return Einsum("ij->ji", e) }, []int{3, 0}, nil},
		{"log1p", func() (*Tensor, error) { return e.Log1p(), nil }, []int{0, 3}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			wantData(t, tc.name, out, tc.shape, tc.data)
		})
	}
}
