package wasmsimd

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// convInputScript runs block on the packed filters (transposed) and
// output gradient into zeroed columns, as engine/tensor's columns path
// does for a convolution's input gradient, and the convInputGradG
// functions on the same operands into two zeroed input gradients, one
// channel at a time and in groups, and prints the columns and the two
// input gradients as bits.
const convInputScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(512);
const u32 = () => new Uint32Array(mem.buffer);
let at = 16 << 20;
const put = (a) => { const addr = at; u32().set(a, addr / 4); at += 4 * a.length + 64; return addr; };
const ap = put(p.ap), bp = put(p.bp), dy = put(p.dy);
const cols = put(new Array(p.rows * p.cols).fill(0)), img = put(new Array(p.img).fill(0)), tmp = put(new Array(32).fill(0));
const img2 = put(new Array(p.img).fill(0)), tmp2 = put(new Array(36).fill(0));
inst.exports.block(p.o, p.rows, p.width, ap, bp, cols, p.cols, 1, tmp);
for (const [calls, dst] of [[p.singles, img], [p.groups, img2]]) for (const c of calls) {
  inst.exports["convInputGrad" + c.group](put(c.wg), p.o, dy, p.width, dst, put(c.blocks), c.blocks.length / 10, p.inNext, tmp2);
}
const out = (a, n) => Array.from(u32().subarray(a / 4, a / 4 + n));
process.stdout.write(JSON.stringify([out(cols, p.rows * p.cols), out(img, p.img), out(img2, p.img)]));
`

// convInputCall is one call of convInputScript: a group of 1, 2 or 3
// channels with convInputGrad1, 2 or 3 (wg their weights).
type convInputCall struct {
	Group  int      `json:"group"`
	WG     []uint32 `json:"wg"`
	Blocks []int32  `json:"blocks"`
}

// convInputCalls splits the blocks of g by channel into groups, with
// their weights side by side: as the browser's kernel does
// (ConvInputGroups), or into single channels.
func convInputCalls(g ConvGeometry, w []float32, k, width int, blocks []int32, groups []int) []convInputCall {
	per := len(blocks) / BlockFields / g.C * BlockFields // each channel's blocks
	var calls []convInputCall
	c := 0
	for _, group := range groups {
		bl := blocks[c*per : (c+1)*per]
		wg := ConvInputGroupWeights(nil, w, k, g.O, g.KH*g.KW, width, group, bl)
		calls = append(calls, convInputCall{Group: group, WG: bitsOf(wg), Blocks: bl})
		c += group
	}
	return calls
}

// convInputBlocks lists the blocks of col2im for a chunk of g's samples
// with stride 1, in the order and layout of engine/tensor's eachBlock:
// the columns [C·KH·KW, N·Ho·Wo], the input gradient [N, C, H, W].
func convInputBlocks(g ConvGeometry) []int32 {
	ho, wo := g.Out()
	width := g.N * ho * wo
	valid := func(k, pad, size, out int) (lo, hi, shift int) {
		shift = k - pad
		lo, hi = max(0, -shift), min(out, size-shift)
		return lo, hi, shift
	}
	var blocks []int32
	for r := range g.C * g.KH * g.KW {
		c, ki, kj := r/(g.KH*g.KW), r/g.KW%g.KH, r%g.KW
		loI, hiI, shiftI := valid(ki, g.PH, g.H, ho)
		loJ, hiJ, shiftJ := valid(kj, g.PW, g.W, wo)
		if loI >= hiI || loJ >= hiJ {
			continue
		}
		blocks = append(blocks, int32(r*width+loI*wo+loJ), int32(wo), int32(ho*wo),
			int32(c*g.H*g.W+(loI+shiftI)*g.W+loJ+shiftJ), int32(g.W), int32(g.C*g.H*g.W),
			int32(hiJ-loJ), int32(hiI-loI), int32(g.N), 1)
	}
	return blocks
}

// TestConvInputGradInNode runs convInputGrad1 on each channel under node
// against block and moveBlocks' col2im (MoveBlocksReference) on the same
// convolutions, in the plain and the fused module: the same bits, and
// again with the channels in groups (ConvInputGroups: convInputGrad3,
// convInputGrad2, convInputGrad1). The filters carry a bias column
// (k = rows + 1), which must not be read; the plain module also matches
// ConvInputGradReference.
func TestConvInputGradInNode(t *testing.T) {
	src, err := withConvInput("(module\n)")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(fuse(src), "f32x4.relaxed_madd"); n != 18 {
		t.Fatalf("the fused module's convInputGrad1, 2 and 3 have %d relaxed multiply-adds, want 18 (their q loops' 3, 6 and 9)", n)
	}
	node, mods := matmulModules(t)
	rng := rand.New(rand.NewPCG(13, 14))
	for _, mod := range mods {
		// Besides the convolutions of the other tests, 4 and 5 input
		// channels: two pairs, and a three and a pair.
		for _, g := range append(convGeometries, ConvGeometry{N: 2, C: 4, H: 7, W: 9, O: 5, KH: 3, KW: 2, PH: 1, Bias: true},
			ConvGeometry{N: 1, C: 5, H: 6, W: 13, O: 2, KH: 2, KW: 3, PW: 2}) {
			ho, wo := g.Out()
			rows, width := g.C*g.KH*g.KW, g.N*ho*wo
			k := rows + 1
			w, dy := make([]float32, g.O*k), make([]float32, g.O*width+ConvInputFloatsAfter)
			for i := range w {
				w[i] = rng.Float32()*2 - 1
			}
			for i := range dy {
				dy[i] = rng.Float32()*2 - 1
			}
			// block's operands: A = Wᵀ [rows, o] in panels of MR rows, B =
			// dY [o, width] in panels of NR columns.
			cols := (width + NR - 1) / NR * NR
			ap := make([]float32, (rows+MR-1)/MR*MR*g.O)
			for r := range rows {
				for q := range g.O {
					ap[r/MR*MR*g.O+q*MR+r%MR] = w[q*k+r]
				}
			}
			bp := make([]float32, cols*g.O)
			for p := range width {
				for q := range g.O {
					bp[p/NR*NR*g.O+q*NR+p%NR] = dy[q*width+p]
				}
			}
			blocks := convInputBlocks(g)
			imgFloats := g.N * g.C * g.H * g.W
			got := runNodeJSONWith[[3][]uint32](t, node, mod.flags, convInputScript, map[string]any{"wasm": mod.code,
				"o": g.O, "k": k, "rows": rows, "width": width, "cols": cols, "img": imgFloats,
				"ap": bitsOf(ap), "bp": bitsOf(bp), "dy": bitsOf(dy), "inNext": g.H * g.W,
				"singles": convInputCalls(g, w, k, width, blocks, slices.Repeat([]int{1}, g.C)),
				"groups":  convInputCalls(g, w, k, width, blocks, ConvInputGroups(g.C))})
			colsOut := make([]float32, rows*width)
			for r := range rows {
				for p := range width {
					colsOut[r*width+p] = math.Float32frombits(got[0][r*cols+p])
				}
			}
			want := make([]float32, imgFloats)
			MoveBlocksReference(true, colsOut, want, blocks)
			var ref []float32
			if mod.name == "plain" {
				ref = make([]float32, imgFloats)
				ConvInputGradReference(w, k, g.O, dy, width, ref, blocks)
			}
			for i, v := range want {
				if got[1][i] != math.Float32bits(v) {
					t.Fatalf("%s %+v: input gradient %d: convInputGrad1 %v, block and col2im %v", mod.name, g, i, math.Float32frombits(got[1][i]), v)
				}
				if got[2][i] != math.Float32bits(v) {
					t.Fatalf("%s %+v: input gradient %d: in groups of channels %v, block and col2im %v", mod.name, g, i, math.Float32frombits(got[2][i]), v)
				}
				if ref != nil && math.Float32bits(ref[i]) != got[1][i] {
					t.Fatalf("%s %+v: input gradient %d: convInputGrad1 %v, ConvInputGradReference %v", mod.name, g, i, math.Float32frombits(got[1][i]), ref[i])
				}
			}
		}
	}
}
