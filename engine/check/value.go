package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Value is a tensor as the checks see it: a shape and its elements in
// row-major order, as float64 (a float32 tensor converts exactly). A number
// is a Value of shape [].
type Value struct {
	Shape []int
	Data  []float64
}

// Numel is the number of elements the shape holds.
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// FormatShape writes a shape or an index as PyTorch prints a shape: [2, 3].
func FormatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Index returns the index, one entry per dimension, of the flat position
// j in a row-major tensor of the given shape.
func Index(shape []int, j int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = j % shape[d]
			j /= shape[d]
		}
	}
	return idx
}

// FormatNumber writes x short and exact enough to compare by eye:
// 6 significant digits, NaN and ±Inf as JavaScript writes them.
func FormatNumber(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// Short writes a value briefly, for the input of a failed case: the
// shape and up to six elements ("[2, 3] [0.1, -2, 3.5, 1, 0, 4, …]"), or
// the number for a scalar.
func Short(v Value) string {
	if len(v.Shape) == 0 && len(v.Data) == 1 {
		return FormatNumber(v.Data[0])
	}
	const shown = 6
	parts := make([]string, 0, shown+1)
	for i, x := range v.Data {
		if i == shown {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.FormatFloat(x, 'g', 3, 64))
	}
	return fmt.Sprintf("%s [%s]", FormatShape(v.Shape), strings.Join(parts, ", "))
}
