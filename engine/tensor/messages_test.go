package tensor

import (
	"strings"
	"testing"
)

// Error messages write shapes as PyTorch prints them, [2, 3], through
// FormatShape, with correct plurals, and say when a dimension is empty.
func TestErrorMessagesWording(t *testing.T) {
	x := must(Zeros(2, 3))
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"matmul, one row", second(x.Matmul(must(Zeros(1, 3)))), "inner dimensions 3 and 1 differ (the first has 3 columns, the second 1 row)"},
		{"matmul, one column", second(must(Zeros(2, 1)).Matmul(must(Zeros(2, 2)))), "(the first has 1 column, the second 2 rows)"},
		{"select on an empty dim", second(must(Zeros(2, 0)).Select(1, 0)), "select: dimension 1 of shape [2, 0] is empty, so it has no index 0"},
		{"broadcast", second(x.Add(must(Zeros(4)))), "add: shapes [2, 3] and [4] do not broadcast"},
		{"item", func() error { _, err := x.Item(); return err }(), "tensor.Item: tensor of shape [2, 3] has 6 elements"},
		{"dim out of range", second(x.Sum([]int{2}, false)), "sum: dimension 2 is out of range for shape [2, 3], expected -2 to 1"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error = %v, want %q", c.name, c.err, c.want)
		}
	}
	for _, shape := range [][]int{nil, {0}, {2, 3}, {1, 2, 3}} {
		want := map[int]string{0: "[]", 1: "[0]", 2: "[2, 3]", 3: "[1, 2, 3]"}[len(shape)]
		if got := FormatShape(shape); got != want {
			t.Errorf("FormatShape(%v) = %q, want %q", shape, got, want)
		}
	}
}
