package wasmsimd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"slices"
	"testing"

	enginevec "tinytorch/engine/vec"
)

// vecNodeScript runs one function of vec.wat on arrays it reads from a
// JSON file, in a fresh memory, and prints the arrays afterwards, then the
// function's result (0 when it returns none) as an array of its own. The
// arrays travel as the bits of their floats (JSON has no NaN or Inf).
const vecNodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 16 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
const u32 = new Uint32Array(mem.buffer), n = p.arrays[0].length, addr = [];
p.arrays.forEach((a, k) => { addr.push(4096 + k * 4 * (n + 8)); u32.set(a, addr[k] / 4); });
const result = inst.exports[p.fn](...addr, n, ...p.consts) ?? 0;
process.stdout.write(JSON.stringify([...addr.map((a) => Array.from(u32.subarray(a / 4, a / 4 + n))), [result]]));
`

// runVecInNode calls fn of the assembled vec.wat under node on copies of
// arrays and returns them as the function left them.
func runVecInNode(t *testing.T, node, fn string, arrays [][]float32, consts []float32) [][]float32 {
	t.Helper()
	mod, err := VecModule()
	if err != nil {
		t.Fatal(err)
	}
	bits := make([][]uint32, len(arrays))
	for k, a := range arrays {
		for _, v := range a {
			bits[k] = append(bits[k], math.Float32bits(v))
		}
	}
	gotBits := runNodeJSON[[][]uint32](t, node, vecNodeScript, map[string]any{"wasm": mod, "fn": fn, "arrays": bits, "consts": consts})
	got := make([][]float32, len(gotBits))
	for k, a := range gotBits {
		for _, u := range a {
			got[k] = append(got[k], math.Float32frombits(u))
		}
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

	// ReLU forward and backward, with the edge cases among random values:
	// −0, NaN, ±Inf in x (which is also the y of the backward pass) and
	// in g.
	x, g2 := random(n, false), random(n, false)
	edges := []float32{float32(math.Copysign(0, -1)), 0, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for i, e := range edges {
		x[i*7], g2[i*5+1], g2[i*11] = e, e, e
	}
	got = runVecInNode(t, node, "relu", [][]float32{make([]float32, n), x}, []float32{})
	wantY := make([]float32, n)
	enginevec.ReLU(wantY, x)
	sameBits(t, "relu", got[0], wantY)
	got = runVecInNode(t, node, "reluBackward", [][]float32{make([]float32, n), g2, x}, []float32{})
	wantDx := make([]float32, n)
	enginevec.ReLUBackward(wantDx, g2, x)
	sameBits(t, "reluBackward", got[0], wantDx)

	// allFinite: each non-finite value alone, at the first element, in the
	// middle and at the last, and finite values up to float32's largest.
	finite := random(n, false)
	finite[3], finite[n/2] = math.MaxFloat32, -math.MaxFloat32
	check := func(what string, v []float32) {
		t.Helper()
		got := runVecInNode(t, node, "allFinite", [][]float32{v}, []float32{})
		if result, want := math.Float32bits(got[len(got)-1][0]) == 1, enginevec.AllFinite(v); result != want {
			t.Errorf("allFinite with %s: %v, engine/vec says %v", what, result, want)
		}
	}
	check("finite values", finite)
	for _, e := range edges[2:] {
		for _, at := range []int{0, n / 2, n - 1} {
			v := slices.Clone(finite)
			v[at] = e
			check(fmt.Sprintf("%v at %d", e, at), v)
		}
	}
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
