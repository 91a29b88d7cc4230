package wasmsimd

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"slices"
)

// The browser's int8 kernel for 7-bit activations, int8relaxed.wat: C =
// A·Bᵀ with every a in [-64, 63], exactly, on relaxed SIMD's
// i32x4.relaxed_dot_i8x16_i7x16_add_s (16 multiply-adds per instruction,
// twice int8.wat's). That instruction is exact only where its second
// operand's bytes lie in [0, 127], which is why engine/quant quantizes
// activations to 7 bits by default, as PyTorch's x86 (fbgemm) default
// does for the same instruction family (reduce_range): the kernel shifts
// A by 64 into [0, 127] and subtracts 64·Σ_p b[j,p] from each column. The
// kernel program (wasm/kernel) registers it as int8mm's "wasm-relaxed"
// where the browser validates Int8RelaxedProbe and the module gives the
// integer reference's result on edge values.

//go:embed int8relaxed.wat
var int8RelaxedSource string

// Int8RelaxedPeakOps is the number of int8 operations (a multiply-add
// counts 2) of one iteration of the relaxed module's "peak" loop: 16
// i32x4.relaxed_dot_i8x16_i7x16_add_s of 16 multiply-adds each.
const Int8RelaxedPeakOps = 16 * 16 * 2

// Int8RelaxedModule returns int8relaxed.wat's module (assembled.go). The module imports one
// memory as "go" "mem" and exports "matmul7" (c, a, b, m, n, k, sums,
// tmp: byte addresses and shapes; it returns 1, writing nothing to C, if
// some a lies outside [-64, 63], else 0) and "peak" (iters), its
// instruction's register-only loop.
func Int8RelaxedModule() ([]byte, error) { return assembled("int8relaxed.wasm") }

// int8RelaxedProbeSource uses the relaxed byte dot product once: it
// validates only where the engine has relaxed SIMD.
const int8RelaxedProbeSource = `(module (func (local v128) i32.const 0 i32x4.splat local.tee 0 local.get 0 local.get 0 i32x4.relaxed_dot_i8x16_i7x16_add_s local.set 0))`

// Int8RelaxedProbe returns the binary of a tiny module that validates
// only where relaxed SIMD's byte dot product, which Int8RelaxedModule
// needs, is supported.
func Int8RelaxedProbe() []byte { return mustAssembled("int8relaxed-probe.wasm") }

// int8RelaxedOps are the instructions int8relaxed.wat needs beyond
// int8.wat's.
func int8RelaxedOps() map[string]op {
	return map[string]op{
		"i32.load8_u":   {[]byte{0x2d}, immMem, 0},
		"i32.store8":    {[]byte{0x3a}, immMem, 0},
		"i8x16.splat":   {simd(15), immNone, 0},
		"i8x16.bitmask": {simd(100), immNone, 0},
		"i8x16.add":     {simd(110), immNone, 0},
		"v128.or":       {simd(80), immNone, 0},
		// Relaxed SIMD: Σ of four byte products into each int32 lane, plus c.
		"i32x4.relaxed_dot_i8x16_i7x16_add_s": {simd(275), immNone, 0},
	}
}

// Int8RelaxedKernel is matmul7 as Go calls it: C = A·Bᵀ for A with values
// in [-64, 63], sums[j] = Σ_p b[j*k+p]; it returns matmul7's 0, or 1 for
// an A it refused.
type Int8RelaxedKernel func(c []int32, a, b []int8, sums []int32, m, n, k int) int

// CheckInt8Relaxed runs kernel on edge values and random ones and
// returns an error unless it gives reference's integers on each (the
// caller passes int8mm.Reference, a package this one may not import) and
// refuses an A with a value outside [-64, 63]: the check the browser
// runs before registering the relaxed kernel, since relaxed SIMD leaves
// the engine freedoms that only the shifted operand makes harmless (and
// node 20's baseline compiler got the instruction wrong; see
// int8relaxed_test.go). The shapes take both the two-row and the one-row
// paths, every column of a block of four, a partial last block and the
// last bytes of k; the values are A's ends -64 and 63 and B's -128 and
// 127.
func CheckInt8Relaxed(kernel Int8RelaxedKernel, reference func(c []int32, a, b []int8, m, n, k int)) error {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range [][3]int{{2, 4, 16}, {3, 7, 35}, {5, 9, 64}, {1, 3, 17}} {
		m, n, k := s[0], s[1], s[2]
		for _, ends := range [][2]int8{{-64, -128}, {63, 127}, {63, -128}, {-64, 127}, {0, 0}} {
			a, b := make([]int8, m*k), make([]int8, n*k)
			for i := range a {
				a[i] = pick(r, ends[0], -64, 63)
			}
			for i := range b {
				b[i] = pick(r, ends[1], -128, 127)
			}
			sums := make([]int32, n)
			for j := range n {
				for _, x := range b[j*k : (j+1)*k] {
					sums[j] += int32(x)
				}
			}
			got, want := make([]int32, m*n), make([]int32, m*n)
			reference(want, a, b, m, n, k)
			if ret := kernel(got, a, b, sums, m, n, k); ret != 0 || !slices.Equal(got, want) {
				return fmt.Errorf("relaxed int8 kernel: %d×%d×%d product with A around %d, B around %d differs from the integer reference (returned %d)",
					m, n, k, ends[0], ends[1], ret)
			}
			a[len(a)-1] = 64
			if ret := kernel(got, a, b, sums, m, n, k); ret != 1 {
				return fmt.Errorf("relaxed int8 kernel: returned %d for an A holding 64; expected 1 (refused)", ret)
			}
		}
	}
	return nil
}

// pick returns end or, half the time, a random value of [lo, hi]; an end
// of 0 means random always.
func pick(r *rand.Rand, end, lo, hi int8) int8 {
	if end != 0 && r.IntN(2) == 0 {
		return end
	}
	return int8(int(lo) + r.IntN(int(hi)-int(lo)+1))
}
