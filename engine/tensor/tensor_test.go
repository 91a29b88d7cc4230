package tensor

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func mustZeros(t *testing.T, shape ...int) *Tensor {
	t.Helper()
	x, err := Zeros(shape...)
	if err != nil {
		t.Fatalf("Zeros(%v): %v", shape, err)
	}
	return x
}

func mustNested(t *testing.T, v any) *Tensor {
	t.Helper()
	x, err := FromNested(v)
	if err != nil {
		t.Fatalf("FromNested(%v): %v", v, err)
	}
	return x
}

func TestFromNested(t *testing.T) {
	tests := []struct {
		name  string
		in    any
		shape []int
		data  []float32
	}{
		{"scalar", 3.5, nil, []float32{3.5}},
		{"vector", []any{1.0, 2, float32(3)}, []int{3}, []float32{1, 2, 3}},
		{"matrix", []any{[]any{1.0, 2.0}, []any{3.0, 4.0}}, []int{2, 2}, []float32{1, 2, 3, 4}},
		{"empty", []any{}, []int{0}, []float32{}},
		{"3-D", []any{[]any{[]any{1.0}, []any{2.0}}}, []int{1, 2, 1}, []float32{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := mustNested(t, tc.in)
			if !reflect.DeepEqual(x.Shape(), tc.shape) && !(len(tc.shape) == 0 && x.Dim() == 0) {
				t.Errorf("shape = %v, want %v", x.Shape(), tc.shape)
			}
			if !reflect.DeepEqual(x.Data(), tc.data) {
				t.Errorf("data = %v, want %v", x.Data(), tc.data)
			}
			if back := x.ToNested(); !reflect.DeepEqual(mustNested(t, back).Data(), tc.data) {
				t.Errorf("ToNested round trip = %v", back)
			}
		})
	}
}

func TestFromNestedErrors(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"short row", []any{[]any{1.0, 2.0}, []any{3.0}}, "element at [1] has length 1, expected 2"},
		{"scalar among rows", []any{[]any{1.0}, 2.0}, "element at [1] is a float64, expected an array of length 1"},
		{"string", []any{[]any{1.0, "x"}}, `element at [0][1] is the string "x", expected a number`},
		{"null", []any{nil}, "element at [0] is null, expected a number"},
		{"top-level string", "hi", `element at the top level is the string "hi"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromNested(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNestedArrays(t *testing.T) {
	tests := []struct {
		shape []int
		want  int
	}{
		{nil, 0},
		{[]int{0}, 1},
		{[]int{5}, 1},
		{[]int{3, 0}, 4},
		{[]int{2, 3, 4}, 1 + 2 + 6},
		{[]int{1_000_000_000, 0}, 1_000_000_001},
		{[]int{1 << 40, 1 << 40, 0}, math.MaxInt}, // saturates, not overflows
	}
	for _, tc := range tests {
		x := mustZeros(t, tc.shape...)
		if got := x.NestedArrays(); got != tc.want {
			t.Errorf("%v: NestedArrays() = %d, want %d", tc.shape, got, tc.want)
		}
		if tc.want > 0 && tc.want < 100 {
			if n := countArrays(x.ToNested()); n != tc.want {
				t.Errorf("%v: ToNested built %d arrays, NestedArrays said %d", tc.shape, n, tc.want)
			}
		}
	}
}

// countArrays counts the []any values in a nested result of ToNested.
func countArrays(v any) int {
	list, ok := v.([]any)
	if !ok {
		return 0
	}
	n := 1
	for _, x := range list {
		n += countArrays(x)
	}
	return n
}

func TestNewChecksLength(t *testing.T) {
	if _, err := New([]float32{1, 2, 3}, 2, 2); err == nil || !strings.Contains(err.Error(), "3 values do not fill shape [2, 2], which needs 4") {
		t.Fatalf("error = %v", err)
	}
	if _, err := Zeros(2, -1); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("error = %v", err)
	}
}

func TestMatmul(t *testing.T) {
	a := mustNested(t, []any{[]any{1.0, 2.0}, []any{3.0, 4.0}})
	b := mustNested(t, []any{[]any{5.0, 6.0}, []any{7.0, 8.0}})
	c, err := a.Matmul(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{19, 22, 43, 50}; !reflect.DeepEqual(c.Data(), want) {
		t.Errorf("matmul = %v, want %v", c.Data(), want)
	}
	r := mustNested(t, []any{[]any{1.0, 2.0, 3.0}})
	if _, err := a.Matmul(r); err == nil || !strings.Contains(err.Error(), "matmul: shapes [2, 2] and [1, 3] cannot be multiplied") {
		t.Errorf("error = %v", err)
	}
	if _, err := mustNested(t, 1.0).Matmul(a); err == nil || !strings.Contains(err.Error(), "both operands need at least 1 dimension") {
		t.Errorf("error = %v", err)
	}
}

func TestAddBroadcasts(t *testing.T) {
	tests := []struct {
		name  string
		a, b  any
		shape []int
		data  []float32
	}{
		{"same shape", []any{1.0, 2.0}, []any{10.0, 20.0}, []int{2}, []float32{11, 22}},
		{"row vector", []any{[]any{1.0, 2.0}, []any{3.0, 4.0}}, []any{10.0, 20.0}, []int{2, 2}, []float32{11, 22, 13, 24}},
		{"column", []any{[]any{1.0}, []any{2.0}}, []any{[]any{10.0, 20.0, 30.0}}, []int{2, 3}, []float32{11, 21, 31, 12, 22, 32}},
		{"scalar", 5.0, []any{1.0, 2.0}, []int{2}, []float32{6, 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := mustNested(t, tc.a).Add(mustNested(t, tc.b))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Shape(), tc.shape) || !reflect.DeepEqual(c.Data(), tc.data) {
				t.Errorf("add = %v %v, want %v %v", c.Shape(), c.Data(), tc.shape, tc.data)
			}
		})
	}
	_, err := mustNested(t, []any{1.0, 2.0, 3.0}).Add(mustNested(t, []any{1.0, 2.0}))
	if err == nil || !strings.Contains(err.Error(), "add: shapes [3] and [2] do not broadcast") {
		t.Errorf("error = %v", err)
	}
}

func TestString(t *testing.T) {
	big := make([]float32, 2000)
	for i := range big {
		big[i] = float32(i)
	}
	bigT, _ := New(big, 2, 1000)
	tests := []struct {
		name string
		in   *Tensor
		want string
	}{
		{"matrix of whole numbers", mustNested(t, []any{[]any{19.0, 22.0}, []any{43.0, 50.0}}), "tensor([[19., 22.],\n        [43., 50.]])"},
		{"fractions", mustNested(t, []any{0.5, -1.25}), "tensor([ 0.5000, -1.2500])"},
		{"scalar", mustNested(t, 3.0), "tensor(3.)"},
		{"wide range", mustNested(t, []any{1e-5, 1.0}), "tensor([1.0000e-05, 1.0000e+00])"},
		{"3-D", mustNested(t, []any{[]any{[]any{1.0}}, []any{[]any{2.0}}}), "tensor([[[1.]],\n\n        [[2.]]])"},
		// Empty tensors print as PyTorch 1.13 prints them (checked with it);
		// a billion empty rows must not be written out.
		{"empty vector", mustZeros(t, 0), "tensor([])"},
		{"empty rows", mustZeros(t, 3, 0), "tensor([], size=(3, 0))"},
		{"no rows", mustZeros(t, 0, 5), "tensor([], size=(0, 5))"},
		{"a billion empty rows", mustZeros(t, 1_000_000_000, 0), "tensor([], size=(1000000000, 0))"},
		{"elided", bigT, "tensor([[   0.,    1.,    2.,  ...,  997.,  998.,  999.],\n        [1000., 1001., 1002.,  ..., 1997., 1998., 1999.]])"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.String(); got != tc.want {
				t.Errorf("String() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
