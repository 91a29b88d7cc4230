package tensor

import (
	"strconv"
	"strings"
)

// FormatShape writes a shape as PyTorch prints one, [2, 3] ([] for a
// scalar), so that error messages show shapes as the outputs do. Every
// error of the engine (tensor, nn, loss, optim, data, train) that names a
// shape formats it here.
func FormatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// countOf writes n with its unit, singular for 1: "1 row", "2 rows".
func countOf(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
