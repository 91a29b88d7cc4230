package wasmsimd

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// unpackedScript runs block on packed B and blockB on the same B unpacked,
// each on its own copy of C, and prints both results as bits.
const unpackedScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(512);
const u32 = () => new Uint32Array(mem.buffer);
const ap = 16 << 20, bp = ap + 4 * p.ap.length + 64, b = bp + 4 * p.bp.length + 64;
const c1 = b + 4 * p.b.length + 4, c2 = c1 + 4 * p.c.length + 4, tmp = c2 + 4 * p.c.length + 4;
u32().set(p.ap, ap / 4); u32().set(p.bp, bp / 4); u32().set(p.b, b / 4);
u32().set(p.c, c1 / 4); u32().set(p.c, c2 / 4);
inst.exports.block(p.kb, p.mb, p.nb, ap, bp, c1, p.ldc, p.alpha, tmp);
inst.exports.blockB(p.kb, p.mb, p.nb, ap, b, c2, p.ldc, p.alpha, tmp, p.ldb);
const out = (c) => Array.from(u32().subarray(c / 4, c / 4 + p.c.length));
process.stdout.write(JSON.stringify([out(c1), out(c2)]));
`

// bitsOf returns the bits of v's floats, for JSON (which has no NaN).
func bitsOf(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = math.Float32bits(x)
	}
	return out
}

// TestUnpackedBInNode runs blockB under node against block on the same
// products, B packed for one and read in place for the other (rows of B
// and C not aligned, edge rows of A, one and many k steps), in the plain
// and the fused module: the same bits, as the derivation promises.
func TestUnpackedBInNode(t *testing.T) {
	node, mods := matmulModules(t)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, mod := range mods {
		for _, sz := range [][3]int{{1, 8, 1}, {6, 16, 26}, {16, 40, 151}, {13, 8, 300}} {
			mb, nb, kb := sz[0], sz[1], sz[2]
			ldb, ldc := nb+5, nb+3
			pm := (mb + MR - 1) / MR * MR
			ap, b, bp := make([]float32, pm*kb), make([]float32, kb*ldb), make([]float32, nb*kb)
			for i := range mb {
				for p := range kb {
					ap[i/MR*MR*kb+p*MR+i%MR] = rng.Float32()*2 - 1
				}
			}
			for p := range kb {
				for j := range ldb {
					b[p*ldb+j] = rng.Float32()*2 - 1
					if j < nb {
						bp[j/NR*NR*kb+p*NR+j%NR] = b[p*ldb+j]
					}
				}
			}
			c := make([]float32, mb*ldc)
			for i := range c {
				c[i] = rng.Float32()
			}
			got := runNodeJSONWith[[2][]uint32](t, node, mod.flags, unpackedScript, map[string]any{"wasm": mod.code,
				"kb": kb, "mb": mb, "nb": nb, "ldb": ldb, "ldc": ldc,
				"alpha": 0.75, "ap": bitsOf(ap), "bp": bitsOf(bp), "b": bitsOf(b), "c": bitsOf(c)})
			changed := false
			for i := range got[0] {
				if got[0][i] != got[1][i] {
					t.Fatalf("%s, mb=%d nb=%d kb=%d: element %d (row %d, col %d): blockB %v, block %v", mod.name, mb, nb, kb,
						i, i/ldc, i%ldc, math.Float32frombits(got[1][i]), math.Float32frombits(got[0][i]))
				}
				changed = changed || got[0][i] != math.Float32bits(c[i])
			}
			if !changed {
				t.Fatalf("%s, mb=%d nb=%d kb=%d: neither kernel changed C", mod.name, mb, nb, kb)
			}
		}
	}
}

// TestWithUnpackedB: the derivation finds each edit once, and refuses a
// text without a block function.
func TestWithUnpackedB(t *testing.T) {
	src, err := withUnpackedB(source)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(src, `(export "blockB")`) != 1 || strings.Count(src, `(export "block")`) != 1 {
		t.Errorf("the derived module should export block and blockB once each")
	}
	if _, err := withUnpackedB("(module)"); err == nil {
		t.Errorf("a module without block: no error")
	}
}
