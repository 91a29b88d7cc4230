package wasmsimd

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// poolNodeScript calls one function of a module on arrays it reads from a
// JSON file, in a fresh memory, and prints the arrays afterwards (as bits,
// which JSON can carry for NaN and Inf). Each argument is an array's byte
// address ({"array": k}) or an integer ({"int": v}).
const poolNodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 64 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
const u32 = new Uint32Array(mem.buffer), addr = [];
let next = 4096;
p.arrays.forEach((a) => { addr.push(next); u32.set(a, next / 4); next += 4 * a.length + 64; });
inst.exports[p.fn](...p.args.map((a) => ("array" in a ? addr[a.array] : a.int)));
process.stdout.write(JSON.stringify(addr.map((a, k) => Array.from(u32.subarray(a / 4, a / 4 + p.arrays[k].length)))));
`

// runPoolInNode runs fn of PoolModule under node on arrays of uint32 bits
// and returns them as it left them.
func runPoolInNode(t *testing.T, node, fn string, arrays [][]uint32, args []map[string]int) [][]uint32 {
	t.Helper()
	mod, err := PoolModule()
	if err != nil {
		t.Fatal(err)
	}
	return runModuleInNode(t, node, mod, fn, arrays, args)
}

// runModuleInNode runs fn of the module mod under node (poolNodeScript)
// on arrays of uint32 bits and returns them as it left them.
func runModuleInNode(t *testing.T, node string, mod []byte, fn string, arrays [][]uint32, args []map[string]int) [][]uint32 {
	t.Helper()
	return runNodeJSON[[][]uint32](t, node, poolNodeScript, map[string]any{"wasm": mod, "fn": fn, "arrays": arrays, "args": args})
}

// poolValues returns n floats drawn from a few values, so that windows
// often tie, with NaNs, ±Inf and both zeros among them.
func poolValues(rng *rand.Rand, n int) []float32 {
	nan := float32(math.NaN())
	choices := []float32{-1, 0, float32(math.Copysign(0, -1)), 0.5, 1, 2, float32(math.Inf(1)), float32(math.Inf(-1)), nan}
	x := make([]float32, n)
	for i := range x {
		if rng.IntN(3) == 0 {
			x[i] = choices[rng.IntN(len(choices))]
		} else {
			x[i] = rng.Float32()*4 - 2
		}
	}
	return x
}

// TestPoolInNode runs pool.wat's forward and backward under node on
// shapes with odd sizes, rows whose outputs are not a multiple of 4 and
// LeNet's, and checks every output bit for bit against
// MaxPool2x2Reference and MaxPool2x2BackwardReference, including the
// elements they must leave alone (sentinels).
func TestPoolInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	const sentinel = 0x7fa5a5a5 // a NaN no loop writes
	fill := func(n int) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = sentinel
		}
		return s
	}
	for _, sz := range []struct{ planes, h, wd int }{{3, 7, 11}, {2, 24, 24}, {5, 8, 8}, {1, 5, 6}, {4, 9, 19}} {
		ho, wo := sz.h/2, sz.wd/2
		x := poolValues(rng, sz.planes*sz.h*sz.wd)
		outs := sz.planes * ho * wo
		wantY, wantArg := make([]float32, outs), make([]int32, outs)
		for i := range wantY {
			wantY[i], wantArg[i] = math.Float32frombits(sentinel), sentinel
		}
		MaxPool2x2Reference(x, wantY, wantArg, sz.planes, sz.h, sz.wd, ho, wo)
		ints := func(v ...int) []map[string]int {
			var a []map[string]int
			for _, n := range v {
				a = append(a, map[string]int{"int": n})
			}
			return a
		}
		arrays := func(k ...int) []map[string]int {
			var a []map[string]int
			for _, n := range k {
				a = append(a, map[string]int{"array": n})
			}
			return a
		}
		got := runPoolInNode(t, node, "maxPool2x2", [][]uint32{bitsOf(x), fill(outs), fill(outs)},
			append(arrays(0, 1, 2), ints(sz.planes, sz.h, sz.wd, ho, wo)...))
		for p := range outs {
			if got[1][p] != math.Float32bits(wantY[p]) || got[2][p] != uint32(wantArg[p]) {
				t.Fatalf("maxPool2x2 %+v: output %d = %v at %d, want %v at %d", sz, p,
					math.Float32frombits(got[1][p]), int32(got[2][p]), wantY[p], wantArg[p])
			}
		}

		// Backward, with argmax in a numbering that starts base elements
		// before dx (a part of a batch) and gradients that hold -0 and NaN.
		const base = 1000
		g := poolValues(rng, outs)
		arg := make([]int32, outs)
		for p, a := range wantArg {
			arg[p] = a + base
		}
		wantDx := make([]float32, len(x))
		for i := range wantDx {
			wantDx[i] = math.Float32frombits(sentinel)
		}
		MaxPool2x2BackwardReference(wantDx, g, arg, sz.planes, sz.h, sz.wd, ho, wo, base)
		argBits := make([]uint32, outs)
		for p, a := range arg {
			argBits[p] = uint32(a)
		}
		got = runPoolInNode(t, node, "maxPool2x2Backward", [][]uint32{fill(len(x)), bitsOf(g), argBits},
			append(arrays(0, 1, 2), ints(sz.planes, sz.h, sz.wd, ho, wo, base)...))
		for i, w := range wantDx {
			if got[0][i] != math.Float32bits(w) {
				t.Fatalf("maxPool2x2Backward %+v: dx[%d] = %#x, want %#x", sz, i, got[0][i], math.Float32bits(w))
			}
		}
	}
}
