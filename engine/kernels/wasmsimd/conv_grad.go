package wasmsimd

// The convolution variant of dots.wat's dots function, "dotsConv": a
// convolution's weight gradient without its columns. The gradient of the
// filters (and bias) is dY·Xᵀ, dY [O, N·L] the output gradient of a chunk
// of samples and X [k, N·L] its columns: each output is a dot product
// along the output positions. With output rows a multiple of 4 wide,
// every 4 positions of a step of the dot products are 4 neighbours in one
// output row, and for a window entry p their 4 inputs are 4 neighbours in
// one input row: dotsConv reads them there, at the 4 positions' input
// position plus the entry's offset, instead of from the unfolded columns.
// The sums are dots's, step for step (derive.go), so the gradient has the
// bits of the columns' path.
//
//	dotsConv(m, n, k, a, lda, x, taps, out, bases, ones)
//
//   - a, lda, m: dY, m rows of k output positions, lda floats apart;
//   - x, taps, n: the input's first element and the n window entries'
//     byte offsets (ConvTables: ConvOnesTap for the bias's row of ones, read
//     from ones, 4 floats of 1);
//   - bases: the input position of every 4 output positions, in bytes from
//     x (ConvTables);
//   - out: as for dots.

// convGradEdits are the changes from dots to dotsConv: the signature and a
// local, row j of B at x + taps[j] (not b + j·ldb), and each step's 4
// floats of it at that plus the step's input position (or the ones).
var convGradEdits = []edit{
	{`(func (export "dots")`, `(func (export "dotsConv")`, 1},
	{`(param $b i32) (param $ldb i32) (param $out i32)`, `(param $b i32) (param $taps i32) (param $out i32) (param $bases i32) (param $ones i32)`, 1},
	{`(local $t i32) (local $o i32)`, `(local $t i32) (local $o i32) (local $pb i32)`, 1},
	{"        local.get $ldb\n        i32.mul\n        i32.const 2\n        i32.shl\n        local.get $b\n        i32.add\n",
		"        i32.const 2\n        i32.shl\n        local.get $taps\n        i32.add\n        i32.load\n        local.get $b\n        i32.add\n", 2},
	{"          br_if $kdone\n",
		"          br_if $kdone\n          ;; pb = bases[off/16]: the step's 4 positions' input position\n" +
			"          local.get $bases\n          local.get $off\n          i32.const 2\n          i32.shr_u\n          i32.add\n          i32.load\n          local.set $pb\n", 1},
	{"          local.get $q0\n          local.get $off\n          i32.add\n          v128.load\n",
		"          local.get $ones\n          local.get $q0\n          local.get $pb\n          i32.add\n          local.get $q0\n          i32.const 1\n          i32.and\n          select\n          v128.load\n", 1},
	{"          local.get $q1\n          local.get $off\n          i32.add\n          v128.load\n",
		"          local.get $ones\n          local.get $q1\n          local.get $pb\n          i32.add\n          local.get $q1\n          i32.const 1\n          i32.and\n          select\n          v128.load\n", 1},
}

// withConvGrad returns the module text src (with dots) with dotsConv added.
func withConvGrad(src string) (string, error) {
	return withDerived(src, "dots", "dotsConv", convGradEdits)
}

// ConvGradReference is dotsConv in Go, as DotsReference is dots: row j of
// B at position p is x[(bases[p/4] + taps[j])/4 + p%4], or 1 where taps[j]
// is ConvOnesTap.
func ConvGradReference(m, n, k int, a []float32, lda int, x []float32, taps, bases []int32, out []float32) {
	_, stride := DotsFloats(m, n)
	for i := range m {
		for j := range n {
			var s [4]float32
			for p := range k {
				b := float32(1)
				if taps[j] != ConvOnesTap {
					b = x[int(bases[p/4]+taps[j])/4+p%4]
				}
				s[p%4] += float32(a[i*lda+p] * b)
			}
			out[i*stride+j] = (s[0] + s[1]) + (s[2] + s[3])
		}
	}
}
