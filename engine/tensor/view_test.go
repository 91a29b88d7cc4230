package tensor

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func arange(n int) *Tensor { return must(Arange(0, float64(n), 1)) }

func TestViewsShareStorage(t *testing.T) {
	x := must(arange(12).Reshape(3, 4))
	tests := []struct {
		name  string
		v     *Tensor
		shape []int
		data  []float32
	}{
		{"reshape", must(x.Reshape(2, -1)), []int{2, 6}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"view", must(x.View(12)), []int{12}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"transpose", must(x.Transpose(0, 1)), []int{4, 3}, []float32{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}},
		{"permute", must(must(x.Reshape(3, 2, 2)).Permute(2, 0, 1)), []int{2, 3, 2}, []float32{0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11}},
		{"expand", must(must(x.Select(1, 0)).Unsqueeze(1)), []int{3, 1}, []float32{0, 4, 8}},
		{"narrow", must(x.Narrow(1, 1, 2)), []int{3, 2}, []float32{1, 2, 5, 6, 9, 10}},
		{"slice step", must(x.Slice(1, 0, 4, 3)), []int{3, 2}, []float32{0, 3, 4, 7, 8, 11}},
		{"select", must(x.Select(0, -1)), []int{4}, []float32{8, 9, 10, 11}},
		{"squeeze", must(must(x.Unsqueeze(0)).Squeeze()), []int{3, 4}, x.Data()},
		{"flatten", must(x.Flatten(0, -1)), []int{12}, x.Data()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.v.SharesStorage(x) {
				t.Error("not a view of x")
			}
			if !reflect.DeepEqual(tc.v.Shape(), tc.shape) || !reflect.DeepEqual(tc.v.Data(), tc.data) {
				t.Errorf("got %v %v, want %v %v", tc.v.Shape(), tc.v.Data(), tc.shape, tc.data)
			}
		})
	}
	e := must(must(x.Select(1, 0)).Unsqueeze(1))
	ex := must(e.Expand(3, 5))
	if !ex.SharesStorage(x) || ex.Strides()[1] != 0 {
		t.Errorf("expand strides %v", ex.Strides())
	}
	// Reshaping a transpose copies, View refuses.
	tr := must(x.Transpose(0, 1))
	if r := must(tr.Reshape(12)); r.SharesStorage(x) {
		t.Error("reshape of a non-contiguous tensor must copy")
	}
	if _, err := tr.View(12); err == nil || !strings.Contains(err.Error(), "not contiguous") {
		t.Errorf("error = %v", err)
	}
	if c := tr.Contiguous(); c.SharesStorage(x) || !c.IsContiguous() || x.Contiguous() != x {
		t.Error("Contiguous must copy only when needed")
	}
}

func TestViewErrors(t *testing.T) {
	x := must(Zeros(2, 3))
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"reshape", second(x.Reshape(4, 2)), "reshape: cannot reshape tensor of shape [2, 3] (6 elements) to [4, 2]"},
		{"view", second(x.View(4, 2)), "view: cannot view tensor of shape [2, 3] (6 elements) to [4, 2]"},
		{"view infer", second(x.View(-1, 4)), "view: cannot view tensor of shape [2, 3] (6 elements) to [-1, 4]"},
		{"max list", second2(x.MaxDim(2, false)), "max: dimension 2 is out of range for shape [2, 3]"},
		{"randintLike", second(RandintLike(x, 3, 3)), "randintLike: range [3, 3) is empty"},
		{"permute", second(x.Permute(0, 0)), "permute: dimension 0 repeats"},
		{"expand", second(x.Expand(4, 3)), "expand: cannot expand shape [2, 3] to [4, 3]"},
		{"dim", second(x.Sum([]int{2}, false)), "sum: dimension 2 is out of range for shape [2, 3], expected -2 to 1"},
		{"narrow", second(x.Narrow(1, 2, 2)), "narrow: start 2 and length 2 do not fit dimension 1"},
		{"select", second(x.Select(0, 2)), "select: index 2 is out of range"},
		{"matmul batch", second(must(Zeros(2, 2, 3)).Matmul(must(Zeros(3, 3, 1)))), "batch dimensions [2] and [3] do not broadcast"},
		{"cat", second(Cat([]*Tensor{x, must(Zeros(2, 2))}, 0)), "cat: tensor 1 has shape [2, 2] but tensor 0 has shape [2, 3]"},
		{"gather", second(x.Gather(1, must(New([]float32{3}, 1, 1)))), "gather: index 3 at position 0 is not a whole number in [0, 3)"},
		{"oneHot", second(OneHot(must(New([]float32{1.5}, 1)), 3)), "oneHot: index 1.5"},
		// With numClasses inferred, the largest index sizes the result:
		// an infinite, negative or huge one must be refused, not turned
		// into an int (undefined for ±Inf) or a 40 GB allocation.
		{"oneHot inferred inf", second(OneHot(must(New([]float32{1, float32(math.Inf(1))}, 2)), 0)), "oneHot: index +Inf at position 1 is not a whole number ≥ 0"},
		{"oneHot inferred nan", second(OneHot(must(New([]float32{float32(math.NaN())}, 1)), -1)), "oneHot: index NaN at position 0"},
		{"oneHot inferred negative", second(OneHot(must(New([]float32{-2}, 1)), 0)), "oneHot: index -2 at position 0 is not a whole number ≥ 0"},
		{"oneHot inferred huge", second(OneHot(must(New([]float32{1e30}, 1)), 0)), "oneHot: index 1e+30 at position 0 is not a whole number ≥ 0"},
		{"oneHot over budget", second(OneHot(must(New([]float32{0, 1, 2}, 3)), 1<<40)), "oneHot: shape [3, 1099511627776] needs"},
		{"pad", second(x.Pad([]int{1}, 0)), "pad: [1] must hold (before, after) pairs"},
		// Found by TestFuzzTTBadArguments: a billion empty pieces of an
		// empty dimension made Go's makeslice panic.
		{"chunk empty", secondList(must(Zeros(0)).Chunk(1_000_000_000, 0)), "chunk: 1000000000 chunks of the empty dimension 0 of shape [0], expected at most 65536"},
		{"where", second(Where(x, x, must(Zeros(4)))), "where: condition, a and b have shapes [2, 3], [2, 3] and [4]"},
	}
	for _, tc := range tests {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want %q", tc.name, tc.err, tc.want)
		}
	}
}

// second returns the error of a (value, error) pair.
func second(_ *Tensor, err error) error { return err }

// secondList returns the error of a ([]value, error) pair.
func secondList(_ []*Tensor, err error) error { return err }

// second2 returns the error of a (value, value, error) triple.
func second2(_, _ *Tensor, err error) error { return err }

func TestOpsOnStridedViews(t *testing.T) {
	x := must(arange(6).Reshape(2, 3))
	xt := must(x.Transpose(0, 1)) // [3 2], not contiguous
	if got := xt.String(); got != "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])" {
		t.Errorf("String of a transpose:\n%s", got)
	}
	// xᵀ·x computed from the view equals the product of copies.
	want := must(xt.Contiguous().Matmul(x)).Data()
	wantData(t, "matmul of a view", must(xt.Matmul(x)), []int{3, 3}, want)
	wantData(t, "add of views", must(xt.Add(must(x.Reshape(3, 2)))), []int{3, 2}, []float32{0, 4, 3, 7, 6, 10})
	wantData(t, "sum of a view", must(xt.Sum([]int{0}, false)), []int{2}, []float32{3, 12})
	if _, err := must(xt.Select(1, 1)).Item(); err == nil {
		t.Error("Item on 3 elements must fail")
	}
	if v, _ := must(must(xt.Select(0, 2)).Select(0, 1)).Item(); v != 5 {
		t.Errorf("Item of a view = %v, want 5", v)
	}
	if got := must(xt.Narrow(0, 1, 2)).ToNested(); !reflect.DeepEqual(got, []any{[]any{1.0, 4.0}, []any{2.0, 5.0}}) {
		t.Errorf("ToNested of a view = %v", got)
	}
}

// TestTransposedOperandGradient checks Linear's pattern, x·Wᵀ with W a
// leaf, whose gradient is computed in Wᵀ's layout (bmmGradLike) and split
// back by unbatchView: the same values as through a contiguous copy of
// Wᵀ, for one matrix, a batch of inputs and a batched transposed operand.
func TestTransposedOperandGradient(t *testing.T) {
	cases := []struct {
		name   string
		xShape []int
		wShape []int // W, used transposed in its last two dimensions
	}{
		{"matrix", []int{2, 4}, []int{3, 4}},
		{"batch times one matrix", []int{2, 5, 4}, []int{3, 4}},
		{"batched matrices", []int{2, 5, 4}, []int{2, 3, 4}},
	}
	for _, c := range cases {
		x := must(Randn(c.xShape...))
		wData := must(Randn(c.wShape...)).Data()
		grads := make([][]float32, 2)
		for i, viaCopy := range []bool{false, true} {
			w := param(t, wData, c.wShape...)
			wt := must(w.Transpose(-2, -1))
			if viaCopy {
				wt = wt.Contiguous()
			}
			y := must(x.Matmul(wt))
			if err := must(y.Mul(y)).SumAll().Backward(); err != nil {
				t.Fatal(err)
			}
			grads[i] = w.Grad().Data()
		}
		wantData(t, c.name, fromData(grads[0], c.wShape), c.wShape, grads[1])
	}
}

// max(dim) and min(dim) return PyTorch's pair (values, indices); the
// gradient goes to the chosen index only (first on ties), unlike amax.
func TestMaxMinDim(t *testing.T) {
	data := []float32{3, 1, 3, -2, 5, 0}
	tests := []struct {
		name          string
		op            func(x *Tensor) (*Tensor, *Tensor, error)
		shape         []int
		values, index []float32
		grad          []float32
	}{
		{"max rows", func(x *Tensor) (*Tensor, *Tensor, error) { return x.MaxDim(1, false) }, []int{2}, []float32{3, 5}, []float32{0, 1}, []float32{1, 0, 0, 0, 1, 0}},
		{"max cols keepdim", func(x *Tensor) (*Tensor, *Tensor, error) { return x.MaxDim(0, true) }, []int{1, 3}, []float32{3, 5, 3}, []float32{0, 1, 0}, []float32{1, 0, 1, 0, 1, 0}},
		{"min last", func(x *Tensor) (*Tensor, *Tensor, error) { return x.MinDim(-1, false) }, []int{2}, []float32{1, -2}, []float32{1, 0}, []float32{0, 1, 0, 1, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := param(t, append([]float32(nil), data...), 2, 3)
			v, i, err := tc.op(x)
			if err != nil {
				t.Fatal(err)
			}
			wantData(t, "values", v, tc.shape, tc.values)
			wantData(t, "indices", i, tc.shape, tc.index)
			if i.RequiresGrad() {
				t.Error("indices must not require grad")
			}
			if err := v.SumAll().Backward(); err != nil {
				t.Fatal(err)
			}
			wantData(t, "grad", x.Grad(), []int{2, 3}, tc.grad)
		})
	}
}

// StorageBytes counts a storage once, however many views share it, and
// whole, even when a view shows only part of it.
func TestStorageBytes(t *testing.T) {
	x := must(Zeros(4, 5))
	y := must(Zeros(3))
	tests := []struct {
		name string
		ts   []*Tensor
		want int
	}{
		{"one", []*Tensor{x}, 80},
		{"two storages", []*Tensor{x, y}, 92},
		{"views", []*Tensor{x, must(x.Transpose(0, 1)), must(x.View(20)), x.Detach()}, 80},
		{"narrow view alone", []*Tensor{must(x.Narrow(0, 1, 2))}, 80},
		{"copy", []*Tensor{x, x.Clone()}, 160},
		{"none", nil, 0},
	}
	for _, tc := range tests {
		if got := StorageBytes(tc.ts); got != tc.want {
			t.Errorf("%s: %d bytes, want %d", tc.name, got, tc.want)
		}
	}
}
