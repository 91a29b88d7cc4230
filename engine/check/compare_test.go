package check

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// v makes a Value.
func v(shape []int, data ...float64) Value { return Value{Shape: shape, Data: data} }

// TestCompareDiagnoses checks each mistake on real values: the element
// named, and the mistake recognised (or none, for a difference with no
// pattern).
func TestCompareDiagnoses(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name      string
		got, want Value
		mistake   string
		index     []int // nil for a shape mismatch
		hint      string
	}{
		{"wrong sign", v([]int{2, 2}, -1, 2, -3, 4), v([]int{2, 2}, 1, -2, 3, -4), WrongSign, []int{0, 0}, ""},
		{"transposed square", v([]int{2, 2}, 1, 3, 2, 4), v([]int{2, 2}, 1, 2, 3, 4), Transposed, []int{0, 1}, ""},
		{"transposed shape", v([]int{3, 2}, 1, 4, 2, 5, 3, 6), v([]int{2, 3}, 1, 2, 3, 4, 5, 6), Transposed, nil, ""},
		{"missing sum over the batch", v([]int{2, 3}, 1, 2, 3, 10, 20, 30), v([]int{3}, 11, 22, 33), MissingSum, nil, "sum over dim 0, such as g.sum(0)"},
		{"missing sum keeping the dim", v([]int{2, 2}, 1, 2, 3, 4), v([]int{2, 1}, 3, 7), MissingSum, nil, "sum over dim 1 keeping it, such as g.sum(1, true)"},
		{"missing sum over two dims", v([]int{2, 2, 1}, 1, 2, 3, 4), v([]int{1}, 10), MissingSum, nil, "sum over dims 0 and 1, such as g.sum([0, 1])"},
		{"wrong shape, sums differ", v([]int{2, 3}, 1, 2, 3, 10, 20, 30), v([]int{3}, 1, 2, 3), WrongShape, nil, ""},
		{"wrong shape", v([]int{4}, 1, 2, 3, 4), v([]int{2, 3}, 1, 2, 3, 4, 5, 6), WrongShape, nil, ""},
		{"factor 2", v([]int{3}, 2, 4, -6), v([]int{3}, 1, 2, -3), ConstantFactor, []int{0}, "got 2 × the expected value; a factor of 2 in a derivative, or a step applied twice?"},
		{"mean instead of sum", v([]int{2}, 0.25, 0.5), v([]int{2}, 1, 2), ConstantFactor, []int{0}, "got 0.25 × the expected value; a mean where a sum was expected, or the other way round?"},
		{"NaN", v([]int{3}, 0.5, 1, nan), v([]int{3}, 1, 1, 1), NotANumber, []int{2}, ""},
		{"Infinity", v([]int{3}, 1, 1, inf), v([]int{3}, 1, 2, 1), Infinite, []int{2}, ""},
		{"all zeros", v([]int{2}, 0, 0), v([]int{2}, 1, -1), AllZeros, []int{0}, ""},
		{"NaN at the end of a vector", v([]int{2}, 1, nan), v([]int{2}, 1, 2), NotANumber, []int{1}, ""},
		{"last row", v([]int{3, 2}, 1, 2, 3, 4, nan, nan), v([]int{3, 2}, 1, 2, 3, 4, 5, 6), OffByOne, []int{2, 0}, "dim 0"},
		{"last column", v([]int{2, 3}, 1, 2, 0, 4, 5, 0), v([]int{2, 3}, 1, 2, 3, 4, 5, 6), OffByOne, []int{0, 2}, "dim 1"},
		{"first row", v([]int{2, 2}, 0, 0, 3, 4), v([]int{2, 2}, 1, 2, 3, 4), FirstOnly, []int{0, 0}, "dim 0"},
		{"no pattern", v([]int{3}, 1, 5, 3), v([]int{3}, 1, 2, 4), "", []int{1}, ""},
		{"symmetric is not transposed", v([]int{2, 2}, 9, 2, 2, 1), v([]int{2, 2}, 1, 2, 2, 1), "", []int{0, 0}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Compare(tt.got, tt.want, DefaultTolerance)
			if m == nil {
				t.Fatal("no mismatch")
			}
			if m.Mistake != tt.mistake || !slices.Equal(m.Index, tt.index) || m.Hint != tt.hint {
				t.Errorf("mistake %q at %v hint %q, want %q at %v hint %q", m.Mistake, m.Index, m.Hint, tt.mistake, tt.index, tt.hint)
			}
		})
	}
}

// TestCompareAccepts checks values within tolerance, and NaN and Inf where
// the reference has them too.
func TestCompareAccepts(t *testing.T) {
	tests := []struct{ got, want Value }{
		{v([]int{2}, 1.000001, 2), v([]int{2}, 1, 2)},
		{v([]int{2}, math.NaN(), math.Inf(-1)), v([]int{2}, math.NaN(), math.Inf(-1))},
		{v(nil, 3), v(nil, 3)},
		{v([]int{0, 3}), v([]int{0, 3})},
	}
	for _, tt := range tests {
		if m := Compare(tt.got, tt.want, DefaultTolerance); m != nil {
			t.Errorf("Compare(%v, %v) = %v, want nil", tt.got, tt.want, m)
		}
	}
	if m := Compare(v([]int{1}, 1.1), v([]int{1}, 1), DefaultTolerance); m == nil || m.Got != 1.1 || m.Want != 1 {
		t.Errorf("1.1 against 1: %v", m)
	}
}

// TestMismatchString checks the text a student reads.
func TestMismatchString(t *testing.T) {
	m := Compare(v([]int{2}, -1, -2), v([]int{2}, 1, 2), DefaultTolerance)
	want := "at [0]: expected 1, got -1\nlikely mistake: " + WrongSign
	if m.String() != want {
		t.Errorf("got %q, want %q", m.String(), want)
	}
	f := FromMismatch("linear", "size-1 dims", "x = [1, 3] [1, 2, 3]", "the gradient of input 3",
		Compare(v([]int{1, 3}, 1, 2, 3), v([]int{3}, 1, 2, 3), DefaultTolerance))
	msg := f.Message()
	for _, part := range []string{`linear: the gradient of input 3 differs on the case "size-1 dims"`, "input: x = [1, 3]", "expected shape [3], got shape [1, 3]", "likely mistake: " + MissingSum + " (sum over dim 0, such as g.sum(0))"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}
}

// TestShort checks the brief form of a case's input.
func TestShort(t *testing.T) {
	for _, tt := range []struct {
		v    Value
		want string
	}{
		{v(nil, 2.5), "2.5"},
		{v([]int{2}, 0.123456, -1000), "[2] [0.123, -1e+03]"},
		{v([]int{7}, 1, 2, 3, 4, 5, 6, 7), "[7] [1, 2, 3, 4, 5, 6, …]"},
	} {
		if got := Short(tt.v); got != tt.want {
			t.Errorf("Short(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
