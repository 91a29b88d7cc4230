package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestHalfKernelSameBits checks that the 6-row AVX-512 micro-kernel, used
// for short last row panels, gives the bits the full 12-row kernel gives,
// with 6 rows left (written in place) and fewer (through the scratch
// tile), with one thread and two.
func TestHalfKernelSameBits(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, s := range [][3]int{{6, 64, 40}, {6, 5184, 25}, {18, 96, 300}, {16, 70, 150}, {5, 33, 25}, {150, 832, 16}, {18, 4000, 64}, {40, 2000, 64}} {
		p := newProblem(rng, false, false, s[0], s[1], s[2], 1, 1, 0, true) // B not transposed: the packed path
		checkPathSameBits(t, p, "the 6-row kernel", func() func() {
			half := avx512Kernel.half
			avx512Kernel.half = nil
			return func() { avx512Kernel.half = half }
		})
	}
}

// checkPathSameBits runs p with the AVX-512 variant on one thread and two,
// with a path of it as it is and with the path turned off by disable
// (which returns the function that turns it back on): the results must be
// the same bits, and accurate.
func checkPathSameBits(t *testing.T, p *problem, path string, disable func() (restore func())) {
	t.Helper()
	defer SetThreads(SetThreads(0))
	fn, err := Lookup("simd-avx512")
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range []int{1, 2} {
		SetThreads(th)
		with := p.run(fn)
		restore := disable()
		without := p.run(fn)
		restore()
		if !equalBits(with, without) {
			t.Fatalf("%s, %d threads: %s changed the result", p, th, path)
		}
		p.check(t, "simd-avx512", with)
	}
}

// TestDotPath checks the dot-product path of the AVX-512 variant on the
// products it takes (A·Bᵀ, long k): accuracy against float64, edge tiles,
// a k that is not a multiple of 16, every beta, and the same bits for any
// thread count.
func TestDotPath(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	defer SetThreads(SetThreads(0))
	fn, err := Lookup("simd-avx512")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for i, s := range [][3]int{{6, 25, 5184}, {16, 150, 832}, {1, 1, 64}, {5, 7, 97}, {4, 4, 64}, {9, 30, 1000}, {3, 2, 100}, {16, 300, 2048}} {
		if !useDots(avx512Kernel, false, true, s[0], s[1], s[2], 1) {
			t.Fatalf("%v: not a dot-product shape", s)
		}
		beta := []float32{0, 1, -0.5}[i%3]
		p := newProblem(rng, false, true, s[0], s[1], s[2], i%2*3, 1.5, beta, beta == 0)
		SetThreads(1)
		want := p.run(fn)
		p.check(t, "simd-avx512 dots", want)
		for _, th := range []int{2, 3} {
			SetThreads(th)
			if !equalBits(p.run(fn), want) {
				t.Fatalf("%s: %d threads changed the result", p, th)
			}
		}
	}
}

// TestDirectBSameBits checks that reading B in place (few rows, B not
// transposed) gives the bits that packing it gives, for full and partial
// panels, full and half row panels, with one thread and two.
func TestDirectBSameBits(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for i, s := range [][3]int{{6, 5184, 26}, {16, 832, 151}, {24, 100, 300}, {5, 33, 7}, {12, 64, 1}, {20, 3000, 70}} {
		if !avx512Kernel.direct(false, s[0]) {
			t.Fatalf("%v: B would be packed", s)
		}
		beta := []float32{0, 1, -0.5}[i%3]
		p := newProblem(rng, false, false, s[0], s[1], s[2], i%2*5, 1, beta, beta == 0)
		checkPathSameBits(t, p, "reading B in place", func() func() {
			fnB, halfB := avx512Kernel.fnB, avx512Kernel.halfB
			avx512Kernel.fnB, avx512Kernel.halfB = nil, nil
			return func() { avx512Kernel.fnB, avx512Kernel.halfB = fnB, halfB }
		})
	}
}
