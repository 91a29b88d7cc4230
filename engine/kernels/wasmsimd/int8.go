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

// Int8Module returns int8.wat's module (assembled.go). The module imports one memory as "go"
// "mem" and exports "matmul" (c, a, b, m, n, k: byte addresses and
// shapes, see int8.wat), "peak" (iters), the loop of the kernel's
// instruction that measures the browser's int8 peak, and the quantized
// layers' edges, "quantize" (q, x, n, inv, lo, hi, z) and "dequantize"
// (y, acc, off, scale, bias, m, n, hasBias), int8mm.Quantize's and
// int8mm.Dequantize's loops.
func Int8Module() ([]byte, error) { return assembled("int8.wasm") }

// The instructions int8.wat needs beyond matmul.wat's, added to the
// assembler's table here so the int8 kernel stays in its own files.
func init() {
	ops["i32.load8_s"] = op{[]byte{0x2c}, immMem, 0}
	ops["v128.load8x8_s"] = op{simd(1), immMem, 3}
	ops["i32x4.splat"] = op{simd(17), immNone, 0}
	ops["i32x4.extract_lane"] = op{simd(27), immLane, 0}
	ops["i32x4.add"] = op{simd(174), immNone, 0}
	ops["i32x4.dot_i16x8_s"] = op{simd(186), immNone, 0}
	// The edges: quantize and dequantize.
	ops["f32.convert_i32_s"] = op{[]byte{0xb2}, immNone, 0}
	ops["i8x16.narrow_i16x8_s"] = op{simd(101), immNone, 0}
	ops["f32x4.nearest"] = op{simd(106), immNone, 0}
	ops["i16x8.narrow_i32x4_s"] = op{simd(133), immNone, 0}
	ops["i32x4.sub"] = op{simd(177), immNone, 0}
	ops["f32x4.min"] = op{simd(232), immNone, 0}
	ops["f32x4.max"] = op{simd(233), immNone, 0}
	ops["f32x4.pmin"] = op{simd(234), immNone, 0}
	ops["f32x4.pmax"] = op{simd(235), immNone, 0}
	ops["i32x4.trunc_sat_f32x4_s"] = op{simd(248), immNone, 0}
	ops["f32x4.convert_i32x4_s"] = op{simd(250), immNone, 0}
}
