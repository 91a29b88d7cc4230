package kernels

import (
	"fmt"
	"strings"
)

// Kernels from outside this package. The browser's fast path is one: Go's
// compiler emits no WebAssembly SIMD instructions, so the kernel program
// (wasm/kernel/simd.go) brings a hand-written WebAssembly SIMD routine and
// registers it here, where it becomes a variant like any other.

// Register adds fn as the variant called name, after the built-in ones, so
// that Use, Lookup and Names see it (and with them the roofline and the
// benchmarks, which list Names). fn must follow the contract of Func; it
// may assume its arguments were checked.
//
// Register first checks fn with Verify and refuses it, with Verify's
// error, when it computes a wrong result, panics or writes out of bounds
// on any of Verify's problems. It refuses an empty name and the name of a
// built-in variant. Registering a name again replaces the earlier kernel
// of that name (a notebook cell run again), also behind Matmul if it was
// in use. Call it from the goroutine that drives the engine.
func Register(name string, fn Func) error {
	if name == "" || strings.TrimSpace(name) != name {
		return fmt.Errorf("kernels.Register: bad name %q; expected a non-empty name without surrounding spaces", name)
	}
	if fn == nil {
		return fmt.Errorf("kernels.Register(%q): nil kernel", name)
	}
	old, err := find(name)
	if err == nil && old.builtin {
		return fmt.Errorf("kernels.Register: %q is a built-in kernel; choose another name", name)
	}
	if err := Verify(name, fn); err != nil {
		return fmt.Errorf("kernels.Register: %w; the kernel was not registered", err)
	}
	if old == nil {
		register(name, fn)
		return nil
	}
	v := &variant{name: name, fn: fn}
	for i := range variants {
		if variants[i] == old {
			variants[i] = v
		}
	}
	current.CompareAndSwap(old, v)
	return nil
}

// RegisterMatmul registers the plain product fn (see MatmulFunc) as the
// variant called name, through Plain, after the same checks as Register.
func RegisterMatmul(name string, fn MatmulFunc) error {
	if fn == nil {
		return fmt.Errorf("kernels.RegisterMatmul(%q): nil kernel", name)
	}
	return Register(name, Plain(fn))
}

// BlockKernel is a macro-kernel written outside Go, for [Packed]: the loops
// of Goto's algorithm that pack A and B stay in Go, and Block multiplies
// one packed block of A by one packed block of B, so that a foreign routine
// is called a few times per matmul, not once per register tile.
type BlockKernel struct {
	// MR and NR are the register tile (rows of A and columns of B per
	// panel); MC, KC and NC bound the blocks, as in the built-in kernels
	// (see driver.go).
	MR, NR, MC, KC, NC int
	// Block does C[0:mb, 0:nb] += alpha·(Ap·Bp), rounding alpha·acc before
	// the add. Ap holds ceil(mb/MR) packed panels of MR rows × kb (each
	// panel MR·kb floats, column p after column p−1, zero-padded rows);
	// Bp holds ceil(nb/NR) packed panels of kb × NR (row p after row p−1,
	// zero-padded columns). c starts at the block's top-left element, rows
	// ldc apart; only the mb×nb elements inside the block may be written.
	Block func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32)
	// BlockB, if not nil, is Block reading B in place: b is the block's
	// first element of op(B), not transposed, rows ldb floats apart, and nb
	// a multiple of NR. It must give Block's bits. Packed calls it for
	// products with few rows of A (unpacked.go).
	BlockB func(kb, mb, nb int, ap, b []float32, ldb int, c []float32, ldc int, alpha float32)
	// Dots, if not nil, writes out[i·ldo + j] = Σ_p A_i[p]·B_j[p] over
	// p < k (a multiple of 4), in a fixed order of its own, for i < m and
	// j < n, A and B stored row by row along k. Packed uses it for
	// products C = A·Bᵀ with few rows and a long k (external_dots.go).
	Dots func(m, n, k int, a []float32, lda int, b []float32, ldb int, out []float32, ldo int)
}

// Packed returns a variant that runs Goto's algorithm on one goroutine
// with bk's macro-kernel: pack a kc×nc block of op(B), then for each mc×kc
// block of op(A), pack it and call bk.Block. With the default block sizes
// a 512×512 matmul calls Block 8 times.
func Packed(bk BlockKernel) Func {
	if bk.MR <= 0 || bk.NR <= 0 || bk.MC < bk.MR || bk.KC <= 0 || bk.NC < bk.NR || bk.Block == nil {
		panic(fmt.Sprintf("kernels.Packed: bad block kernel %+v", bk))
	}
	mk := &microKernel{mr: bk.MR, nr: bk.NR, mc: bk.MC / bk.MR * bk.MR, kc: bk.KC, nc: bk.NC / bk.NR * bk.NR}
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if m == 0 || n == 0 {
			return
		}
		if bk.Dots != nil && UseExternalDots(transA, transB, m, k, alpha) {
			externalDots(bk.Dots, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
		scaleC(m, n, beta, c, ldc)
		if alpha == 0 || k == 0 {
			return
		}
		done := unpackedB(bk, mk, transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc)
		if done == n {
			return
		}
		kc := mk.kBlock(k)
		nc := min(mk.nc, roundUp(n-done, mk.nr))
		mc := min(mk.mc, roundUp(m, mk.mr))
		bp := getBuf(kc * nc)
		ap := getBuf(kc * mc)
		defer putBuf(bp)
		defer putBuf(ap)
		for jc := done; jc < n; jc += nc {
			nb := min(nc, n-jc)
			for pc := 0; pc < k; pc += kc {
				kb := min(kc, k-pc)
				packB(bp, b, ldb, transB, pc, kb, jc, nb, mk.nr, 0, ceilDiv(nb, mk.nr))
				for ic := 0; ic < m; ic += mc {
					mb := min(mc, m-ic)
					packA(ap, a, lda, transA, ic, mb, pc, kb, mk.mr)
					bk.Block(kb, mb, nb, ap[:roundUp(mb, mk.mr)*kb], bp[:roundUp(nb, mk.nr)*kb], c[ic*ldc+jc:], ldc, alpha)
				}
			}
		}
	}
}
