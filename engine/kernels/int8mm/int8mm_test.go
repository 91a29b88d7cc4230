package int8mm

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"tinytorch/engine/kernels"
)

// shapes are the (m, n, k) the tests try on every variant: empty and unit
// sizes, k on both sides of the vector widths (16 for AVX2 and wasm, 64
// for AVX-512), and the milestone MLP's layers.
var shapes = [][3]int{
	{0, 0, 0}, {0, 3, 5}, {3, 0, 5}, {3, 5, 0}, {1, 1, 1}, {1, 1, 7},
	{1, 4, 15}, {2, 3, 16}, {3, 5, 17}, {1, 7, 31}, {4, 4, 32}, {5, 9, 33},
	{1, 1, 63}, {2, 5, 64}, {3, 3, 65}, {7, 13, 127}, {6, 8, 128}, {5, 3, 129},
	{9, 17, 200}, {1, 128, 784}, {64, 128, 784}, {64, 10, 128}, {1, 10, 128},
	{33, 31, 300}, {8, 4, 1000},
}

// randomInt8 returns n random int8s, the extremes -128 and 127 included.
func randomInt8(r *rand.Rand, n int) []int8 {
	x := make([]int8, n)
	for i := range x {
		x[i] = int8(r.IntN(256) - 128)
	}
	return x
}

// filled returns n copies of v.
func filled(n int, v int8) []int8 {
	x := make([]int8, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// naiveSum is the definition written once more, independently of
// reference, on int64 so an overflow would show.
func naiveSum(a, b []int8, i, j, k int) int64 {
	var s int64
	for p := range k {
		s += int64(a[i*k+p]) * int64(b[j*k+p])
	}
	return s
}

// TestReferenceMatchesDefinition checks the reference against the
// definition on a small hand-checked case and on random ones.
func TestReferenceMatchesDefinition(t *testing.T) {
	// [1 -2 3; -128 127 0] · [4 5 6; -1 -1 -1]ᵀ
	a := []int8{1, -2, 3, -128, 127, 0}
	b := []int8{4, 5, 6, -1, -1, -1}
	c := make([]int32, 4)
	Reference(c, a, b, 2, 2, 3)
	want := []int32{1*4 - 2*5 + 3*6, -1 + 2 - 3, -128*4 + 127*5, 128 - 127}
	for i := range want {
		if c[i] != want[i] {
			t.Fatalf("Reference = %v, want %v", c, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		a, b := randomInt8(r, m*k), randomInt8(r, n*k)
		c := make([]int32, m*n)
		Reference(c, a, b, m, n, k)
		for i := range m {
			for j := range n {
				if got, want := int64(c[i*n+j]), naiveSum(a, b, i, j, k); got != want {
					t.Fatalf("m=%d n=%d k=%d: c[%d,%d] = %d, want %d", m, n, k, i, j, got, want)
				}
			}
		}
	}
}

// inputs returns the test matrices for one shape: random, all -128 (the
// largest sums, which saturating instructions get wrong), and -128 against
// 127 (the most negative sums).
func inputs(r *rand.Rand, m, n, k int) map[string][2][]int8 {
	return map[string][2][]int8{
		"random":      {randomInt8(r, m*k), randomInt8(r, n*k)},
		"-128·-128":   {filled(m*k, -128), filled(n*k, -128)},
		"-128·127":    {filled(m*k, -128), filled(n*k, 127)},
		"127·-128":    {filled(m*k, 127), filled(n*k, -128)},
		"random·-128": {randomInt8(r, m*k), filled(n*k, -128)},
	}
}

// TestVariantsMatchReference runs every variant this machine has, through
// MatMulNT and through Packed.MatMul, on every shape and input, and wants
// the reference's result bit for bit. The output slices start filled with
// garbage, and have a guard element past the end that must not change.
func TestVariantsMatchReference(t *testing.T) {
	defer restore(t)
	r := rand.New(rand.NewPCG(3, 4))
	for _, name := range Names() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for input, ab := range inputs(r, m, n, k) {
				a, b := ab[0], ab[1]
				want := make([]int32, m*n)
				reference(want, a, b, m, n, k)
				for _, via := range []string{"MatMulNT", "Packed"} {
					c := make([]int32, m*n+1)
					for i := range c {
						c[i] = -7
					}
					if via == "MatMulNT" {
						MatMulNT(c[:m*n], a, b, m, n, k)
					} else {
						Pack(b, n, k).MatMul(c[:m*n], a, m)
					}
					if c[m*n] != -7 {
						t.Fatalf("%s via %s m=%d n=%d k=%d %s: wrote past c", name, via, m, n, k, input)
					}
					for i := range want {
						if c[i] != want[i] {
							t.Fatalf("%s via %s m=%d n=%d k=%d %s: c[%d] = %d, want %d",
								name, via, m, n, k, input, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestRandomShapes tries every variant on random shapes, with random
// windows: a and b slices that do not start at the beginning of their
// arrays, so misaligned loads are exercised too.
func TestRandomShapes(t *testing.T) {
	defer restore(t)
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		m, n, k := r.IntN(12), r.IntN(40), r.IntN(300)
		offA, offB := r.IntN(64), r.IntN(64)
		a := randomInt8(r, m*k+offA)[offA:]
		b := randomInt8(r, n*k+offB)[offB:]
		want := make([]int32, m*n)
		reference(want, a, b, m, n, k)
		for _, name := range Names() {
			if err := Use(name); err != nil {
				t.Fatal(err)
			}
			c := make([]int32, m*n)
			MatMulNT(c, a, b, m, n, k)
			for i := range want {
				if c[i] != want[i] {
					t.Fatalf("%s m=%d n=%d k=%d offsets %d,%d: c[%d] = %d, want %d", name, m, n, k, offA, offB, i, c[i], want[i])
				}
			}
		}
	}
}

// restore puts back the fastest variant after a test forced others.
func restore(t *testing.T) {
	t.Helper()
	if err := Use(Names()[len(Names())-1]); err != nil {
		t.Fatal(err)
	}
}

// TestPanicsOnProgrammerErrors checks each bad call panics with a message
// that names the function and what was expected.
func TestPanicsOnProgrammerErrors(t *testing.T) {
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"short a", func() { MatMulNT(make([]int32, 4), make([]int8, 3), make([]int8, 4), 2, 2, 2) }, "a has 3 elements, want at least m·k = 2·2 = 4"},
		{"short b", func() { MatMulNT(make([]int32, 4), make([]int8, 4), make([]int8, 1), 2, 2, 2) }, "b has 1 elements, want at least n·k = 2·2 = 4"},
		{"short c", func() { MatMulNT(make([]int32, 3), make([]int8, 4), make([]int8, 4), 2, 2, 2) }, "c has 3 elements, want at least m·n = 2·2 = 4"},
		{"negative", func() { MatMulNT(nil, nil, nil, -1, 0, 0) }, "MatMulNT: negative shape m=-1"},
		{"long k", func() { MatMulNT(nil, nil, nil, 0, 0, MaxK+1) }, "k=131072 is longer than 131071"},
		{"pack short", func() { Pack(make([]int8, 5), 2, 3) }, "int8mm.Pack: b has 5 elements"},
		{"packed short a", func() { Pack(make([]int8, 6), 2, 3).MatMul(make([]int32, 2), make([]int8, 2), 1) }, "int8mm.Packed.MatMul: a has 2 elements"},
		{"reference short c", func() { Reference(nil, make([]int8, 1), make([]int8, 1), 1, 1, 1) }, "int8mm.Reference: c has 0 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, tt.want) {
					t.Fatalf("panic %q, want it to contain %q", msg, tt.want)
				}
			}()
			tt.call()
		})
	}
}

// TestUse checks Use refuses an unknown name and leaves the kernel alone.
func TestUse(t *testing.T) {
	before := Name()
	err := Use("nope")
	if err == nil || !strings.Contains(err.Error(), `no kernel named "nope"; expected one of reference`) {
		t.Fatalf("Use(nope) = %v", err)
	}
	if Name() != before {
		t.Fatalf("Name() = %q after a failed Use, want %q", Name(), before)
	}
}

// TestPackedMatMulDoesNotAllocate checks a layer's repeated product
// allocates nothing, with every variant: a quantized model's forward pass
// calls it per layer per batch. (The native tiling once passed its kernels
// as function values, which moved its scratch arrays to the heap: 3
// allocations a call.)
func TestPackedMatMulDoesNotAllocate(t *testing.T) {
	defer restore(t)
	r := rand.New(rand.NewPCG(9, 10))
	m, n, k := 5, 10, 130
	a, w := randomInt8(r, m*k), Pack(randomInt8(r, n*k), n, k)
	c := make([]int32, m*n)
	for _, name := range Names() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		if allocs := testing.AllocsPerRun(20, func() { w.MatMul(c, a, m) }); allocs != 0 {
			t.Errorf("%s: Packed.MatMul made %v allocations a call, want 0", name, allocs)
		}
	}
}

// TestLongestK runs every variant at k = MaxK with the extreme values,
// where the true sums come within 2¹⁴ of int32's limits. The VNNI kernel's
// own accumulators, Σ (a+128)·b, pass 2³¹ there (255·-128·MaxK) and wrap
// around; the correction by 128·Σb must wrap back to the exact result.
func TestLongestK(t *testing.T) {
	defer restore(t)
	m, n, k := 5, 5, MaxK
	for _, f := range [][2]int8{{-128, -128}, {127, -128}, {127, 127}, {-128, 127}} {
		a, b := filled(m*k, f[0]), filled(n*k, f[1])
		want := int32(int64(f[0]) * int64(f[1]) * int64(k))
		for _, name := range Names() {
			if err := Use(name); err != nil {
				t.Fatal(err)
			}
			c := make([]int32, m*n)
			MatMulNT(c, a, b, m, n, k)
			for i, v := range c {
				if v != want {
					t.Fatalf("%s, a=%d b=%d k=%d: c[%d] = %d, want %d", name, f[0], f[1], k, i, v, want)
				}
			}
		}
	}
}

// TestSplitColumnsMatchReference runs products large enough to split
// their columns between goroutines (tiles) on 1 to 4 of them, n not a
// multiple of 4, against the reference: the same exact integers.
func TestSplitColumnsMatchReference(t *testing.T) {
	defer restore(t)
	defer kernels.SetThreads(kernels.SetThreads(0))
	r := rand.New(rand.NewPCG(11, 12))
	for _, s := range [][3]int{{64, 130, 784}, {100, 37, 2000}, {3, 501, 4000}} {
		m, n, k := s[0], s[1], s[2]
		a, b := randomInt8(r, m*k), randomInt8(r, n*k)
		want := make([]int32, m*n)
		reference(want, a, b, m, n, k)
		w := Pack(b, n, k)
		for _, name := range Names() {
			if err := Use(name); err != nil {
				t.Fatal(err)
			}
			for threads := 1; threads <= 4; threads++ {
				kernels.SetThreads(threads)
				c := make([]int32, m*n)
				w.MatMul(c, a, m)
				for i := range want {
					if c[i] != want[i] {
						t.Fatalf("%s on %d goroutines, m=%d n=%d k=%d: c[%d] = %d, want %d", name, threads, m, n, k, i, c[i], want[i])
					}
				}
			}
		}
	}
}
