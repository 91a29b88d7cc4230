package wasmsimd

import (
	"fmt"
	"strings"
)

// The unpacked-B variant of matmul.wat's block function, "blockB", for
// products with few rows of A, such as a convolution's forward pass: the
// filters [O, C·kh·kw] (6 or 16 rows in LeNet) times the unfolded input
// [C·kh·kw, N·Ho·Wo] (thousands of columns). Packing B there copies as
// many floats as the product reads, in Go, without SIMD, to serve only a
// few rows of A. blockB reads B in place instead, rows ldb floats apart;
// everything else, the packed A, the 4×8 register tile, the order of the
// multiply-adds and the update of C, is block's, so the two give the same
// bits.
//
//	blockB(kb, mb, nb, ap, b, c, ldc, alpha, tmp, ldb)
//
// b is the block's first element of B and nb a multiple of 8 (the driver
// gives the last columns to block, so that no load reads past B's rows).
//
// The function is made from block's text when the module is assembled
// (withUnpackedB): the same instructions but two, so the two cannot
// drift apart.

// unpackedEdits are the two changes from block to blockB, and the
// signature's: the panel of columns jr starts at b + jr·4 (not at
// jr·kb·4 of the packed panels), and each step of k moves down one row of
// B, ldb·4 bytes (not 8 packed floats).
var unpackedEdits = []struct{ from, to string }{
	{`(func (export "block")`, `(func (export "blockB")`},
	{`(param $alpha f32) (param $tmp i32)`, `(param $alpha f32) (param $tmp i32) (param $ldb i32)`},
	{"local.get $bp\n        local.get $jr\n        local.get $kb\n        i32.mul\n",
		"local.get $bp\n        local.get $jr\n"},
	{"local.get $b\n          i32.const 32\n          i32.add\n          local.set $b\n",
		"local.get $b\n          local.get $ldb\n          i32.const 2\n          i32.shl\n          i32.add\n          local.set $b\n"},
}

// withUnpackedB returns the module text src (matmul.wat) with blockB added
// after block.
func withUnpackedB(src string) (string, error) {
	start := strings.Index(src, `  (func (export "block")`)
	end := strings.LastIndex(src, ")")
	if start < 0 || end < start {
		return "", fmt.Errorf("wasmsimd: matmul.wat has no block function to derive blockB from")
	}
	fn := src[start:end]
	for _, e := range unpackedEdits {
		if strings.Count(fn, e.from) != 1 {
			return "", fmt.Errorf("wasmsimd: deriving blockB: %q occurs %d times in block, want once", e.from, strings.Count(fn, e.from))
		}
		fn = strings.Replace(fn, e.from, e.to, 1)
	}
	return src[:end] + fn + src[end:], nil
}
