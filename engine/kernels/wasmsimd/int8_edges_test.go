package wasmsimd

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"

	"tinytorch/engine/kernels/int8mm"
)

// edgesNodeScript runs int8.wat's quantize and dequantize on each case of
// a JSON file, with the arrays at addresses that are not multiples of 16
// (as Go's slices may be), and prints the results: q as bytes, y as the
// bits of its floats (JSON has no NaN or -0), followed by a guard value
// just past the end that must be left alone.
const edgesNodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 64 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
const u32 = new Uint32Array(mem.buffer), i8 = new Int8Array(mem.buffer);
const f32 = (bits) => new Float32Array(new Uint32Array([bits]).buffer)[0];
let next = 4100; // 4-byte aligned, not 16
const place = (words) => { const a = next; u32.set(words, a / 4); next += 4 * words.length + 20; return a; };
const out = p.cases.map((c) => {
  next = 4100;
  if (c.fn === "quantize") {
    const x = place(c.x), q = next + 3;
    i8.fill(-7, q, q + c.x.length + 1);
    inst.exports.quantize(q, x, c.x.length, f32(c.inv), f32(c.lo), f32(c.hi), c.z);
    return Array.from(i8.subarray(q, q + c.x.length + 1));
  }
  const acc = place(c.acc), off = place(c.off), scale = place(c.scale), bias = c.bias ? place(c.bias) : 0, y = next;
  u32.fill(7, y / 4, y / 4 + c.m * c.n + 1);
  inst.exports.dequantize(y, acc, off, scale, bias, c.m, c.n, c.bias ? 1 : 0);
  return Array.from(u32.subarray(y / 4, y / 4 + c.m * c.n + 1));
});
process.stdout.write(JSON.stringify(out));
`

// TestInt8EdgesInNode runs int8.wat's quantize and dequantize under node
// and wants the bytes of int8mm.Quantize and int8mm.Dequantize (whose
// loops are tested against their definitions in int8mm): ties, ±Inf,
// NaN, -0 and values out of range, every bit width's range with zero
// points at its ends and past them, and rows whose length is not a multiple of 4, with
// and without a bias.
func TestInt8EdgesInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	mod, err := Int8Module()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(14, 16))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
		math.MaxFloat32, -math.MaxFloat32, 1e-45, -1e-45}
	bitsOf := func(v []float32) []uint32 {
		b := make([]uint32, len(v))
		for i, f := range v {
			b[i] = math.Float32bits(f)
		}
		return b
	}
	var cases []map[string]any
	var want [][]int64
	for bits := 2; bits <= 8; bits++ {
		qmin, qmax := int32(-1)<<(bits-1), int32(1)<<(bits-1)-1
		zs := []int32{qmin, 0, 1, qmax}
		if bits < 8 { // zero points outside the range, where NaN must clamp
			zs = append(zs, qmin-3, qmax+3)
		}
		for _, z := range zs {
			for _, scale := range []float32{0.25, 0.0371} {
				x := make([]float32, 16*9)
				for i := range x {
					switch i % 3 {
					case 0: // a tie when the scale is a power of two
						x[i] = (float32(r.IntN(600)-300) + 0.5) * scale
					case 1:
						x[i] = special[r.IntN(len(special))]
					default:
						x[i] = float32(r.NormFloat64()*150) * scale
					}
				}
				lo, hi, inv := float32(qmin-z), float32(qmax-z), 1/scale
				cases = append(cases, map[string]any{"fn": "quantize", "x": bitsOf(x), "inv": math.Float32bits(inv),
					"lo": math.Float32bits(lo), "hi": math.Float32bits(hi), "z": z})
				q := make([]int8, len(x))
				int8mm.Quantize(q, x, inv, lo, hi, z)
				w := make([]int64, 0, len(q)+1)
				for _, v := range q {
					w = append(w, int64(v))
				}
				want = append(want, append(w, -7))
			}
		}
	}
	extremes := []int32{math.MinInt32, math.MaxInt32, 0, 1<<24 + 1, -(1<<24 + 3)}
	for _, shape := range [][2]int{{1, 1}, {2, 3}, {3, 4}, {2, 7}, {4, 10}, {2, 128}} {
		for _, withBias := range []bool{false, true} {
			m, n := shape[0], shape[1]
			acc, off := make([]int32, m*n), make([]int32, n)
			scale, bias := make([]float32, n), []float32(nil)
			for i := range acc {
				acc[i] = int32(r.Uint32())
				if i%3 == 0 {
					acc[i] = extremes[r.IntN(len(extremes))]
				}
			}
			for j := range off {
				off[j] = int32(r.IntN(1<<20) - 1<<19)
				scale[j] = float32(r.NormFloat64()) * 1e-3
			}
			scale[0], acc[0], off[0] = -1, 0, 0 // -0, which no missing bias may turn into +0
			c := map[string]any{"fn": "dequantize", "acc": acc, "off": off, "scale": bitsOf(scale), "m": m, "n": n}
			if withBias {
				bias = make([]float32, n)
				for j := range bias {
					bias[j] = float32(r.NormFloat64())
				}
				c["bias"] = bitsOf(bias)
			}
			cases = append(cases, c)
			y := make([]float32, m*n)
			int8mm.Dequantize(y, acc, off, scale, bias, m, n)
			w := make([]int64, 0, len(y)+1)
			for _, u := range bitsOf(y) {
				w = append(w, int64(u))
			}
			want = append(want, append(w, 7))
		}
	}
	got := runEdgesInNode(t, node, mod, cases)
	for i, c := range cases {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("case %d (%s): %d values, want %d", i, c["fn"], len(got[i]), len(want[i]))
		}
		for e := range want[i] {
			if got[i][e] != want[i][e] {
				t.Fatalf("case %d (%s, z=%v m=%v n=%v): element %d = %d, int8mm gives %d (the last element is the guard past the end)",
					i, c["fn"], c["z"], c["m"], c["n"], e, got[i][e], want[i][e])
			}
		}
	}
}

// runEdgesInNode runs edgesNodeScript on the cases and returns its
// output.
func runEdgesInNode(t *testing.T, node string, mod []byte, cases []map[string]any) [][]int64 {
	t.Helper()
	return runNodeJSON[[][]int64](t, node, edgesNodeScript, map[string]any{"wasm": mod, "cases": cases})
}
