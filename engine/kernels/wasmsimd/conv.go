package wasmsimd

// The convolution variant of matmul.wat's block function, "conv": a
// convolution's forward pass without its columns. Conv2d multiplies the
// filters [O, C·kh·kw] by the unfolded input, columns of C·kh·kw floats
// copied out of the input for every output position. With stride 1 and
// output rows a multiple of 8 wide (LeNet's 24 and 8), the 8 output
// positions of a register tile's panel are 8 neighbours in one output
// row, and for each window entry p the 8 floats the tile needs are 8
// neighbours in one input row: conv reads them there, at the panel's
// input position plus the entry's offset, and writes the tile straight
// into the output [N, O, Ho·Wo]. Other widths take the wide layout
// (ConvLayout), and padding a copy of the input with its zeros. The
// product is block's, step for step (derive.go), so the output has the
// bits of the columns' path.
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

// ConvGeometry is a convolution that conv and dotsConv can compute: a
// batch of n inputs [c, h, w], o filters [c, kh, kw] (and a bias when
// Bias), stride 1, no dilation, and ph rows and pw columns of zeros
// around each input (padding).
type ConvGeometry struct {
	N, C, H, W, O, KH, KW int
	PH, PW                int
	Bias                  bool
}

// Padded returns the height and width of an input with its padding.
func (g ConvGeometry) Padded() (hp, wp int) { return g.H + 2*g.PH, g.W + 2*g.PW }

// Out returns the output's height and width.
func (g ConvGeometry) Out() (ho, wo int) {
	hp, wp := g.Padded()
	return hp - g.KH + 1, wp - g.KW + 1
}

// ConvLayout is where conv and dotsConv find a convolution's operands.
// Both read the input padded (PadInput: zeros around each channel, as
// the columns hold for the padding), from its first element.
//
// In the exact layout the output positions are the output's: Bases has
// the input position of every 4 of them (output rows a multiple of 4
// wide, for dotsConv), and CBases the output position of every 8 (rows a
// multiple of 8 wide, for conv; else nil), the output laid out [N, O,
// Ho·Wo].
//
// In the wide layout (conv only) the positions of an output row run
// over the padded input's whole width: position y·Wp + x reads its
// window at input position y·Wp + x, so any 8 consecutive positions read
// 8 consecutive inputs, whatever the output's width. The last kw−1
// positions of each row are not outputs (their windows wrap into the next
// row), so conv writes [N, O, Positions] into a scratch buffer, and
// FromWide copies the outputs from it. Each output's sum is the one the
// exact layout, and the columns, would give: the same bits.
type ConvLayout struct {
	Taps      []int32 // per window entry (c, i, j), bytes from a position's input; then ConvOnesTap for the bias
	Bases     []int32 // per 4 positions, their first input position, bytes from the padded input
	CBases    []int32 // per 8 positions (a panel), their first output, bytes from the output (or scratch)
	Positions int     // positions per sample: Ho·Wo, or Ho·Wp rounded up to 8 when Wide
	InFloats  int     // floats of padded input the modules may read (PadInput writes them all)
	Wide      bool
}

// ConvTables returns the exact layout of g, or false when there is none:
// output rows not a multiple of 4 wide, an empty output, or offsets past
// the int32 range. Its CBases are nil unless the rows are a multiple of 8
// wide.
func ConvTables(g ConvGeometry) (ConvLayout, bool) {
	ho, wo := g.Out()
	hp, wp := g.Padded()
	l := ConvLayout{Positions: ho * wo, InFloats: g.N * g.C * hp * wp}
	if !g.fits(l) || wo%4 != 0 {
		return ConvLayout{}, false
	}
	l.Taps = g.taps()
	for n := range g.N {
		for y := range ho {
			for x := 0; x < wo; x += 4 {
				l.Bases = append(l.Bases, int32(4*(n*g.C*hp*wp+y*wp+x)))
			}
		}
	}
	if wo%NR == 0 {
		for p := 0; p < g.N*ho*wo; p += NR {
			l.CBases = append(l.CBases, int32(4*(p/(ho*wo)*g.O*ho*wo+p%(ho*wo))))
		}
	}
	return l, true
}

// WideConvTables returns the wide layout of g, or false when there is
// none: an empty output, or offsets past the int32 range.
func WideConvTables(g ConvGeometry) (ConvLayout, bool) {
	ho, _ := g.Out()
	hp, wp := g.Padded()
	per := (ho*wp + NR - 1) / NR * NR
	l := ConvLayout{Positions: per, Wide: true, InFloats: g.N*g.C*hp*wp + per - ho*wp + g.KW - 1}
	if !g.fits(l) {
		return ConvLayout{}, false
	}
	l.Taps = g.taps()
	for n := range g.N {
		for p := 0; p < per; p += 4 {
			l.Bases = append(l.Bases, int32(4*(n*g.C*hp*wp+p)))
			if p%NR == 0 {
				l.CBases = append(l.CBases, int32(4*(n*g.O*per+p)))
			}
		}
	}
	return l, true
}

// fits says whether g has an output, and the layout's offsets fit in an
// int32.
func (g ConvGeometry) fits(l ConvLayout) bool {
	ho, wo := g.Out()
	if ho <= 0 || wo <= 0 || g.N <= 0 || g.C <= 0 || g.O <= 0 || g.KH <= 0 || g.KW <= 0 || g.PH < 0 || g.PW < 0 {
		return false
	}
	return int64(max(l.InFloats, g.N*g.O*l.Positions))*4 < 1<<31
}

// taps returns the window entries' offsets in the padded input, in bytes,
// then ConvOnesTap for the bias.
func (g ConvGeometry) taps() []int32 {
	hp, wp := g.Padded()
	var taps []int32
	for c := range g.C {
		for i := range g.KH {
			for j := range g.KW {
				taps = append(taps, int32(4*((c*hp+i)*wp+j)))
			}
		}
	}
	if g.Bias {
		taps = append(taps, ConvOnesTap)
	}
	return taps
}

// PadInput writes the input x [N, C, H, W] into dst (l.InFloats floats)
// with its padding: zeros around each channel, and after the last.
func (g ConvGeometry) PadInput(l ConvLayout, x, dst []float32) {
	hp, wp := g.Padded()
	dst = dst[:l.InFloats]
	clear(dst)
	for nc := range g.N * g.C {
		for y := range g.H {
			copy(dst[nc*hp*wp+(y+g.PH)*wp+g.PW:][:g.W], x[(nc*g.H+y)*g.W:])
		}
	}
}

// FromWide copies the outputs out of conv's output in the wide layout l,
// wide [N, O, l.Positions], into out [N, O, Ho, Wo].
func (g ConvGeometry) FromWide(l ConvLayout, wide, out []float32) {
	ho, wo := g.Out()
	_, wp := g.Padded()
	for no := range g.N * g.O {
		for y := range ho {
			copy(out[(no*ho+y)*wo:][:wo], wide[no*l.Positions+y*wp:])
		}
	}
}
