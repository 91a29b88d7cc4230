package wasmsimd

import (
	"math/rand/v2"
	"os/exec"
	"testing"

	"tinytorch/engine/kernels/int8mm"
)

// int8NodeScript runs int8.wat's matmul on each problem of a JSON file, in
// a fresh memory grown first (as Go's grows), with A and B at odd
// addresses, and prints each C. It also checks "peak" runs.
const int8NodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(64);
const out = p.problems.map((q) => {
  const a = (1 << 20) + 3, b = a + q.a.length + 5, c = (b + q.b.length + 8) & ~3;
  new Int8Array(mem.buffer).set(q.a, a);
  new Int8Array(mem.buffer).set(q.b, b);
  new Int32Array(mem.buffer).fill(-7, c / 4, c / 4 + q.m * q.n + 1);
  inst.exports.matmul(c, a, b, q.m, q.n, q.k);
  return Array.from(new Int32Array(mem.buffer, c, q.m * q.n + 1));
});
inst.exports.peak(1000);
process.stdout.write(JSON.stringify(out));
`

// TestInt8InNode runs the assembled int8 kernel under node on the shapes
// of int8mm's own tests (empty, unit, k on both sides of 8 and 16, the
// MLP's layers) with random bytes and the extremes -128 and 127, and
// wants int8mm.Reference's result exactly, and the guard int32 past C
// untouched.
func TestInt8InNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	mod, err := Int8Module()
	if err != nil {
		t.Fatal(err)
	}
	type problem struct {
		M, N, K int
		A, B    []int8
		want    []int32
	}
	r := rand.New(rand.NewPCG(7, 8))
	bytes := func(n int, fill int) []int8 {
		x := make([]int8, n)
		for i := range x {
			if fill == 0 {
				x[i] = int8(r.IntN(256) - 128)
			} else {
				x[i] = int8(fill)
			}
		}
		return x
	}
	var problems []problem
	shapes := [][3]int{{0, 3, 5}, {3, 0, 5}, {3, 5, 0}, {1, 1, 1}, {1, 1, 7}, {1, 4, 8}, {2, 3, 9},
		{3, 5, 15}, {1, 7, 16}, {4, 4, 17}, {5, 9, 33}, {2, 5, 64}, {3, 6, 65}, {1, 128, 784}, {8, 10, 128}, {7, 13, 127}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, f := range [][2]int{{0, 0}, {-128, -128}, {-128, 127}, {0, -128}} {
			q := problem{M: m, N: n, K: k, A: bytes(m*k, f[0]), B: bytes(n*k, f[1])}
			q.want = make([]int32, m*n)
			int8mm.Reference(q.want, q.A, q.B, m, n, k)
			problems = append(problems, q)
		}
	}
	in := map[string]any{"wasm": mod, "problems": []map[string]any{}}
	for _, q := range problems {
		in["problems"] = append(in["problems"].([]map[string]any), map[string]any{"m": q.M, "n": q.N, "k": q.K, "a": q.A, "b": q.B})
	}
	got := runNodeJSON[[][]int32](t, node, int8NodeScript, in)
	for i, q := range problems {
		c := got[i]
		if c[len(c)-1] != -7 {
			t.Fatalf("m=%d n=%d k=%d: wrote past C", q.M, q.N, q.K)
		}
		for e, w := range q.want {
			if c[e] != w {
				t.Fatalf("m=%d n=%d k=%d a[0]=%d b[0]=%d: c[%d] = %d, want %d", q.M, q.N, q.K, first(q.A), first(q.B), e, c[e], w)
			}
		}
	}
}

// first returns x[0], or 0 for an empty x.
func first(x []int8) int8 {
	if len(x) == 0 {
		return 0
	}
	return x[0]
}
