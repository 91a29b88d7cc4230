package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The mistakes a check names. They are phrases for a student, shown after
// "likely mistake:".
const (
	WrongShape     = "wrong shape"
	Transposed     = "transposed: the result is the transpose of the expected one"
	WrongSign      = "wrong sign: every element has the opposite sign"
	MissingSum     = "missing sum over a broadcast dimension"
	ConstantFactor = "off by a constant factor"
	NotANumber     = "NaN where a number was expected"
	Infinite       = "Infinity where a finite number was expected"
	AllZeros       = "all zeros: nothing was computed, or no gradient reached it"
	OffByOne       = "off by one: only the last along one dimension differs (a loop that stops one short?)"
	FirstOnly      = "off by one: only the first along one dimension differs (a loop that starts at 1?)"
	NotWritten     = "not written yet (the starter's tt.todo)"
	ReturnsNothing = "returns nothing (a missing return?)"
)

// diagnoseShape names the mistake behind a wrong shape: a transpose, or a
// sum over a broadcast dimension left out (a bias's gradient of shape
// [batch, features] where [features] was expected).
func diagnoseShape(m *Mismatch, got, want Value, tol Tolerance) {
	if len(got.Data) != Numel(got.Shape) || len(want.Data) != Numel(want.Shape) {
		return
	}
	if len(got.Shape) == 2 && len(want.Shape) == 2 && got.Shape[0] == want.Shape[1] && got.Shape[1] == want.Shape[0] &&
		transposeOf(got, want, tol) {
		m.Mistake = Transposed
		return
	}
	dims, ok := broadcastDims(want.Shape, got.Shape)
	if !ok || len(dims) == 0 {
		return
	}
	sum := SumTo(got, want.Shape)
	for j := range want.Data {
		if !tol.close(sum.Data[j], want.Data[j]) {
			return
		}
	}
	m.Mistake = MissingSum
	m.Hint = "sum over " + dimsText(dims) + ", such as g.sum(" + dimArg(dims) + ")"
	if len(want.Shape) == len(got.Shape) {
		m.Hint = "sum over " + dimsText(dims) + " keeping it, such as g.sum(" + dimArg(dims) + ", true)"
	}
}

// diagnoseValues names the mistake behind elements that differ in a
// result of the right shape. The first element that differs is already
// in m; a NaN or an off-by-one moves it to the element that shows it.
func diagnoseValues(m *Mismatch, got, want Value, tol Tolerance) {
	if d, last, ok := edgeOnly(got, want, tol); ok {
		m.Mistake = FirstOnly
		if last {
			m.Mistake = OffByOne
		}
		m.Hint = fmt.Sprintf("dim %d", d)
		return
	}
	for j, w := range want.Data {
		g := got.Data[j]
		if !math.IsNaN(w) && math.IsNaN(g) {
			m.at(j, got, want)
			m.Mistake = NotANumber
			return
		}
		if !math.IsInf(w, 0) && math.IsInf(g, 0) {
			m.at(j, got, want)
			m.Mistake = Infinite
			return
		}
	}
	switch {
	case allZero(got) && !allClose(want, 0, tol):
		m.Mistake = AllZeros
	case scaledBy(got, want, -1, tol):
		m.Mistake = WrongSign
	case len(want.Shape) == 2 && want.Shape[0] == want.Shape[1] && transposeOf(got, want, tol):
		m.Mistake = Transposed
	default:
		if c, ok := constantFactor(got, want, tol); ok {
			m.Mistake = ConstantFactor
			m.Hint = "got " + FormatNumber(c) + " × the expected value" + factorNote(c)
		}
	}
}

// factorNote suggests where a common factor comes from.
func factorNote(c float64) string {
	switch {
	case c == 2 || c == 0.5:
		return "; a factor of 2 in a derivative, or a step applied twice?"
	case math.Abs(c-math.Round(c)) < 1e-6 || math.Abs(1/c-math.Round(1/c)) < 1e-6:
		return "; a mean where a sum was expected, or the other way round?"
	}
	return ""
}

// transposeOf reports whether got is want transposed (want is 2-D; got
// has its two dimensions swapped, or the same ones when square).
func transposeOf(got, want Value, tol Tolerance) bool {
	r, c := want.Shape[0], want.Shape[1]
	if r*c == 0 {
		return false
	}
	differs := false
	for i := range r {
		for j := range c {
			w, g := want.Data[i*c+j], got.Data[j*r+i]
			if !tol.close(g, w) {
				return false
			}
			differs = differs || !tol.close(want.Data[j*r+i], w)
		}
	}
	// A symmetric matrix is its own transpose: that says nothing.
	return differs || !slices.Equal(got.Shape, want.Shape)
}

// scaledBy reports whether got is c·want element by element, and not
// trivially (want all zero).
func scaledBy(got, want Value, c float64, tol Tolerance) bool {
	if allClose(want, 0, tol) {
		return false
	}
	scaled := Tolerance{Atol: tol.Atol * math.Max(1, math.Abs(c)), Rtol: tol.Rtol}
	for j, w := range want.Data {
		if !scaled.close(got.Data[j], c*w) {
			return false
		}
	}
	return true
}

// constantFactor finds c ≠ 1 with got = c·want, taking c from the largest
// expected element.
func constantFactor(got, want Value, tol Tolerance) (float64, bool) {
	big := -1
	for j, w := range want.Data {
		if big < 0 || math.Abs(w) > math.Abs(want.Data[big]) {
			big = j
		}
	}
	if big < 0 || want.Data[big] == 0 {
		return 0, false
	}
	c := got.Data[big] / want.Data[big]
	if math.IsNaN(c) || math.IsInf(c, 0) || c == 0 || math.Abs(c-1) < 1e-3 {
		return 0, false
	}
	// Round to 4 digits, so that 2.0000003 reads 2.
	c = roundTo(c, 4)
	return c, scaledBy(got, want, c, Tolerance{Atol: tol.Atol, Rtol: math.Max(tol.Rtol, 1e-3)})
}

// roundTo rounds x to n significant digits.
func roundTo(x float64, n int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(n-1)-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// edgeOnly reports whether every element that differs lies on the last
// (or every one on the first) slice along one dimension of size ≥ 2, the
// mark of a loop bound off by one; it moves nothing. d is the dimension.
func edgeOnly(got, want Value, tol Tolerance) (d int, last, ok bool) {
	var bad [][]int
	for j := range want.Data {
		if !tol.close(got.Data[j], want.Data[j]) {
			bad = append(bad, Index(want.Shape, j))
		}
	}
	if len(bad) == 0 {
		return 0, false, false
	}
	for d, n := range want.Shape {
		if n < 2 {
			continue
		}
		for _, edge := range []int{n - 1, 0} {
			all := true
			for _, idx := range bad {
				all = all && idx[d] == edge
			}
			// Every element of the slice must differ, or one wrong
			// element in a corner would count; and the slice must hold
			// two or more, or any one wrong element would.
			if all && len(bad) == len(want.Data)/n && len(bad) >= 2 {
				return d, edge == n-1, true
			}
		}
	}
	return 0, false, false
}

// allZero reports whether every element is exactly 0.
func allZero(v Value) bool {
	for _, x := range v.Data {
		if x != 0 {
			return false
		}
	}
	return len(v.Data) > 0
}

// allClose reports whether every element is within tol of x.
func allClose(v Value, x float64, tol Tolerance) bool {
	for _, y := range v.Data {
		if !tol.close(y, x) {
			return false
		}
	}
	return true
}

// broadcastDims reports whether a tensor of shape from broadcasts to shape
// to, and the dims of to that the broadcast adds or stretches: the dims a
// gradient of shape to must be summed over to get from's shape.
func broadcastDims(from, to []int) ([]int, bool) {
	lead := len(to) - len(from)
	if lead < 0 {
		return nil, false
	}
	var dims []int
	for d := range to {
		switch {
		case d < lead:
			dims = append(dims, d)
		case from[d-lead] == to[d]:
		case from[d-lead] == 1:
			dims = append(dims, d)
		default:
			return nil, false
		}
	}
	return dims, true
}

// SumTo sums v down to shape, which must broadcast to v's shape: what
// autograd does to the gradient of a broadcast input.
func SumTo(v Value, shape []int) Value {
	out := Value{Shape: slices.Clone(shape), Data: make([]float64, Numel(shape))}
	lead := len(v.Shape) - len(shape)
	for j, x := range v.Data {
		idx := Index(v.Shape, j)
		k := 0
		for d, n := range shape {
			i := idx[lead+d]
			if n == 1 {
				i = 0
			}
			k = k*n + i
		}
		out.Data[k] += x
	}
	return out
}

// dimsText writes dims for a sentence: "dim 0", "dims 0 and 2".
func dimsText(dims []int) string {
	if len(dims) == 1 {
		return fmt.Sprintf("dim %d", dims[0])
	}
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprint(d)
	}
	return "dims " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// dimArg writes dims as a sum's argument: 0, or [0, 2].
func dimArg(dims []int) string {
	if len(dims) == 1 {
		return fmt.Sprint(dims[0])
	}
	return FormatShape(dims)
}
