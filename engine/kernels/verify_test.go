package kernels

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/bench"
)

// studentBlocked is the blocked kernel a student writes for MatmulFunc:
// the i-k-j loop in bs×bs blocks. offByOne breaks it the two common ways:
// "end" stops every block one short of the matrix's end (min(…, n-1)),
// "past" runs the column loop one past the end (j <= …).
func studentBlocked(bs int, offByOne string) MatmulFunc {
	return func(m, n, k int, a, b, c []float32) {
		clear(c)
		last := func(start, size int) int {
			if offByOne == "end" {
				return min(start+bs, size-1)
			}
			return min(start+bs, size)
		}
		for i0 := 0; i0 < m; i0 += bs {
			for p0 := 0; p0 < k; p0 += bs {
				for j0 := 0; j0 < n; j0 += bs {
					j1 := last(j0, n)
					if offByOne == "past" {
						j1++
					}
					for i := i0; i < last(i0, m); i++ {
						for p := p0; p < last(p0, k); p++ {
							aip := a[i*k+p]
							for j := j0; j < j1; j++ {
								c[i*n+j] += aip * b[p*n+j]
							}
						}
					}
				}
			}
		}
	}
}

// TestVerifyBuiltins: every built-in variant passes the check that
// Register applies, so the check's bound is not too tight for SIMD and
// blocked summation orders.
func TestVerifyBuiltins(t *testing.T) {
	for _, name := range Names() {
		fn, _ := Lookup(name)
		if err := Verify(name, fn); err != nil {
			t.Errorf("built-in %s: %v", name, err)
		}
	}
}

// TestRegisterChecksTheKernel: a correct student kernel is accepted and
// then runs every matmul; wrong ones are refused with the problem and the
// first wrong element, or the panic, or the out-of-bounds write.
func TestRegisterChecksTheKernel(t *testing.T) {
	// naiveOffByOne is a full-contract kernel that writes one column past
	// n: into the gap of a strided C.
	naiveOffByOne := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		naive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		for i := 0; i < m && n < ldc; i++ {
			c[i*ldc+n] = 0
		}
	}
	// grows writes past the end of C through the slice's capacity.
	grows := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		naive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if cap(c) > len(c) {
			c[:len(c)+1][len(c)] = 1
		}
	}
	// writesA overwrites its input.
	writesA := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		naive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if len(a) > 0 {
			a[0] = 42
		}
	}
	cases := []struct {
		name string
		fn   Func
		want string // "" for accepted; else a substring of the error
	}{
		{"blocked 4×4", Plain(studentBlocked(4, "")), ""},
		{"blocked 32×32", Plain(studentBlocked(32, "")), ""},
		{"off by one at the end", Plain(studentBlocked(4, "end")),
			`kernels.Register: kernel "off by one at the end": wrong result at C[0, 0] (row 0, col 0): expected 0.213311, got 0 for m=1, n=1, k=1; the kernel was not registered`},
		{"off by one past the end", Plain(studentBlocked(4, "past")),
			`kernel "off by one past the end": panicked (runtime error: index out of range [1] with length 1) for m=1, n=1, k=1`},
		{"writes the gap of a strided C", naiveOffByOne,
			`wrote out of bounds: C[0, 0], in the gap after row 0's 0 columns (ldc=1), changed to 0 for m=3, n=0, k=4`},
		{"writes past C's end", grows, `wrote out of bounds: element 0 after the end of C (1 elements) changed to 1 for m=1, n=1, k=1`},
		{"modifies A", writesA, `modified its input A: element 0 changed from`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Register(c.name, c.fn)
			registered := slices.Contains(Names(), c.name)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("a correct kernel is refused: %v", err)
			case c.want == "":
				if !registered {
					t.Fatal("accepted but not in Names()")
				}
			case err == nil:
				t.Fatal("a wrong kernel is accepted")
			case !strings.Contains(err.Error(), c.want):
				t.Errorf("error\n%s\nwant it to contain\n%s", err, c.want)
			case registered:
				t.Error("a refused kernel is in Names()")
			}
		})
	}
}

// TestRegisterReplaces: registering a name again replaces the kernel, also
// behind Matmul when it is in use, and keeps its place in Names.
func TestRegisterReplaces(t *testing.T) {
	calls := [2]int{}
	counting := func(i int) MatmulFunc {
		return func(m, n, k int, a, b, c []float32) {
			calls[i]++
			studentBlocked(8, "")(m, n, k, a, b, c)
		}
	}
	if err := RegisterMatmul("counting", counting(0)); err != nil {
		t.Fatal(err)
	}
	names := Names()
	prev := Current()
	defer func() { _ = Use(prev) }()
	if err := Use("counting"); err != nil {
		t.Fatal(err)
	}
	if err := RegisterMatmul("counting", counting(1)); err != nil {
		t.Fatal(err)
	}
	calls = [2]int{}
	c := make([]float32, 4)
	Matmul(false, false, 2, 2, 2, 1, []float32{1, 2, 3, 4}, 2, []float32{5, 6, 7, 8}, 2, 0, c, 2)
	if !slices.Equal(c, []float32{19, 22, 43, 50}) || calls != [2]int{0, 1} {
		t.Errorf("C = %v with calls %v; want [19 22 43 50] from the new kernel alone", c, calls)
	}
	if !slices.Equal(Names(), names) || Current() != "counting" {
		t.Errorf("Names() %v (was %v), Current() %q", Names(), names, Current())
	}
}

// BenchmarkRegistered compares a student's blocked kernel, registered
// through RegisterMatmul (so called through Plain), with the built-in
// blocked and simd variants on n×n matrices, one thread. It also times
// Verify, the cost Register adds.
func BenchmarkRegistered(b *testing.B) {
	defer SetThreads(SetThreads(1))
	if err := RegisterMatmul("bench-student-blocked", studentBlocked(64, "")); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"bench-student-blocked", "blocked", "simd"} {
		fn, _ := Lookup(name)
		for _, n := range []int{64, 256} {
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) { benchSquare(b, fn, n) })
		}
	}
	b.Run("Verify", func(b *testing.B) {
		fn := Plain(studentBlocked(64, ""))
		for b.Loop() {
			if err := Verify("student", fn); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRegisteredRatio measures the registered student kernel against
// the built-in "blocked" and "simd" (one thread) on 128×128 matrices,
// interleaved by engine/bench's Compare, and reports each built-in's
// speed relative to the student's. Run it with -benchtime 1x.
func BenchmarkRegisteredRatio(b *testing.B) {
	defer SetThreads(SetThreads(1))
	if err := RegisterMatmul("bench-student-blocked", studentBlocked(64, "")); err != nil {
		b.Fatal(err)
	}
	const n = 128
	x, y, z := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range x {
		x[i], y[i] = float32(i%7)*0.25, float32(i%5)*0.5
	}
	var cands []bench.Candidate
	for _, name := range []string{"bench-student-blocked", "blocked", "simd"} {
		fn, _ := Lookup(name)
		cands = append(cands, bench.Candidate{Name: name, Fn: func() { fn(false, false, n, n, n, 1, x, n, y, n, 0, z, n) }})
	}
	for b.Loop() {
		c := bench.Compare(cands, bench.Options{Iterations: 30, FLOPs: 2 * n * n * n})
		b.ReportMetric(float64(c.Results[0].P50.Microseconds()), "µs-student")
		b.ReportMetric(c.Ratios[1].Median, "x-student-blocked")
		b.ReportMetric(c.Ratios[2].Median, "x-student-simd")
	}
}
