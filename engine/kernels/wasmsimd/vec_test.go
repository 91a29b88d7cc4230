package wasmsimd

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	enginevec "tinytorch/engine/vec"
)

// vecNodeScript runs one function of vec.wat on arrays it reads from a
// JSON file, in a fresh memory, and prints the arrays afterwards.
const vecNodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 16 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
const f32 = new Float32Array(mem.buffer), n = p.arrays[0].length, addr = [];
p.arrays.forEach((a, k) => { addr.push(4096 + k * 4 * (n + 8)); f32.set(a, addr[k] / 4); });
inst.exports[p.fn](...addr, n, ...p.consts);
process.stdout.write(JSON.stringify(addr.map((a) => Array.from(f32.subarray(a / 4, a / 4 + n)))));
`

// runVecInNode calls fn of the assembled vec.wat under node on copies of
// arrays and returns them as the function left them.
func runVecInNode(t *testing.T, node, fn string, arrays [][]float32, consts []float32) [][]float32 {
	t.Helper()
	mod, err := VecModule()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script, in := filepath.Join(dir, "run.js"), filepath.Join(dir, "in.json")
	b, _ := json.Marshal(map[string]any{"wasm": mod, "fn": fn, "arrays": arrays, "consts": consts})
	if err := os.WriteFile(script, []byte(vecNodeScript), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, script, in).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got [][]float32
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node's output: %v", err)
	}
	return got
}

// TestVecInNode runs vec.wat's loops under node and checks them bit for
// bit against engine/vec (whose loops are tested against its Go loops).
func TestVecInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	random := func(n int, square bool) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.Float64()*4 - 2)
			if square {
				v[i] *= v[i]
			}
		}
		return v
	}
	const n = 1028 // a multiple of 4, as the Go side hands the module
	w, g, buf := random(n, false), random(n, false), random(n, false)
	got := runVecInNode(t, node, "momentum", [][]float32{w, g, buf}, []float32{-0.01, 0.9, 0.75})
	wantW, wantBuf := slices.Clone(w), slices.Clone(buf)
	enginevec.MomentumUpdate(wantW, g, wantBuf, 0.01, 0.9, 0.75)
	sameBits(t, "momentum w", got[0], wantW)
	sameBits(t, "momentum buf", got[2], wantBuf)

	m, v := random(n, false), random(n, true)
	c := enginevec.AdamConsts{Beta1: 0.9, OneMinusBeta1: 0.1, Beta2: 0.999, OneMinusBeta2: 0.001,
		BiasCorrection2Sqrt: 0.0447, Eps: 1e-8, NegStepSize: -0.00526, Decay: 0.99}
	got = runVecInNode(t, node, "adam", [][]float32{w, g, m, v},
		[]float32{c.Beta1, c.OneMinusBeta1, c.Beta2, c.OneMinusBeta2, c.BiasCorrection2Sqrt, c.Eps, c.NegStepSize, c.Decay})
	wantW, wantM, wantV := slices.Clone(w), slices.Clone(m), slices.Clone(v)
	enginevec.AdamUpdate(wantW, g, wantM, wantV, &c)
	sameBits(t, "adam w", got[0], wantW)
	sameBits(t, "adam m", got[2], wantM)
	sameBits(t, "adam v", got[3], wantV)
}

// sameBits fails the test at the first element whose bits differ.
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %v, engine/vec gives %v", what, i, got[i], want[i])
		}
	}
}
