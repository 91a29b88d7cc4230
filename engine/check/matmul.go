package check

import "math"

// Matmul is the reference C = A·B for row-major matrices without gaps, A
// m×k and B k×n, the contract of a kernel a student writes, summed in
// float64.
func Matmul(m, n, k int, a, b []float64) []float64 {
	return matmulBy(m, n, k, func(i, p int) float64 { return a[i*k+p] }, func(p, j int) float64 { return b[p*n+j] }, k)
}

// matmulBy computes C with the elements of A and B read by at and bt and
// the inner loop run over terms < k terms.
func matmulBy(m, n, _ int, at func(i, p int) float64, bt func(p, j int) float64, terms int) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range terms {
				s += at(i, p) * bt(p, j)
			}
			c[i*n+j] = s
		}
	}
	return c
}

// The mistakes MatmulMistake recognises, beyond Compare's.
const (
	KLoopShort       = "off by one in the k loop: the sum stops one term short (p < k - 1?)"
	ReadATransposed  = "transposed operand: a is read as k×m (a[p * m + i] instead of a[i * k + p])"
	ReadBTransposed  = "transposed operand: b is read as n×k (b[j * k + p] instead of b[p * n + j])"
	WroteCTransposed = "c is written transposed (c[j * m + i] instead of c[i * n + j])"
	StartsFromNaN    = "c starts as NaN: set each element (or c.fill(0)) before adding to it"
)

// MatmulMistake names the mistake of a kernel that computed got for the
// m×k by k×n product of a and b, by comparing got with what each common
// mistake computes; "" when none matches. Use m, n, k ≥ 2 and all
// different, so that the mistakes give different results.
func MatmulMistake(m, n, k int, a, b, got []float64, tol Tolerance) string {
	if len(got) == m*n && m*n > 0 && allNaN(got) {
		return StartsFromNaN
	}
	variants := []struct {
		mistake string
		c       []float64
	}{
		{KLoopShort, matmulBy(m, n, k, func(i, p int) float64 { return a[i*k+p] }, func(p, j int) float64 { return b[p*n+j] }, k-1)},
		{ReadATransposed, matmulBy(m, n, k, func(i, p int) float64 { return at(a, p*m+i) }, func(p, j int) float64 { return b[p*n+j] }, k)},
		{ReadBTransposed, matmulBy(m, n, k, func(i, p int) float64 { return a[i*k+p] }, func(p, j int) float64 { return at(b, j*k+p) }, k)},
		{WroteCTransposed, transpose(Matmul(m, n, k, a, b), m, n)},
	}
	for _, v := range variants {
		if len(v.c) == len(got) && Compare(Value{Shape: []int{len(got)}, Data: got}, Value{Shape: []int{len(got)}, Data: v.c}, tol) == nil {
			return v.mistake
		}
	}
	return ""
}

// at reads x[i], NaN outside x (what a student's out-of-range read gives:
// undefined, which arithmetic makes NaN).
func at(x []float64, i int) float64 {
	if i < 0 || i >= len(x) {
		return math.NaN()
	}
	return x[i]
}

// transpose returns the m×n matrix c, as written into an n×m layout:
// element (i, j) at j*m + i.
func transpose(c []float64, m, n int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			out[j*m+i] = c[i*n+j]
		}
	}
	return out
}

// allNaN reports whether every element is NaN.
func allNaN(x []float64) bool {
	for _, v := range x {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}
