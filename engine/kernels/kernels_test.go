package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// eps is float32's unit roundoff, 2⁻²⁴.
const eps = 1.0 / (1 << 24)

// problem is one Gemm call with its inputs, built so that any read or write
// outside the stated dimensions shows up: the gaps a leading dimension
// leaves in A and B hold NaN (reading one poisons the result), and the
// gaps in C hold a sentinel that must survive.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// sentinel fills the gaps of C; no variant may write there.
const sentinel = float32(-12345)

// newProblem makes a random problem; pad is added to every leading
// dimension, and nanC fills C with NaN (for beta = 0).
func newProblem(rng *rand.Rand, transA, transB bool, m, n, k, pad int, alpha, beta float32, nanC bool) *problem {
	p := &problem{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	p.a, p.lda = randomMatrix(rng, aRows, aCols, pad, float32(math.NaN()))
	p.b, p.ldb = randomMatrix(rng, bRows, bCols, pad, float32(math.NaN()))
	p.c, p.ldc = randomMatrix(rng, m, n, pad, sentinel)
	if nanC {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				p.c[i*p.ldc+j] = float32(math.NaN())
			}
		}
	}
	return p
}

// randomMatrix returns a rows×cols matrix of values in [-1, 1) with leading
// dimension cols+pad, whose gaps hold gap.
func randomMatrix(rng *rand.Rand, rows, cols, pad int, gap float32) ([]float32, int) {
	ld := max(cols+pad, 1)
	x := make([]float32, rows*ld)
	for i := range x {
		if i%ld < cols {
			x[i] = 2*rng.Float32() - 1
		} else {
			x[i] = gap
		}
	}
	return x, ld
}

// run calls fn on a copy of C and returns the copy.
func (p *problem) run(fn Func) []float32 {
	c := append([]float32(nil), p.c...)
	fn(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	return c
}

// check compares got with a float64 reference, element by element, within
// the bound documented in doc.go, and checks C's gaps are untouched.
func (p *problem) check(t *testing.T, name string, got []float32) {
	t.Helper()
	bad := 0
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			want, bound := p.reference(i, j)
			g := float64(got[i*p.ldc+j])
			if !(math.Abs(g-want) <= bound) { // also catches NaN
				if bad++; bad <= 3 {
					t.Errorf("%s %s: C[%d,%d] = %g, want %g ± %g", name, p, i, j, g, want, bound)
				}
			}
		}
		for j := p.n; j < p.ldc && i*p.ldc+j < len(got); j++ {
			if got[i*p.ldc+j] != sentinel {
				t.Fatalf("%s %s: wrote C[%d,%d], outside the %d×%d matrix", name, p, i, j, p.m, p.n)
			}
		}
	}
	if bad > 3 {
		t.Errorf("%s %s: %d elements out of tolerance", name, p, bad)
	}
}

// reference returns element (i, j) of alpha·op(A)·op(B) + beta·C computed
// in float64, and the error bound (k+4)·ε·(|alpha|·Σ|a||b| + |beta·c|).
func (p *problem) reference(i, j int) (want, bound float64) {
	var sum, abs float64
	for q := 0; q < p.k; q++ {
		x := float64(at(p.a, p.lda, p.transA, i, q)) * float64(at(p.b, p.ldb, p.transB, q, j))
		sum += x
		abs += math.Abs(x)
	}
	alpha, beta := float64(p.alpha), float64(p.beta)
	want, bound = alpha*sum, math.Abs(alpha)*abs
	if p.beta != 0 {
		old := float64(p.c[i*p.ldc+j])
		want += beta * old
		bound += math.Abs(beta * old)
	}
	return want, float64(p.k+4) * eps * bound
}

func (p *problem) String() string {
	return fmt.Sprintf("(transA=%v transB=%v m=%d n=%d k=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d)",
		p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.beta, p.lda, p.ldb, p.ldc)
}

// wasm is true under js/wasm, where the tests run under node several times
// slower: they use fewer and smaller shapes there.
const wasm = runtime.GOARCH == "wasm"

// shapes returns the (m, n, k) triples the accuracy test covers: every
// triple of small odd sizes, then sizes around the tile and block sizes
// (4, 6, 12, 16, 32; 128, 256, …) and past them.
func shapes() [][3]int {
	var s [][3]int
	small := []int{1, 3, 7, 17}
	for _, m := range small {
		for _, n := range small {
			for _, k := range small {
				s = append(s, [3]int{m, n, k})
			}
		}
	}
	s = append(s, [3]int{63, 65, 129}, [3]int{129, 63, 65}, [3]int{65, 129, 63}, [3]int{5, 33, 300})
	if !wasm {
		s = append(s, [3]int{129, 129, 129}, [3]int{300, 70, 520}, [3]int{3, 1100, 30}, [3]int{130, 200, 257})
	}
	return s
}

// forEachVariant runs f for every registered variant, as a subtest.
func forEachVariant(t *testing.T, f func(t *testing.T, name string, fn Func)) {
	for _, name := range Names() {
		fn, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { f(t, name, fn) })
	}
}

func TestAccuracy(t *testing.T) {
	forEachVariant(t, func(t *testing.T, name string, fn Func) {
		rng := rand.New(rand.NewPCG(1, 2))
		for i, s := range shapes() {
			// Cycle through transposes, padding and alpha/beta so that
			// every shape is cheap and every combination is covered.
			transA, transB := i%2 == 1, i/2%2 == 1
			pad := []int{0, 3, 16}[i%3]
			alpha := []float32{1, -0.5, 2.5}[i/4%3]
			beta := []float32{0, 1, -1.5, 0.25}[i/3%4]
			p := newProblem(rng, transA, transB, s[0], s[1], s[2], pad, alpha, beta, beta == 0)
			p.check(t, name, p.run(fn))
		}
	})
}

// TestTransposes runs every combination of transposes, leading dimensions
// and alpha/beta on one odd shape.
func TestTransposes(t *testing.T) {
	forEachVariant(t, func(t *testing.T, name string, fn Func) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				for _, pad := range []int{0, 5} {
					for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-2, 0.5}, {0.75, -1}} {
						p := newProblem(rng, transA, transB, 37, 41, 23, pad, ab[0], ab[1], ab[1] == 0)
						p.check(t, name, p.run(fn))
					}
				}
			}
		}
	})
}

// TestBetaZeroOverwritesNaN checks that beta = 0 never reads C, even when
// alpha = 0 or k = 0.
func TestBetaZeroOverwritesNaN(t *testing.T) {
	forEachVariant(t, func(t *testing.T, name string, fn Func) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, s := range [][3]int{{9, 19, 0}, {9, 19, 5}, {40, 40, 40}} {
			for _, alpha := range []float32{0, 1} {
				p := newProblem(rng, false, false, s[0], s[1], s[2], 2, alpha, 0, true)
				got := p.run(fn)
				p.check(t, name, got)
			}
		}
	})
}

// TestAlphaZeroSkipsAB checks that alpha = 0 means C = beta·C without
// reading A or B (which hold NaN here).
func TestAlphaZeroSkipsAB(t *testing.T) {
	forEachVariant(t, func(t *testing.T, name string, fn Func) {
		rng := rand.New(rand.NewPCG(7, 8))
		p := newProblem(rng, false, true, 11, 13, 17, 0, 0, 0.5, false)
		for i := range p.a {
			p.a[i] = float32(math.NaN())
		}
		got := p.run(fn)
		for i := 0; i < p.m; i++ {
			for j := 0; j < p.n; j++ {
				if want := 0.5 * p.c[i*p.ldc+j]; got[i*p.ldc+j] != want {
					t.Fatalf("%s: C[%d,%d] = %g, want beta·C = %g", name, i, j, got[i*p.ldc+j], want)
				}
			}
		}
	})
}

// TestDeterminism checks that every variant gives the same bits on every
// run and for every thread count, and that "parallel" matches "tiled".
func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	probs := []*problem{
		newProblem(rng, false, false, 129, 131, 300, 1, 1, 0, true),
		newProblem(rng, true, true, 3, 700, 270, 0, -1, 0.5, false), // too short to split by rows
		// Over 192 rows per goroutine on two (sharesB): they share B's
		// packed block; on more, each packs its own.
		newProblem(rng, false, true, 450, 70, 300, 1, 1, 0.5, false),
	}
	if wasm {
		probs[0] = newProblem(rng, false, false, 70, 67, 260, 1, 1, 0, true)
	}
	defer SetThreads(SetThreads(0))
	forEachVariant(t, func(t *testing.T, name string, fn Func) {
		for _, p := range probs {
			SetThreads(1)
			want := p.run(fn)
			for _, th := range []int{1, 2, 3, 4, 7} {
				SetThreads(th)
				if !equalBits(p.run(fn), want) {
					t.Fatalf("%s %s: %d threads changed the result", name, p, th)
				}
			}
			if name == "parallel" {
				tiledFn, _ := Lookup("tiled")
				if !equalBits(p.run(tiledFn), want) {
					t.Fatalf("%s: parallel and tiled differ", p)
				}
			}
		}
	})
}

func equalBits(x, y []float32) bool {
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return len(x) == len(y)
}

// TestPanics checks that contract violations panic with a message naming
// the culprit.
func TestPanics(t *testing.T) {
	s := make([]float32, 12)
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"negative m", func() { Matmul(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, "negative dimension"},
		{"short lda", func() { Matmul(false, false, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }, "lda=2"},
		{"short lda transposed", func() { Matmul(true, false, 3, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, "lda=2"},
		{"short ldb", func() { Matmul(false, true, 2, 2, 3, 1, s, 3, s, 2, 0, s, 2) }, "ldb=2"},
		{"short ldc", func() { Matmul(false, false, 2, 3, 2, 1, s, 2, s, 3, 0, s, 2) }, "ldc=2"},
		{"short a", func() { Matmul(false, false, 4, 2, 4, 1, s, 4, s, 2, 0, s, 2) }, "len(a)=12"},
		{"short b", func() { Matmul(false, false, 2, 2, 4, 1, s, 4, s[:7], 2, 0, s, 2) }, "len(b)=7"},
		{"short c", func() { Matmul(false, false, 2, 7, 2, 1, s, 2, make([]float32, 14), 7, 0, s, 7) }, "len(c)=12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want one mentioning %q", msg, tc.want)
				}
			}()
			tc.call()
		})
	}
	// Empty matrices need no storage at all.
	Matmul(false, false, 0, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
	Matmul(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, s, 2)
}

func TestRegistry(t *testing.T) {
	defer Use(Current())
	names := Names()
	for _, want := range []string{"naive", "blocked", "tiled", "parallel", "simd"} {
		if err := Use(want); err != nil {
			t.Fatalf("Use(%q): %v (names: %v)", want, err, names)
		}
		if got := Current(); got != want {
			t.Fatalf("after Use(%q), Current() = %q", want, got)
		}
	}
	err := Use("fastest")
	if err == nil || !strings.Contains(err.Error(), "naive") {
		t.Fatalf("Use(unknown) = %v, want an error listing the names", err)
	}
	if Current() != "simd" {
		t.Fatalf("a failed Use changed the kernel to %q", Current())
	}
	if _, err := Lookup("fastest"); err == nil {
		t.Fatal("Lookup(unknown) succeeded")
	}
	if SIMD() == "" {
		t.Fatal("SIMD() is empty")
	}
	t.Logf("kernels: %v; simd uses %s", names, SIMD())
}

func TestThreads(t *testing.T) {
	defer SetThreads(SetThreads(3))
	if Threads() != 3 {
		t.Fatalf("Threads() = %d after SetThreads(3)", Threads())
	}
	SetThreads(0)
	if Threads() != runtime.GOMAXPROCS(0) {
		t.Fatalf("Threads() = %d after SetThreads(0), want GOMAXPROCS = %d", Threads(), runtime.GOMAXPROCS(0))
	}
}
