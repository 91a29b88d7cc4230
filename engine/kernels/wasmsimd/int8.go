package wasmsimd

import _ "embed"

// The browser's int8 kernel, int8.wat: C = A·Bᵀ on int8 matrices into
// int32, exactly, with i32x4.dot_i16x8_s on sign-extended bytes. The
// kernel program (wasm/kernel) assembles it and registers it as
// engine/kernels/int8mm's variant "wasm-simd".

//go:embed int8.wat
var int8Source string

// Int8PeakOps is the number of int8 operations (a multiply-add counts 2)
// of one iteration of the module's "peak" loop: 16 i32x4.dot_i16x8_s of 8
// multiply-adds each.
const Int8PeakOps = 16 * 8 * 2

// Int8Module assembles int8.wat. The module imports one memory as "go"
// "mem" and exports "matmul" (c, a, b, m, n, k: byte addresses and
// shapes, see int8.wat) and "peak" (iters), the loop of the kernel's
// instruction that measures the browser's int8 peak.
func Int8Module() ([]byte, error) { return Assemble(int8Source) }

// The instructions int8.wat needs beyond matmul.wat's, added to the
// assembler's table here so the int8 kernel stays in its own files.
func init() {
	ops["i32.load8_s"] = op{[]byte{0x2c}, immMem, 0}
	ops["v128.load8x8_s"] = op{simd(1), immMem, 3}
	ops["i32x4.splat"] = op{simd(17), immNone, 0}
	ops["i32x4.extract_lane"] = op{simd(27), immLane, 0}
	ops["i32x4.add"] = op{simd(174), immNone, 0}
	ops["i32x4.dot_i16x8_s"] = op{simd(186), immNone, 0}
}
