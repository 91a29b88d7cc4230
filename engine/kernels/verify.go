package kernels

import (
	"fmt"
	"math"
)

// Verify runs a candidate kernel on a fixed set of problems and compares
// each result with a float64 reference, within the accuracy bound of the
// contract (see the package doc). Register calls it before accepting a
// kernel; call it directly to check a kernel without registering it.
//
// The problems cover what kernels get wrong: 1×1, empty (m, n or k = 0),
// thin (one row, one column, k = 1), sizes that are not multiples of any
// block or tile and that cross the built-in block sizes, both transposes,
// alpha and beta other than 1 and 0, and leading dimensions longer than
// the rows. Each matrix is surrounded by guards: the gaps a leading
// dimension leaves and the elements after C's last row (inside the
// slice's capacity) hold a sentinel that must survive, and A and B must
// come back unchanged. With beta = 0, C starts as NaN, so an element the
// kernel never writes shows.
//
// The error says which problem failed and how: the first element that
// differs (row, column, expected, got), a write outside C, a change to A
// or B, or a panic, with its message.
func Verify(name string, fn Func) error {
	for _, p := range verifyProblems() {
		if err := p.verify(fn); err != nil {
			return fmt.Errorf("kernel %q: %v for %s", name, err, p)
		}
	}
	return nil
}

// verifyProblem is one call of a kernel under test, with guarded storage.
type verifyProblem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int // added to every leading dimension
}

// String describes the call, for error messages.
func (p verifyProblem) String() string {
	s := fmt.Sprintf("m=%d, n=%d, k=%d", p.m, p.n, p.k)
	if p.transA || p.transB {
		s += fmt.Sprintf(", transA=%v, transB=%v", p.transA, p.transB)
	}
	if p.alpha != 1 || p.beta != 0 {
		s += fmt.Sprintf(", alpha=%g, beta=%g", p.alpha, p.beta)
	}
	if p.pad > 0 {
		s += fmt.Sprintf(", leading dimensions %d longer than the rows", p.pad)
	}
	return s
}

// verifyProblems lists the problems Verify runs: the plain product on the
// edge shapes first (so that a wrong kernel fails on the simplest case
// that shows it), then transposes, scalars and padding, then random
// shapes from a fixed seed (so that a failure can be reproduced). The
// sizes stay small, because the browser's kernel program registers its
// WebAssembly kernels at start-up: thin shapes cross the built-in block
// sizes (64, 256, 512) at little cost, and 13×33 crosses the largest
// register tile (12×32).
func verifyProblems() []verifyProblem {
	shapes := [][3]int{
		{1, 1, 1}, {2, 3, 4}, {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {0, 0, 0},
		{1, 7, 5}, {7, 1, 5}, {5, 6, 1}, {1, 1, 37},
		{13, 17, 19}, {13, 33, 9}, {67, 3, 5}, {3, 5, 67}, {2, 259, 3},
		{3, 4, 300}, {2, 600, 3}, {200, 2, 3},
	}
	var ps []verifyProblem
	for _, s := range shapes {
		ps = append(ps, verifyProblem{m: s[0], n: s[1], k: s[2], alpha: 1})
	}
	for i, s := range shapes[:13] {
		ps = append(ps, verifyProblem{transA: i%2 == 0, transB: i%3 != 1, m: s[0], n: s[1], k: s[2],
			alpha: []float32{1, 0.5, -2, 0}[i%4], beta: []float32{0, 1, 0.25}[i%3], pad: i % 3})
	}
	seed := uint32(2024)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>16) % n
	}
	for range 6 {
		ps = append(ps, verifyProblem{transA: next(2) == 1, transB: next(2) == 1,
			m: 1 + next(24), n: 1 + next(24), k: 1 + next(24), alpha: 1, beta: float32(next(2)), pad: next(3)})
	}
	return ps
}

// guard fills the places no kernel may write: a NaN with a payload of its
// own, compared bit for bit, so that no computed value can equal it.
var guard = math.Float32frombits(0x7fa0beef)

// guardLen is the number of guard elements after C's last row.
const guardLen = 8

// verify runs fn on this problem and checks the result.
func (p verifyProblem) verify(fn Func) error {
	aRows, aCols := p.m, p.k
	if p.transA {
		aRows, aCols = p.k, p.m
	}
	bRows, bCols := p.k, p.n
	if p.transB {
		bRows, bCols = p.n, p.k
	}
	a, lda := testMatrix(aRows, aCols, p.pad, 1)
	b, ldb := testMatrix(bRows, bCols, p.pad, 2)
	c, ldc := testMatrix(p.m, p.n, p.pad, 3)
	if p.beta == 0 {
		for i := 0; i < p.m; i++ {
			for j := 0; j < p.n; j++ {
				c[i*ldc+j] = float32(math.NaN())
			}
		}
	}
	a0, b0, c0 := append([]float32(nil), a...), append([]float32(nil), b...), append([]float32(nil), c...)
	// C's slice ends at its last element but its capacity runs on into
	// guardLen guards: a kernel that reslices past the end writes there.
	cbuf := append(c, make([]float32, guardLen)...)
	for i := len(c); i < len(cbuf); i++ {
		cbuf[i] = guard
	}
	if err := call(fn, p, a, lda, b, ldb, cbuf[:len(c)], ldc); err != nil {
		return err
	}
	if err := unchanged("A", a, a0); err != nil {
		return err
	}
	if err := unchanged("B", b, b0); err != nil {
		return err
	}
	for i := len(c); i < len(cbuf); i++ {
		if math.Float32bits(cbuf[i]) != math.Float32bits(guard) {
			return fmt.Errorf("wrote out of bounds: element %d after the end of C (%d elements) changed to %g", i-len(c), len(c), cbuf[i])
		}
	}
	return p.compare(a0, lda, b0, ldb, c0, cbuf, ldc)
}

// call runs fn, turning a panic into an error.
func call(fn Func, p verifyProblem, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panicked (%v)", r)
		}
	}()
	fn(p.transA, p.transB, p.m, p.n, p.k, p.alpha, a, lda, b, ldb, p.beta, c, ldc)
	return nil
}

// unchanged reports a kernel that wrote into one of its inputs.
func unchanged(which string, got, want []float32) error {
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return fmt.Errorf("modified its input %s: element %d changed from %g to %g", which, i, want[i], got[i])
		}
	}
	return nil
}

// compare checks every element of C against the float64 reference and
// the gaps between C's rows against the guard.
func (p verifyProblem) compare(a []float32, lda int, b []float32, ldb int, c0, c []float32, ldc int) error {
	for i := 0; i < p.m; i++ {
		for j := 0; j < ldc && i*ldc+j < len(c0); j++ {
			got := c[i*ldc+j]
			if j >= p.n {
				if math.Float32bits(got) != math.Float32bits(guard) {
					return fmt.Errorf("wrote out of bounds: C[%d, %d], in the gap after row %d's %d columns (ldc=%d), changed to %g", i, j, i, p.n, ldc, got)
				}
				continue
			}
			want, bound := 0.0, 0.0
			if p.alpha != 0 {
				for q := 0; q < p.k; q++ {
					x, y := float64(at(a, lda, p.transA, i, q)), float64(at(b, ldb, p.transB, q, j))
					want += x * y
					bound += math.Abs(x * y)
				}
			}
			want *= float64(p.alpha)
			bound *= math.Abs(float64(p.alpha))
			if p.beta != 0 {
				old := float64(c0[i*ldc+j])
				want += float64(p.beta) * old
				bound += math.Abs(float64(p.beta) * old)
			}
			if math.IsNaN(float64(got)) || math.Abs(float64(got)-want) > float64(p.k+4)*eps32*bound {
				return fmt.Errorf("wrong result at C[%d, %d] (row %d, col %d): expected %.7g, got %.7g%s", i, j, i, j, want, got, neverWritten(got, p.beta))
			}
		}
	}
	return nil
}

// eps32 is float32's unit roundoff, 2⁻²⁴.
const eps32 = 1.0 / (1 << 24)

// neverWritten explains a NaN where C started as NaN.
func neverWritten(got, beta float32) string {
	if math.IsNaN(float64(got)) && beta == 0 {
		return " (C started as NaN: the element was never written (or added to instead of overwritten), or the kernel read a gap of A or B, which hold NaN)"
	}
	return ""
}

// testMatrix returns a rows×cols matrix of values in [-1, 1) from a fixed
// generator, with leading dimension cols+pad and guards in the gaps.
func testMatrix(rows, cols, pad int, seed uint32) ([]float32, int) {
	ld := max(cols+pad, 1)
	x := make([]float32, rows*ld)
	s := seed * 2654435761
	for i := range x {
		if i%ld >= cols {
			x[i] = guard
			continue
		}
		s = s*1664525 + 1013904223
		x[i] = float32(s>>8)/float32(1<<23) - 1
	}
	return x, ld
}
