package wasmsimd

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// dotsScript runs the module's dots function on A and B read from a JSON
// file (as bits) and prints out, as bits.
const dotsScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(512);
const u32 = () => new Uint32Array(mem.buffer);
const a = 16 << 20, b = a + 4 * p.a.length + 4, out = b + 4 * p.b.length + 4;
u32().set(p.a, a / 4); u32().set(p.b, b / 4); u32().fill(0x7fc00000, out / 4, out / 4 + p.size);
inst.exports.dots(p.m, p.n, p.k, a, p.lda, b, p.ldb, out);
process.stdout.write(JSON.stringify(Array.from(u32().subarray(out / 4, out / 4 + p.size))));
`

// TestDotsInNode runs dots.wat under node on edge tiles (rows and columns
// that do not fill a tile, unaligned rows) and checks it against
// DotsReference: bit for bit in the plain module, within rounding in the
// fused one.
func TestDotsInNode(t *testing.T) {
	node, mods := matmulModules(t)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, mod := range mods {
		tol := map[string]float64{"plain": 0, "fused": 1e-5}[mod.name]
		for _, sz := range [][3]int{{1, 1, 4}, {6, 26, 576}, {16, 151, 832}, {5, 3, 64}} {
			m, n, k := sz[0], sz[1], sz[2]
			lda, ldb := k+1, k+3
			a, b := make([]float32, m*lda), make([]float32, n*ldb)
			for i := range a {
				a[i] = rng.Float32()*2 - 1
			}
			for i := range b {
				b[i] = rng.Float32()*2 - 1
			}
			size, stride := DotsFloats(m, n)
			want := make([]float32, size)
			DotsReference(m, n, k, a, lda, b, ldb, want)
			got := runNodeJSONWith[[]uint32](t, node, mod.flags, dotsScript, map[string]any{"wasm": mod.code,
				"m": m, "n": n, "k": k, "lda": lda, "ldb": ldb, "size": size, "a": bitsOf(a), "b": bitsOf(b)})
			for i := range m {
				for j := range n {
					g, w := math.Float32frombits(got[i*stride+j]), want[i*stride+j]
					if math.Float32bits(g) != math.Float32bits(w) && (tol == 0 || math.Abs(float64(g-w)) > tol*float64(k)) {
						t.Fatalf("%s, m=%d n=%d k=%d: out[%d][%d] = %v, want %v", mod.name, m, n, k, i, j, g, w)
					}
				}
			}
		}
	}
}

// TestModuleSource: the module holds block, its variants, dots and its
// variant once each.
func TestModuleSource(t *testing.T) {
	src, err := moduleSource()
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range []string{"block", "blockB", "conv", "dots", "dotsConv"} {
		if n := strings.Count(src, `(export "`+fn+`")`); n != 1 {
			t.Errorf("%s is exported %d times, want once", fn, n)
		}
	}
}
