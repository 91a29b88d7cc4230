package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Tolerance is how far an element may be from the expected one and still
// count as equal: |got - want| ≤ Atol + Rtol·|want|, as numpy's allclose.
type Tolerance struct{ Atol, Rtol float64 }

// DefaultTolerance suits float32 results of short computations.
var DefaultTolerance = Tolerance{Atol: 1e-5, Rtol: 1e-4}

// close reports whether got equals want within tol; NaN equals NaN and an
// infinity equals the same infinity, so a reference that overflows does
// not fail a student who overflows too.
func (tol Tolerance) close(got, want float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return got == want
	}
	return math.Abs(got-want) <= tol.Atol+tol.Rtol*math.Abs(want)
}

// Mismatch is how got differs from the expected value: the first element
// that differs (or the two shapes) and the mistake that explains the
// difference, when one is recognised.
type Mismatch struct {
	// Mistake names the mistake (one of the constants of mistakes.go), or
	// is empty when no pattern is recognised.
	Mistake string
	// Hint says more about the mistake: the dims to sum over, the factor.
	Hint string
	// Index is the first element that differs, nil when the shapes differ.
	Index     []int
	Got, Want float64
	// GotShape and WantShape are the two shapes.
	GotShape, WantShape []int
}

// String describes the mismatch in one or two lines.
func (m *Mismatch) String() string {
	var b strings.Builder
	if m.Index == nil {
		fmt.Fprintf(&b, "expected shape %s, got shape %s", FormatShape(m.WantShape), FormatShape(m.GotShape))
	} else {
		fmt.Fprintf(&b, "at %s: expected %s, got %s", FormatShape(m.Index), FormatNumber(m.Want), FormatNumber(m.Got))
	}
	if m.Mistake != "" {
		b.WriteString("\nlikely mistake: " + m.Mistake)
		if m.Hint != "" {
			b.WriteString(" (" + m.Hint + ")")
		}
	}
	return b.String()
}

// Compare returns nil when got equals want within tol, element by element
// and in shape, and otherwise the mismatch, diagnosed (mistakes.go).
func Compare(got, want Value, tol Tolerance) *Mismatch {
	if !slices.Equal(got.Shape, want.Shape) {
		m := &Mismatch{Mistake: WrongShape, GotShape: got.Shape, WantShape: want.Shape}
		diagnoseShape(m, got, want, tol)
		return m
	}
	first := -1
	for j := range want.Data {
		if !tol.close(got.Data[j], want.Data[j]) {
			first = j
			break
		}
	}
	if first < 0 {
		return nil
	}
	m := &Mismatch{Index: Index(want.Shape, first), Got: got.Data[first], Want: want.Data[first],
		GotShape: got.Shape, WantShape: want.Shape}
	diagnoseValues(m, got, want, tol)
	return m
}

// at sets the mismatch's element to flat position j.
func (m *Mismatch) at(j int, got, want Value) {
	m.Index, m.Got, m.Want = Index(want.Shape, j), got.Data[j], want.Data[j]
}

// IsZero reports whether every element of v is exactly 0.
func IsZero(v Value) bool {
	for _, x := range v.Data {
		if x != 0 {
			return false
		}
	}
	return true
}
