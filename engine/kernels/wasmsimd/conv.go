package wasmsimd

// The convolution variant of matmul.wat's block function, "conv": a
// convolution's forward pass without its columns. Conv2d multiplies the
// filters [O, C·kh·kw] by the unfolded input, columns of C·kh·kw floats
// copied out of the input for every output position. With stride 1, no
// padding and output rows a multiple of 8 wide (LeNet's 24 and 8), the
// 8 output positions of a register tile's panel are 8 neighbours in one
// output row, and for each window entry p the 8 floats the tile needs
// are 8 neighbours in one input row: conv reads them there, at the
// panel's input position plus the entry's offset, and writes the tile
// straight into the output [N, O, Ho·Wo]. The product is block's, step
// for step (derive.go), so the output has the bits of the columns' path.
//
//	conv(kb, mb, nb, ap, x, c, ldc, alpha, tmp, taps, bases, cbases, ones)
//
//   - ap, mb, kb: the packed filters (one packed block of A, as for block);
//   - x: the input's first element; nb output positions (a multiple of 8),
//     panel q of 8 of them reading row p of B at x + bases[2q] + taps[p]
//     (bases has an entry per 4 positions, for dotsConv too);
//   - taps: kb int32 byte offsets, one per window entry (c, i, j), from the
//     panel's input position; an odd entry stands for a row of ones (the
//     bias's), read from ones, 8 floats of 1;
//   - c, ldc: the output, panel q's tile at c + cbases[q] (bytes), its rows
//     (the output channels) ldc floats apart.

// convEdits are the changes from block to conv: the signature and two
// locals, the panel's first row of B (bb, its input position; o, the
// offsets' pointer), each step's row of B (bb + taps[p], or the ones),
// the step to the next offset in both k loops, and the tile's place in C.
var convEdits = []edit{
	{`(func (export "block")`, `(func (export "conv")`, 1},
	{`(param $alpha f32) (param $tmp i32)`,
		`(param $alpha f32) (param $tmp i32) (param $taps i32) (param $bases i32) (param $cbases i32) (param $ones i32)`, 1},
	{`(local $ldcb i32) (local $t i32)`, `(local $ldcb i32) (local $t i32) (local $o i32) (local $bb i32)`, 1},
	{"local.get $bp\n        local.get $jr\n        local.get $kb\n        i32.mul\n        i32.const 2\n        i32.shl\n        i32.add\n        local.set $b\n",
		"local.get $bp\n        local.get $bases\n        local.get $jr\n        i32.add\n        i32.load\n        i32.add\n        local.set $bb\n" +
			"        local.get $taps\n        local.set $o\n", 1},
	{"            local.get $b\n            v128.load\n            local.set $b0\n",
		"            local.get $ones\n            local.get $bb\n            local.get $o\n            i32.load\n            local.tee $t\n            i32.add\n" +
			"            local.get $t\n            i32.const 1\n            i32.and\n            select\n            local.tee $b\n            v128.load\n            local.set $b0\n", 2},
	{"            local.get $b\n            i32.const 32\n            i32.add\n            local.set $b\n",
		"            local.get $o\n            i32.const 4\n            i32.add\n            local.set $o\n", 2},
	{"local.get $c\n        local.get $ir\n        local.get $ldc\n        i32.mul\n        local.get $jr\n        i32.add\n        i32.const 2\n        i32.shl\n        i32.add\n        local.set $ct\n",
		"local.get $c\n        local.get $cbases\n        local.get $jr\n        i32.const 1\n        i32.shr_u\n        i32.add\n        i32.load\n        i32.add\n" +
			"        local.get $ir\n        local.get $ldcb\n        i32.mul\n        i32.add\n        local.set $ct\n", 1},
}

// withConv returns the module text src (matmul.wat) with conv added.
func withConv(src string) (string, error) { return withDerived(src, "block", "conv", convEdits) }

// ConvOnesTap is the taps entry that stands for the row of ones.
const ConvOnesTap = 1

// ConvReference is conv in Go, the rule the tests hold the module to:
// for panel q and its 8 positions j, row p of B is x[bases[2q]/4 + taps[p]/4 + j]
// (1 where taps[p] is ConvOnesTap), and the tile's row r goes to
// out[cbases[q]/4 + r·ldc + j] += alpha·Σ_p A[r][p]·B[p][j], the sum in
// order of p, each product rounded, as block's plain variant rounds them.
// a is [m, kb] row by row.
func ConvReference(m, kb int, a, x []float32, taps, bases, cbases []int32, out []float32, ldc int, alpha float32) {
	for q := range cbases {
		for r := range m {
			for j := range NR {
				var acc float32
				for p := range kb {
					b := float32(1)
					if taps[p] != ConvOnesTap {
						b = x[int(bases[2*q]+taps[p])/4+j]
					}
					acc += float32(a[r*kb+p] * b)
				}
				out[int(cbases[q])/4+r*ldc+j] += float32(alpha * acc)
			}
		}
	}
}

// ConvGeometry is a convolution that conv can compute: a batch of n
// inputs [c, h, w], o filters [c, kh, kw] (and a bias when Bias), stride
// 1, no padding, no dilation.
type ConvGeometry struct {
	N, C, H, W, O, KH, KW int
	Bias                  bool
}

// Out returns the output's height and width.
func (g ConvGeometry) Out() (ho, wo int) { return g.H - g.KH + 1, g.W - g.KW + 1 }

// ConvTables returns conv's and dotsConv's offsets for g: taps (one per
// window entry, then ConvOnesTap for the bias), the input position of
// every 4 output positions, and the output position of every 8 (a
// panel), all in bytes, the output laid out [N, O, Ho·Wo]. ok is false
// when conv cannot compute g: output rows not a multiple of 8 wide, an
// empty output, or offsets past the int32 range.
func ConvTables(g ConvGeometry) (taps, bases, cbases []int32, ok bool) {
	ho, wo := g.Out()
	if ho <= 0 || wo <= 0 || wo%NR != 0 || g.N <= 0 || g.C <= 0 || g.O <= 0 {
		return nil, nil, nil, false
	}
	if int64(g.N)*int64(max(g.C*g.H*g.W, g.O*ho*wo))*4 >= 1<<31 {
		return nil, nil, nil, false
	}
	for c := range g.C {
		for i := range g.KH {
			for j := range g.KW {
				taps = append(taps, int32(4*((c*g.H+i)*g.W+j)))
			}
		}
	}
	if g.Bias {
		taps = append(taps, ConvOnesTap)
	}
	for n := range g.N {
		for y := range ho {
			for x := 0; x < wo; x += 4 {
				bases = append(bases, int32(4*(n*g.C*g.H*g.W+y*g.W+x)))
				if x%NR == 0 {
					cbases = append(cbases, int32(4*(n*g.O*ho*wo+y*wo+x)))
				}
			}
		}
	}
	return taps, bases, cbases, true
}
