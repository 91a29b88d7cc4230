package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// goBlockB is goBlock reading B in place, rows ldb apart.
func goBlockB(mr, nr int) func(kb, mb, nb int, ap, b []float32, ldb int, c []float32, ldc int, alpha float32) {
	return func(kb, mb, nb int, ap, b []float32, ldb int, c []float32, ldc int, alpha float32) {
		if len(ap) != ceilDiv(mb, mr)*mr*kb || nb%nr != 0 {
			panic("goBlockB: a packed A of the wrong length, or a partial panel of B")
		}
		for i := 0; i < mb; i++ {
			for j := 0; j < nb; j++ {
				apanel := ap[i/mr*mr*kb:]
				var acc float32
				for p := 0; p < kb; p++ {
					acc += apanel[p*mr+i%mr] * b[p*ldb+j]
				}
				c[i*ldc+j] += float32(alpha * acc)
			}
		}
	}
}

// TestUnpackedBSameBits: with BlockB, products with few rows give the
// same bits as the packed path, over several k-blocks, columns that end
// in a partial panel (done by the packed path), A transposed or not, and
// beta 0, 1 and another; and BlockB is called for them (not for B
// transposed or for many rows). Verify's problems pass too.
func TestUnpackedBSameBits(t *testing.T) {
	calls := 0
	count := goBlockB(3, 5)
	bk := BlockKernel{MR: 3, NR: 5, MC: 7, KC: 11, NC: 13, Block: goBlock(3, 5),
		BlockB: func(kb, mb, nb int, ap, b []float32, ldb int, c []float32, ldc int, alpha float32) {
			calls++
			count(kb, mb, nb, ap, b, ldb, c, ldc, alpha)
		}}
	withB, packedOnly := Packed(bk), Packed(BlockKernel{MR: 3, NR: 5, MC: 7, KC: 11, NC: 13, Block: goBlock(3, 5)})
	// Verify's problems: edges, strides, guards around C.
	if err := Verify("with BlockB", withB); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()*2 - 1
		}
		return v
	}
	for _, tc := range []struct {
		m, n, k        int
		transA, transB bool
		beta           float32
		wantCalls      bool
	}{
		{6, 23, 26, false, false, 0, true},
		{16, 40, 151, false, false, 1, true},
		{1, 5, 1, true, false, 0.5, true},
		{9, 4, 30, false, false, 0, false}, // fewer columns than a panel
		{6, 23, 26, false, true, 0, false}, // B transposed
		{17, 23, 26, false, false, 0, false},
	} {
		lda, ldb, ldc := tc.k+2, tc.n+3, tc.n+1
		if tc.transA {
			lda = tc.m + 2
		}
		if tc.transB {
			ldb = tc.k + 3
		}
		a, b := random(max(tc.m, tc.k)*lda), random(max(tc.n, tc.k)*ldb)
		c1 := random(tc.m * ldc)
		c2 := append([]float32(nil), c1...)
		calls = 0
		withB(tc.transA, tc.transB, tc.m, tc.n, tc.k, 0.75, a, lda, b, ldb, tc.beta, c1, ldc)
		packedOnly(tc.transA, tc.transB, tc.m, tc.n, tc.k, 0.75, a, lda, b, ldb, tc.beta, c2, ldc)
		for i := range c1 {
			if math.Float32bits(c1[i]) != math.Float32bits(c2[i]) {
				t.Fatalf("%+v: element %d = %v with BlockB, %v packed", tc, i, c1[i], c2[i])
			}
		}
		if (calls > 0) != tc.wantCalls {
			t.Errorf("%+v: BlockB called %d times", tc, calls)
		}
	}
}
