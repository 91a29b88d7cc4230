package wasmsimd

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// convScript runs block on the packed columns of a convolution, and conv
// on its input, and prints both results as bits.
const convScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(512);
const u32 = () => new Uint32Array(mem.buffer), f32 = () => new Float32Array(mem.buffer);
let at = 16 << 20;
const put = (a) => { const addr = at; u32().set(a, addr / 4); at += 4 * a.length + 64; return addr; };
const ap = put(p.ap), bp = put(p.bp), x = put(p.x), taps = put(p.taps), bases = put(p.bases), cbases = put(p.cbases);
const ones = put([0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000]);
const c1 = put(new Array(p.mb * p.cols).fill(0)), c2 = put(new Array(p.mb * p.nb).fill(0)), tmp = put(new Array(32).fill(0));
inst.exports.block(p.kb, p.mb, p.cols, ap, bp, c1, p.cols, p.alpha, tmp);
inst.exports.conv(p.kb, p.mb, p.nb, ap, x, c2, p.ldc, p.alpha, tmp, taps, bases, cbases, ones);
const out = (c, n) => Array.from(u32().subarray(c / 4, c / 4 + p.mb * n));
process.stdout.write(JSON.stringify([out(c1, p.cols), out(c2, p.nb)]));
`

// convCase is a convolution's data laid out for convScript: the filters
// (with the bias as their last column) packed as block's A, the columns
// (with a row of ones for the bias) packed as block's B, and the padded
// input, in the layout l.
type convCase struct {
	g         ConvGeometry
	l         ConvLayout
	kb, nb    int       // window entries (and the bias); conv's positions
	a         []float32 // [O, kb]
	ap, bp, x []float32
}

// forwardLayout is the layout conv computes g in, as the browser's kernel
// chooses it: the exact one when its rows suit conv, else the wide one.
func forwardLayout(t *testing.T, g ConvGeometry) ConvLayout {
	if l, ok := ConvTables(g); ok && l.CBases != nil {
		return l
	}
	l, ok := WideConvTables(g)
	if !ok {
		t.Fatalf("%+v: WideConvTables refused it", g)
	}
	return l
}

func newConvCase(g ConvGeometry, l ConvLayout, rng *rand.Rand) convCase {
	ho, wo := g.Out()
	hp, wp := g.Padded()
	cc := convCase{g: g, l: l, kb: len(l.Taps), nb: g.N * l.Positions}
	x := make([]float32, g.N*g.C*g.H*g.W)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	cc.x = make([]float32, l.InFloats)
	g.PadInput(l, x, cc.x)
	cc.a = make([]float32, g.O*cc.kb)
	for i := range cc.a {
		cc.a[i] = rng.Float32()*2 - 1
	}
	pm := (g.O + MR - 1) / MR * MR
	cc.ap = make([]float32, pm*cc.kb)
	for r := range g.O {
		for p := range cc.kb {
			cc.ap[r/MR*MR*cc.kb+p*MR+r%MR] = cc.a[r*cc.kb+p]
		}
	}
	// The columns, [kb, N·Ho·Wo] with the positions n, y, x in order,
	// packed in panels of NR columns (the last panel padded with zeros).
	cols := g.N * ho * wo
	cc.bp = make([]float32, (cols+NR-1)/NR*NR*cc.kb)
	for col := range cols {
		n, y, x := col/(ho*wo), col/wo%ho, col%wo
		for p := range cc.kb {
			v := float32(1)
			if p < g.C*g.KH*g.KW {
				c, i, j := p/(g.KH*g.KW), p/g.KW%g.KH, p%g.KW
				v = cc.x[((n*g.C+c)*hp+y+i)*wp+x+j]
			}
			cc.bp[col/NR*NR*cc.kb+p*NR+col%NR] = v
		}
	}
	return cc
}

// at returns the index of output (n, o, y·Wo + x) in conv's output, laid
// out [N, O, Positions].
func (cc convCase) at(n, o, pos int) int {
	_, wo := cc.g.Out()
	_, wp := cc.g.Padded()
	if cc.l.Wide {
		pos = pos/wo*wp + pos%wo
	}
	return (n*cc.g.O+o)*cc.l.Positions + pos
}

// convGeometries are LeNet's two convolutions (small batches), one
// without a bias and with edge rows of filters, single channels and
// filters; the milestone's two (with padding 2, and rows 10 wide: the
// wide layout), padding of 1 row and 2 columns, and output rows 7 wide.
var convGeometries = []ConvGeometry{
	{N: 3, C: 1, H: 28, W: 28, O: 6, KH: 5, KW: 5, Bias: true},
	{N: 2, C: 6, H: 12, W: 12, O: 16, KH: 5, KW: 5, Bias: true},
	{N: 2, C: 2, H: 9, W: 10, O: 17, KH: 3, KW: 3},
	{N: 1, C: 1, H: 1, W: 8, O: 1, KH: 1, KW: 1, Bias: true},
	{N: 2, C: 3, H: 4, W: 19, O: 3, KH: 2, KW: 4},
	{N: 2, C: 1, H: 28, W: 28, O: 6, KH: 5, KW: 5, PH: 2, PW: 2, Bias: true},
	{N: 3, C: 6, H: 14, W: 14, O: 16, KH: 5, KW: 5, Bias: true},
	{N: 2, C: 2, H: 5, W: 6, O: 5, KH: 3, KW: 3, PH: 1, PW: 2, Bias: true},
	{N: 2, C: 3, H: 9, W: 9, O: 4, KH: 3, KW: 3},
}

// TestConvInNode runs conv under node against block on the same
// convolutions' columns, in the plain and the fused module: the same
// bits, the output rearranged from [O, N·L] to [N, O, L]. The plain
// module's conv also matches ConvReference.
func TestConvInNode(t *testing.T) {
	node, mods := matmulModules(t)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, mod := range mods {
		for _, g := range convGeometries {
			cc := newConvCase(g, forwardLayout(t, g), rng)
			ho, wo := g.Out()
			L := ho * wo
			alpha := float32(0.75)
			got := runNodeJSONWith[[2][]uint32](t, node, mod.flags, convScript, map[string]any{"wasm": mod.code,
				"kb": cc.kb, "mb": g.O, "nb": cc.nb, "cols": len(cc.bp) / cc.kb, "ldc": cc.l.Positions, "alpha": alpha,
				"ap": bitsOf(cc.ap), "bp": bitsOf(cc.bp), "x": bitsOf(cc.x), "taps": cc.l.Taps, "bases": cc.l.Bases, "cbases": cc.l.CBases})
			var ref []float32
			if mod.name == "plain" {
				ref = make([]float32, g.O*cc.nb)
				ConvReference(g.O, cc.kb, cc.a, cc.x, cc.l.Taps, cc.l.Bases, cc.l.CBases, ref, cc.l.Positions, alpha)
			}
			cols := len(cc.bp) / cc.kb
			for n := range g.N {
				for o := range g.O {
					for l := range L {
						block, conv := got[0][o*cols+n*L+l], got[1][cc.at(n, o, l)]
						if block != conv || block == 0 {
							t.Fatalf("%s %+v: sample %d, channel %d, position %d: conv %v, block %v", mod.name, g, n, o, l,
								math.Float32frombits(conv), math.Float32frombits(block))
						}
						if ref != nil && math.Float32bits(ref[cc.at(n, o, l)]) != conv {
							t.Fatalf("%s %+v: sample %d, channel %d, position %d: conv %v, ConvReference %v", mod.name, g, n, o, l,
								math.Float32frombits(conv), ref[cc.at(n, o, l)])
						}
					}
				}
			}
		}
	}
}

// TestConvTables: the offsets of small convolutions in the exact and the
// wide layout, and the geometries refused.
func TestConvTables(t *testing.T) {
	g := ConvGeometry{N: 2, C: 2, H: 3, W: 10, O: 3, KH: 2, KW: 3, Bias: true}
	exact, ok := ConvTables(g)
	if !ok {
		t.Fatal("refused")
	}
	padded, ok := ConvTables(ConvGeometry{N: 1, C: 1, H: 2, W: 2, O: 1, KH: 3, KW: 3, PH: 1, PW: 2})
	if !ok {
		t.Fatal("refused the padded one")
	}
	g.W = 8 // output rows 6 wide
	wide, ok := WideConvTables(g)
	if !ok {
		t.Fatal("refused the wide one")
	}
	for _, c := range []struct {
		name      string
		got, want []int32
	}{
		{"taps", exact.Taps, []int32{0, 4, 8, 40, 44, 48, 120, 124, 128, 160, 164, 168, ConvOnesTap}},
		{"bases", exact.Bases, []int32{0, 16, 40, 56, 240, 256, 280, 296}}, // (n·60 + y·10 + x)·4, x = 0, 4
		{"cbases", exact.CBases, []int32{0, 32, 192, 224}},                 // (n·3·16 + y·8)·4
		// The padded input is [4, 6]: the window's rows 6 floats apart,
		// and 2 output rows of 4.
		{"padded taps", padded.Taps, []int32{0, 4, 8, 24, 28, 32, 48, 52, 56}},
		{"padded bases", padded.Bases, []int32{0, 24}},
		// Rows of 6 outputs over inputs 8 wide: 2 rows of 8 positions per
		// sample, the input of each 4 at its position, the sample's 16
		// positions an output row each.
		{"wide taps", wide.Taps, []int32{0, 4, 8, 32, 36, 40, 96, 100, 104, 128, 132, 136, ConvOnesTap}},
		{"wide bases", wide.Bases, []int32{0, 16, 32, 48, 192, 208, 224, 240}}, // (n·48 + p)·4
		{"wide cbases", wide.CBases, []int32{0, 32, 192, 224}},                 // (n·3·16 + p)·4
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if padded.CBases != nil || exact.Positions != 16 || exact.InFloats != 120 || padded.Positions != 8 || padded.InFloats != 24 {
		t.Errorf("exact %+v; padded %+v", exact, padded)
	}
	// 2 samples of 2 channels [3, 8], then the 2 positions past the last
	// row that the last ones read.
	if !wide.Wide || wide.Positions != 16 || wide.InFloats != 2*2*3*8+0+2 {
		t.Errorf("wide %+v", wide)
	}
	for _, g := range []ConvGeometry{
		{N: 1, C: 1, H: 2, W: 8, O: 1, KH: 3, KW: 1},         // no output rows
		{N: 0, C: 1, H: 8, W: 8, O: 1, KH: 1, KW: 1},         // no samples
		{N: 1, C: 1, H: 8, W: 8, O: 1, KH: 1, KW: 1, PH: -1}, // negative padding
		{N: 1 << 20, C: 1, H: 32, W: 32, O: 1, KH: 1, KW: 1}, // offsets past int32
	} {
		if _, ok := ConvTables(g); ok {
			t.Errorf("%+v: ConvTables accepted it", g)
		}
		if _, ok := WideConvTables(g); ok {
			t.Errorf("%+v: WideConvTables accepted it", g)
		}
	}
	if _, ok := ConvTables(ConvGeometry{N: 1, C: 1, H: 5, W: 10, O: 1, KH: 1, KW: 1}); ok {
		t.Error("ConvTables accepted rows 10 wide")
	}
}

// TestPadInputAndFromWide: the padded input has the input's values at
// their places and zeros elsewhere, and FromWide picks each output of the
// wide layout.
func TestPadInputAndFromWide(t *testing.T) {
	g := ConvGeometry{N: 2, C: 1, H: 2, W: 3, O: 2, KH: 2, KW: 2, PH: 1, PW: 1}
	l, ok := WideConvTables(g) // padded [4, 5], output [3, 4]: 15 positions, 16 with the last panel's
	if !ok {
		t.Fatal("refused")
	}
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	got := make([]float32, l.InFloats)
	for i := range got {
		got[i] = float32(math.NaN()) // PadInput must write every float
	}
	g.PadInput(l, x, got)
	want := []float32{
		0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 7, 8, 9, 0, 0, 10, 11, 12, 0, 0, 0, 0, 0, 0,
		0, 0, // 16 − 15 positions, and kw − 1
	}
	if !slices.Equal(got, want) {
		t.Errorf("PadInput = %v\nwant      %v", got, want)
	}
	wide := make([]float32, g.N*g.O*l.Positions)
	for i := range wide {
		wide[i] = float32(i)
	}
	out := make([]float32, g.N*g.O*3*4)
	g.FromWide(l, wide, out)
	for no := range g.N * g.O {
		for y := range 3 {
			for x := range 4 {
				if v, w := out[(no*3+y)*4+x], float32(no*16+y*5+x); v != w {
					t.Fatalf("out[%d, %d, %d] = %v, want %v", no, y, x, v, w)
				}
			}
		}
	}
}

// convGradScript runs dots on a convolution's columns and dotsConv on its
// input, the same output gradient for both, and prints both results as
// bits.
const convGradScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(512);
const u32 = () => new Uint32Array(mem.buffer);
let at = 16 << 20;
const put = (a) => { const addr = at; u32().set(a, addr / 4); at += 4 * a.length + 64; return addr; };
const a = put(p.a), cols = put(p.cols), x = put(p.x), taps = put(p.taps), bases = put(p.bases);
const ones = put([0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000]);
const o1 = put(new Array(p.size).fill(0)), o2 = put(new Array(p.size).fill(0));
inst.exports.dots(p.m, p.n, p.k, a, p.k, cols, p.k, o1);
inst.exports.dotsConv(p.m, p.n, p.k, a, p.k, x, taps, o2, bases, ones);
const out = (o) => Array.from(u32().subarray(o / 4, o / 4 + p.size));
process.stdout.write(JSON.stringify([out(o1), out(o2)]));
`

// TestConvGradInNode runs dotsConv under node against dots on the same
// convolutions' columns (unpacked, [k, N·L]), with a random output
// gradient, in the plain and the fused module: the same bits. The plain
// module's dotsConv also matches ConvGradReference.
func TestConvGradInNode(t *testing.T) {
	node, mods := matmulModules(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, mod := range mods {
		for _, g := range convGeometries {
			l, ok := ConvTables(g)
			if !ok {
				continue // output rows not a multiple of 4 wide
			}
			cc := newConvCase(g, l, rng)
			m, n, k := g.O, cc.kb, cc.nb // filters × window entries, along the positions
			dy := make([]float32, m*k)
			for i := range dy {
				dy[i] = rng.Float32()*2 - 1
			}
			// The columns unpacked, [n, k]: entry p of position col.
			cols := make([]float32, n*k)
			for col := range k {
				for p := range n {
					cols[p*k+col] = cc.bp[col/NR*NR*n+p*NR+col%NR]
				}
			}
			size, _ := DotsFloats(m, n)
			got := runNodeJSONWith[[2][]uint32](t, node, mod.flags, convGradScript, map[string]any{"wasm": mod.code,
				"m": m, "n": n, "k": k, "size": size,
				"a": bitsOf(dy), "cols": bitsOf(cols), "x": bitsOf(cc.x), "taps": l.Taps, "bases": l.Bases})
			var ref []float32
			if mod.name == "plain" {
				ref = make([]float32, size)
				ConvGradReference(m, n, k, dy, k, cc.x, l.Taps, l.Bases, ref)
			}
			_, stride := DotsFloats(m, n)
			for i := range m {
				for j := range n {
					dots, conv := got[0][i*stride+j], got[1][i*stride+j]
					if dots != conv || dots == 0 {
						t.Fatalf("%s %+v: filter %d, entry %d: dotsConv %v, dots %v", mod.name, g, i, j,
							math.Float32frombits(conv), math.Float32frombits(dots))
					}
					if ref != nil && math.Float32bits(ref[i*stride+j]) != conv {
						t.Fatalf("%s %+v: filter %d, entry %d: dotsConv %v, ConvGradReference %v", mod.name, g, i, j,
							math.Float32frombits(conv), ref[i*stride+j])
					}
				}
			}
		}
	}
}
