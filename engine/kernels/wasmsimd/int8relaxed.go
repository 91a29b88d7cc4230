package wasmsimd

import _ "embed"

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

// Int8RelaxedModule assembles int8relaxed.wat. The module imports one
// memory as "go" "mem" and exports "matmul7" (c, a, b, m, n, k, sums,
// tmp: byte addresses and shapes; it returns 1, writing nothing to C, if
// some a lies outside [-64, 63], else 0) and "peak" (iters), its
// instruction's register-only loop.
func Int8RelaxedModule() ([]byte, error) { return Assemble(int8RelaxedSource) }

// int8RelaxedProbeSource uses the relaxed byte dot product once: it
// validates only where the engine has relaxed SIMD.
const int8RelaxedProbeSource = `(module (func (local v128) i32.const 0 i32x4.splat local.tee 0 local.get 0 local.get 0 i32x4.relaxed_dot_i8x16_i7x16_add_s local.set 0))`

// Int8RelaxedProbe returns the binary of a tiny module that validates
// only where relaxed SIMD's byte dot product, which Int8RelaxedModule
// needs, is supported.
func Int8RelaxedProbe() []byte { return mustAssemble(int8RelaxedProbeSource) }

// The instructions int8relaxed.wat needs beyond int8.wat's.
func init() {
	ops["i32.load8_u"] = op{[]byte{0x2d}, immMem, 0}
	ops["i32.store8"] = op{[]byte{0x3a}, immMem, 0}
	ops["i8x16.splat"] = op{simd(15), immNone, 0}
	ops["i8x16.bitmask"] = op{simd(100), immNone, 0}
	ops["i8x16.add"] = op{simd(110), immNone, 0}
	ops["v128.or"] = op{simd(80), immNone, 0}
	// Relaxed SIMD: Σ of four byte products into each int32 lane, plus c.
	ops["i32x4.relaxed_dot_i8x16_i7x16_add_s"] = op{simd(275), immNone, 0}
}
