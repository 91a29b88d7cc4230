package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// goDots is a BlockKernel's Dots in Go: 4 partial sums, p mod 4, added as
// (s0 + s1) + (s2 + s3), the order of the browser's dots.wat.
func goDots(m, n, k int, a []float32, lda int, b []float32, ldb int, out []float32, ldo int) {
	if k%4 != 0 {
		panic("goDots: k is not a multiple of 4")
	}
	for i := range m {
		for j := range n {
			var s [4]float32
			for p := range k {
				s[p%4] += a[i*lda+p] * b[j*ldb+p]
			}
			out[i*ldo+j] = (s[0] + s[1]) + (s[2] + s[3])
		}
	}
}

// TestExternalDots: Packed takes a BlockKernel's Dots for C = A·Bᵀ with
// few rows and a long k, and only then; the result is the kernel's sums
// plus the tail of k added in order, then alpha and beta as dot.go does;
// Verify's problems pass.
func TestExternalDots(t *testing.T) {
	calls := 0
	bk := BlockKernel{MR: 3, NR: 5, MC: 7, KC: 11, NC: 13, Block: goBlock(3, 5),
		Dots: func(m, n, k int, a []float32, lda int, b []float32, ldb int, out []float32, ldo int) {
			calls++
			goDots(m, n, k, a, lda, b, ldb, out, ldo)
		}}
	fn := Packed(bk)
	if err := Verify("with Dots", fn); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		m, n, k        int
		transA, transB bool
		beta           float32
		wantCalls      bool
	}{
		{6, 26, 579, false, true, 0, true},
		{16, 151, 832, false, true, 1, true},
		{4, 3, 64, false, true, 0.5, true},
		{6, 26, 579, false, false, 0, false}, // B not transposed
		{6, 26, 579, true, true, 0, false},   // A transposed
		{8, 9, 100, false, true, 0, false},   // k < 16·m
	} {
		lda, ldb, ldc := tc.k+1, tc.k+3, tc.n+2
		if tc.transA {
			lda = tc.m + 1
		}
		if !tc.transB {
			ldb = tc.n + 3
		}
		a, b := make([]float32, max(tc.m, tc.k)*lda), make([]float32, max(tc.n, tc.k)*ldb)
		for i := range a {
			a[i] = rng.Float32()*2 - 1
		}
		for i := range b {
			b[i] = rng.Float32()*2 - 1
		}
		c := make([]float32, tc.m*ldc)
		for i := range c {
			c[i] = rng.Float32()
		}
		want := append([]float32(nil), c...)
		calls = 0
		fn(tc.transA, tc.transB, tc.m, tc.n, tc.k, 0.75, a, lda, b, ldb, tc.beta, c, ldc)
		if (calls > 0) != tc.wantCalls {
			t.Fatalf("%+v: Dots called %d times", tc, calls)
		}
		if !tc.wantCalls {
			continue
		}
		kv := tc.k &^ 3
		out := make([]float32, tc.m*tc.n)
		goDots(tc.m, tc.n, kv, a, lda, b, ldb, out, tc.n)
		for i := range tc.m {
			for j := range tc.n {
				sum := out[i*tc.n+j]
				for p := kv; p < tc.k; p++ {
					sum += a[i*lda+p] * b[j*ldb+p]
				}
				w := &want[i*ldc+j]
				if tc.beta == 0 {
					*w = 0.75 * sum
				} else {
					*w = tc.beta**w + 0.75*sum
				}
			}
		}
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%+v: element %d = %v, want %v", tc, i, c[i], want[i])
			}
		}
	}
}
