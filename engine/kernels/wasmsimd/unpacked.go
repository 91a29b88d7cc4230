package wasmsimd

// The unpacked-B variant of matmul.wat's block function, "blockB", for
// products with few rows of A, such as a convolution's forward pass: the
// filters [O, C·kh·kw] (6 or 16 rows in LeNet) times the unfolded input
// [C·kh·kw, N·Ho·Wo] (thousands of columns). Packing B there copies as
// many floats as the product reads, in Go, without SIMD, to serve only a
// few rows of A. blockB reads B in place instead, rows ldb floats apart;
// everything else is block's (derive.go), so the two give the same bits.
//
//	blockB(kb, mb, nb, ap, b, c, ldc, alpha, tmp, ldb)
//
// b is the block's first element of B and nb a multiple of 8 (the driver
// gives the last columns to block, so that no load reads past B's rows).

// unpackedEdits are the changes from block to blockB, besides the name
// and the signature: the panel of columns jr starts at b + jr·4 (not at
// jr·kb·4 of the packed panels), and each step of k moves down one row of
// B, ldb·4 bytes (not 8 packed floats). The step is in both of block's k
// loops (the 4-row tile's and the 2-row tile's), so it occurs twice.
var unpackedEdits = []edit{
	{`(func (export "block")`, `(func (export "blockB")`, 1},
	{`(param $alpha f32) (param $tmp i32)`, `(param $alpha f32) (param $tmp i32) (param $ldb i32)`, 1},
	{"local.get $bp\n        local.get $jr\n        local.get $kb\n        i32.mul\n",
		"local.get $bp\n        local.get $jr\n", 1},
	{"local.get $b\n            i32.const 32\n            i32.add\n            local.set $b\n",
		"local.get $b\n            local.get $ldb\n            i32.const 2\n            i32.shl\n            i32.add\n            local.set $b\n", 2},
}

// withUnpackedB returns the module text src (matmul.wat) with blockB added
// after block.
func withUnpackedB(src string) (string, error) {
	return withDerived(src, "block", "blockB", unpackedEdits)
}
