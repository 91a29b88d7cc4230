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

// int8Ops are the instructions int8.wat needs beyond matmul.wat's, added
// to the assembler's table here so the int8 kernel stays in its own files.
func int8Ops() map[string]op {
	return map[string]op{
		"i32.load8_s":        {[]byte{0x2c}, immMem, 0},
		"v128.load8x8_s":     {simd(1), immMem, 3},
		"i32x4.splat":        {simd(17), immNone, 0},
		"i32x4.extract_lane": {simd(27), immLane, 0},
		"i32x4.add":          {simd(174), immNone, 0},
		"i32x4.dot_i16x8_s":  {simd(186), immNone, 0},
		// The edges: quantize and dequantize.
		"f32.convert_i32_s":       {[]byte{0xb2}, immNone, 0},
		"i8x16.narrow_i16x8_s":    {simd(101), immNone, 0},
		"f32x4.nearest":           {simd(106), immNone, 0},
		"i16x8.narrow_i32x4_s":    {simd(133), immNone, 0},
		"i32x4.sub":               {simd(177), immNone, 0},
		"f32x4.min":               {simd(232), immNone, 0},
		"f32x4.max":               {simd(233), immNone, 0},
		"f32x4.pmin":              {simd(234), immNone, 0},
		"f32x4.pmax":              {simd(235), immNone, 0},
		"i32x4.trunc_sat_f32x4_s": {simd(248), immNone, 0},
		"f32x4.convert_i32x4_s":   {simd(250), immNone, 0},
	}
}
