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
const c1 = put(new Array(p.mb * p.nb).fill(0)), c2 = put(new Array(p.mb * p.nb).fill(0)), tmp = put(new Array(32).fill(0));
inst.exports.block(p.kb, p.mb, p.nb, ap, bp, c1, p.nb, p.alpha, tmp);
inst.exports.conv(p.kb, p.mb, p.nb, ap, x, c2, p.ldc, p.alpha, tmp, taps, bases, cbases, ones);
const out = (c) => Array.from(u32().subarray(c / 4, c / 4 + p.mb * p.nb));
process.stdout.write(JSON.stringify([out(c1), out(c2)]));
`

// convCase is a convolution's data laid out for convScript: the filters
// (with the bias as their last column) packed as block's A, the columns
// (with a row of ones for the bias) packed as block's B, and the input.
type convCase struct {
	g          ConvGeometry
	kb, nb     int
	a          []float32 // [O, kb]
	ap, bp, x  []float32
	taps       []int32
	bases, cbs []int32
}

func newConvCase(t *testing.T, g ConvGeometry, rng *rand.Rand) convCase {
	taps, bases, cbases, ok := ConvTables(g)
	if !ok {
		t.Fatalf("%+v: ConvTables refused it", g)
	}
	ho, wo := g.Out()
	cc := convCase{g: g, kb: len(taps), nb: g.N * ho * wo, taps: taps, bases: bases, cbs: cbases}
	cc.x = make([]float32, g.N*g.C*g.H*g.W)
	for i := range cc.x {
		cc.x[i] = rng.Float32()*2 - 1
	}
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
	// packed in panels of NR columns.
	cc.bp = make([]float32, cc.nb*cc.kb)
	for col := range cc.nb {
		n, y, x := col/(ho*wo), col/wo%ho, col%wo
		for p := range cc.kb {
			v := float32(1)
			if p < g.C*g.KH*g.KW {
				c, i, j := p/(g.KH*g.KW), p/g.KW%g.KH, p%g.KW
				v = cc.x[((n*g.C+c)*g.H+y+i)*g.W+x+j]
			}
			cc.bp[col/NR*NR*cc.kb+p*NR+col%NR] = v
		}
	}
	return cc
}

// convGeometries are LeNet's two convolutions (small batches), one
// without a bias and with edge rows of filters, and single channels and
// filters.
var convGeometries = []ConvGeometry{
	{N: 3, C: 1, H: 28, W: 28, O: 6, KH: 5, KW: 5, Bias: true},
	{N: 2, C: 6, H: 12, W: 12, O: 16, KH: 5, KW: 5, Bias: true},
	{N: 2, C: 2, H: 9, W: 10, O: 17, KH: 3, KW: 3},
	{N: 1, C: 1, H: 1, W: 8, O: 1, KH: 1, KW: 1, Bias: true},
	{N: 2, C: 3, H: 4, W: 19, O: 3, KH: 2, KW: 4},
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
			cc := newConvCase(t, g, rng)
			ho, wo := g.Out()
			L := ho * wo
			alpha := float32(0.75)
			got := runNodeJSONWith[[2][]uint32](t, node, mod.flags, convScript, map[string]any{"wasm": mod.code,
				"kb": cc.kb, "mb": g.O, "nb": cc.nb, "ldc": L, "alpha": alpha,
				"ap": bitsOf(cc.ap), "bp": bitsOf(cc.bp), "x": bitsOf(cc.x), "taps": cc.taps, "bases": cc.bases, "cbases": cc.cbs})
			var ref []float32
			if mod.name == "plain" {
				ref = make([]float32, g.O*cc.nb)
				ConvReference(g.O, cc.kb, cc.a, cc.x, cc.taps, cc.bases, cc.cbs, ref, L, alpha)
			}
			for n := range g.N {
				for o := range g.O {
					for l := range L {
						block, conv := got[0][o*cc.nb+n*L+l], got[1][(n*g.O+o)*L+l]
						if block != conv || block == 0 {
							t.Fatalf("%s %+v: sample %d, channel %d, position %d: conv %v, block %v", mod.name, g, n, o, l,
								math.Float32frombits(conv), math.Float32frombits(block))
						}
						if ref != nil && math.Float32bits(ref[(n*g.O+o)*L+l]) != conv {
							t.Fatalf("%s %+v: sample %d, channel %d, position %d: conv %v, ConvReference %v", mod.name, g, n, o, l,
								math.Float32frombits(conv), ref[(n*g.O+o)*L+l])
						}
					}
				}
			}
		}
	}
}

// TestConvTables: the offsets of a small convolution, and the
// geometries conv refuses.
func TestConvTables(t *testing.T) {
	taps, bases, cbases, ok := ConvTables(ConvGeometry{N: 2, C: 2, H: 3, W: 10, O: 3, KH: 2, KW: 3, Bias: true})
	if !ok {
		t.Fatal("refused")
	}
	wantTaps := []int32{0, 4, 8, 40, 44, 48, 120, 124, 128, 160, 164, 168, ConvOnesTap}
	wantBases := []int32{0, 16, 40, 56, 240, 256, 280, 296} // (n·60 + y·10 + x)·4, x = 0, 4
	wantCBases := []int32{0, 32, 192, 224}                  // (n·3·16 + y·8)·4
	for _, c := range []struct {
		name      string
		got, want []int32
	}{{"taps", taps, wantTaps}, {"bases", bases, wantBases}, {"cbases", cbases, wantCBases}} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, g := range []ConvGeometry{
		{N: 1, C: 1, H: 5, W: 12, O: 1, KH: 1, KW: 1},        // output rows 12 wide
		{N: 1, C: 1, H: 2, W: 8, O: 1, KH: 3, KW: 1},         // no output rows
		{N: 0, C: 1, H: 8, W: 8, O: 1, KH: 1, KW: 1},         // no samples
		{N: 1 << 20, C: 1, H: 32, W: 32, O: 1, KH: 1, KW: 1}, // offsets past int32
	} {
		if _, _, _, ok := ConvTables(g); ok {
			t.Errorf("%+v: accepted", g)
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
			cc := newConvCase(t, g, rng)
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
				"a": bitsOf(dy), "cols": bitsOf(cols), "x": bitsOf(cc.x), "taps": cc.taps, "bases": cc.bases})
			var ref []float32
			if mod.name == "plain" {
				ref = make([]float32, size)
				ConvGradReference(m, n, k, dy, k, cc.x, cc.taps, cc.bases, ref)
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
