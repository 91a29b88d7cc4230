package int8mm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// narrowInt8 returns n random values of [NarrowMin, NarrowMax], both ends
// included.
func narrowInt8(r *rand.Rand, n int) []int8 {
	x := make([]int8, n)
	for i := range x {
		x[i] = int8(NarrowMin + r.IntN(NarrowMax-NarrowMin+1))
	}
	return x
}

// TestMatMulNarrowMatchesReference runs Packed.MatMulNarrow with every
// variant on the shapes of the other tests, A random in [-64, 63] or at
// either end, B random or at int8's ends, and wants Reference's
// integers exactly.
func TestMatMulNarrowMatchesReference(t *testing.T) {
	defer restore(t)
	r := rand.New(rand.NewPCG(21, 22))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		cases := map[string][2][]int8{
			"random":       {narrowInt8(r, m*k), randomInt8(r, n*k)},
			"-64 by -128":  {filled(m*k, NarrowMin), filled(n*k, -128)},
			"63 by -128":   {filled(m*k, NarrowMax), filled(n*k, -128)},
			"63 by 127":    {filled(m*k, NarrowMax), filled(n*k, 127)},
			"-64 by 127":   {filled(m*k, NarrowMin), filled(n*k, 127)},
			"random by -1": {narrowInt8(r, m*k), filled(n*k, -1)},
		}
		for name, ab := range cases {
			a, b := ab[0], ab[1]
			want := make([]int32, m*n)
			Reference(want, a, b, m, n, k)
			p := Pack(b, n, k)
			for _, v := range Names() {
				if err := Use(v); err != nil {
					t.Fatal(err)
				}
				c := filledInt32(m*n+1, -7)
				p.MatMulNarrow(c, a, m)
				if !slices.Equal(c[:m*n], want) || c[m*n] != -7 {
					t.Fatalf("%s, m=%d n=%d k=%d, %s: MatMulNarrow differs from Reference (or wrote past C)", v, m, n, k, name)
				}
			}
		}
	}
}

// filledInt32 returns n copies of v.
func filledInt32(n int, v int32) []int32 {
	x := make([]int32, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// TestMatMulNarrowRefusesWideA: the reference variant panics, naming the
// range, when a value of A lies outside [-64, 63], wherever it is, so
// that a quantized layer handing the 7-bit path an 8-bit input fails on
// every machine; MatMul takes the same A.
func TestMatMulNarrowRefusesWideA(t *testing.T) {
	defer restore(t)
	if err := Use("reference"); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(23, 24))
	m, n, k := 3, 4, 37
	p := Pack(randomInt8(r, n*k), n, k)
	for _, bad := range []int8{-65, 64, -128, 127} {
		for _, at := range []int{0, m*k/2 + 1, m*k - 1} {
			a := narrowInt8(r, m*k)
			a[at] = bad
			p.MatMul(make([]int32, m*n), a, m) // 8-bit values: fine here
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				p.MatMulNarrow(make([]int32, m*n), a, m)
				return ""
			}()
			if !strings.Contains(msg, "int8mm.Packed.MatMulNarrow: a (3×37) holds a value outside [-64, 63]") {
				t.Fatalf("a[%d] = %d: panic %q", at, bad, msg)
			}
		}
	}
}

// TestRegisterNarrow registers a variant whose kernels record their
// calls: MatMulNarrow must call its narrow kernel with Packed's row sums,
// MatMul and MatMulNT its ordinary one, and a narrow kernel's false must
// become MatMulNarrow's panic. The variant is removed afterwards.
func TestRegisterNarrow(t *testing.T) {
	saved := slices.Clone(variants)
	defer func() { variants = saved; restore(t) }()
	var calls []string
	var gotSums []int32
	refuse := false
	RegisterNarrow("test-narrow", func(c []int32, a, b []int8, m, n, k int) {
		calls = append(calls, "fn")
		reference(c, a, b, m, n, k)
	}, func(c []int32, a, b []int8, sums []int32, m, n, k int) bool {
		calls = append(calls, "narrow")
		gotSums = slices.Clone(sums)
		reference(c, a, b, m, n, k)
		return !refuse
	})
	if Name() != "test-narrow" {
		t.Fatalf("Name() = %q after RegisterNarrow", Name())
	}
	b := []int8{1, 2, 3, -128, 127, 5}
	p, a, c := Pack(b, 2, 3), []int8{1, -64, 63}, make([]int32, 2)
	p.MatMulNarrow(c, a, 1)
	p.MatMul(c, a, 1)
	MatMulNT(c, a, b, 1, 2, 3)
	if want := []string{"narrow", "fn", "fn"}; !slices.Equal(calls, want) {
		t.Fatalf("calls %v, want %v", calls, want)
	}
	if want := []int32{6, 4}; !slices.Equal(gotSums, want) {
		t.Fatalf("narrow kernel got sums %v, want %v", gotSums, want)
	}
	refuse = true
	defer func() {
		if msg := fmt.Sprint(recover()); !strings.Contains(msg, "holds a value outside [-64, 63]") {
			t.Fatalf("a refusing narrow kernel: panic %q", msg)
		}
	}()
	p.MatMulNarrow(c, a, 1)
	t.Fatal("MatMulNarrow did not panic when its kernel refused A")
}
