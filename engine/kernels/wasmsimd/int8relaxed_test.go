package wasmsimd

import (
	"math/rand/v2"
	"os/exec"
	"testing"

	"tinytorch/engine/kernels/int8mm"
)

// int8RelaxedNodeScript runs int8relaxed.wat's matmul7 on each problem of
// a JSON file, as int8NodeScript does int8.wat's matmul, with the row
// sums of B and a scratch area at odd addresses, and prints for each
// problem matmul7's return value followed by C and one guard int32 past
// it.
const int8RelaxedNodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(64);
const out = p.problems.map((q) => {
  const a = (1 << 20) + 3, b = a + q.a.length + 5, s = (b + q.b.length + 8) & ~3;
  const c = s + 4 * q.n + 16, tmp = c + 4 * (q.m * q.n + 1) + 7;
  new Int8Array(mem.buffer).set(q.a, a);
  new Int8Array(mem.buffer).set(q.b, b);
  new Int32Array(mem.buffer).set(q.sums, s / 4);
  new Int32Array(mem.buffer).fill(-7, c / 4, c / 4 + q.m * q.n + 1);
  const ret = inst.exports.matmul7(c, a, b, q.m, q.n, q.k, s, tmp);
  return [ret, ...new Int32Array(mem.buffer, c, q.m * q.n + 1)];
});
inst.exports.peak(1000);
process.stdout.write(JSON.stringify(out));
`

// relaxedNodeFlags returns the flags node needs to run the relaxed
// kernel as Chromium does: relaxed SIMD is behind a flag in node 20, and
// node 20's baseline compiler (Liftoff, V8 11.3) miscompiles
// i32x4.relaxed_dot_i8x16_i7x16_add_s when eight accumulators are live
// (the columns of the second pair came out wrong), so the module runs
// on the optimizing compiler only, which is exact like Chromium 156's two
// compilers. An engine with such a bug is what wasm/kernel's check of
// the module on edge values, before registering it, is for.
func relaxedNodeFlags(node string) []string {
	flags := []string{"--no-liftoff"}
	if exec.Command(node, "--experimental-wasm-relaxed-simd", "-e", "0").Run() == nil {
		flags = append(flags, "--experimental-wasm-relaxed-simd")
	}
	return flags
}

// TestInt8RelaxedInNode runs the relaxed kernel under node on the shapes
// of TestInt8InNode (k on both sides of 16, odd m, n not a multiple of 4,
// the MLP's layers) with A in [-64, 63] (random and both ends) and B over
// all of int8 (random, -128 and 127), and wants int8mm.Reference's
// result exactly (so a wrong 64·Σb correction or a shift that wraps
// fails) and the guard past C untouched. Then, with one a outside
// [-64, 63] (-65, 64, -128 or 127) in the vector part or in the last
// bytes, it wants matmul7 to return 1 and write nothing.
func TestInt8RelaxedInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	mod, err := Int8RelaxedModule()
	if err != nil {
		t.Fatal(err)
	}
	type problem struct {
		M, N, K int
		A, B    []int8
		want    []int32 // nil: matmul7 must refuse A
	}
	r := rand.New(rand.NewPCG(17, 18))
	fill := func(n, lo, hi, v int) []int8 {
		x := make([]int8, n)
		for i := range x {
			if v == 0 {
				x[i] = int8(lo + r.IntN(hi-lo+1))
			} else {
				x[i] = int8(v)
			}
		}
		return x
	}
	var problems []problem
	shapes := [][3]int{{0, 3, 5}, {3, 0, 5}, {3, 5, 0}, {1, 1, 1}, {1, 1, 15}, {1, 4, 16}, {2, 3, 17},
		{3, 5, 31}, {1, 7, 32}, {4, 4, 33}, {5, 9, 47}, {2, 5, 64}, {3, 6, 65}, {1, 128, 784}, {8, 10, 128}, {7, 13, 127}, {64, 10, 128}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, f := range [][2]int{{0, 0}, {-64, -128}, {63, -128}, {-64, 127}, {63, 127}, {0, 127}} {
			q := problem{M: m, N: n, K: k, A: fill(m*k, -64, 63, f[0]), B: fill(n*k, -128, 127, f[1])}
			if f[0] == 0 && f[1] == 0 && m*k > 0 { // zeros at random places too
				q.A[r.IntN(m*k)] = 0
			}
			q.want = make([]int32, m*n)
			int8mm.Reference(q.want, q.A, q.B, m, n, k)
			problems = append(problems, q)
		}
	}
	for _, s := range [][3]int{{1, 3, 5}, {2, 4, 40}, {3, 5, 33}} {
		m, n, k := s[0], s[1], s[2]
		for _, bad := range []int8{-65, 64, -128, 127} {
			for _, at := range []int{0, m*k - 1, (m*k - 1) &^ 15, m*k/2 | 1} {
				a := fill(m*k, -64, 63, 0)
				a[at] = bad
				problems = append(problems, problem{M: m, N: n, K: k, A: a, B: fill(n*k, -128, 127, 0)})
			}
		}
	}
	in := map[string]any{"wasm": mod, "problems": []map[string]any{}}
	for _, q := range problems {
		sums := make([]int32, q.N)
		for j := range sums {
			for _, x := range q.B[j*q.K : (j+1)*q.K] {
				sums[j] += int32(x)
			}
		}
		in["problems"] = append(in["problems"].([]map[string]any), map[string]any{"m": q.M, "n": q.N, "k": q.K, "a": q.A, "b": q.B, "sums": sums})
	}
	got := runNodeJSONWith[[][]int32](t, node, relaxedNodeFlags(node), int8RelaxedNodeScript, in)
	for i, q := range problems {
		ret, c := got[i][0], got[i][1:]
		if c[len(c)-1] != -7 {
			t.Fatalf("m=%d n=%d k=%d: wrote past C", q.M, q.N, q.K)
		}
		if q.want == nil {
			if ret != 1 || c[0] != -7 {
				t.Fatalf("m=%d n=%d k=%d with an a outside [-64, 63]: returned %d and c[0] = %d; expected 1 and C untouched", q.M, q.N, q.K, ret, c[0])
			}
			continue
		}
		if ret != 0 {
			t.Fatalf("m=%d n=%d k=%d: returned %d for A in [-64, 63]", q.M, q.N, q.K, ret)
		}
		for e, w := range q.want {
			if c[e] != w {
				t.Fatalf("m=%d n=%d k=%d a[0]=%d b[0]=%d: c[%d] = %d, want %d", q.M, q.N, q.K, first(q.A), first(q.B), e, c[e], w)
			}
		}
	}
}

// emulateRelaxed is matmul7 in Go: the shift pass's refusal, then
// Σ (a+64)·b wrapped in int32 minus 64·sums[j]; broken, if not "", breaks
// it the way a faulty engine or kernel would.
func emulateRelaxed(broken string) Int8RelaxedKernel {
	return func(c []int32, a, b []int8, sums []int32, m, n, k int) int {
		if broken != "no range check" {
			for _, x := range a[:m*k] {
				if x < -64 || x > 63 {
					return 1
				}
			}
		}
		for i := range m {
			for j := range n {
				var s int32
				for p := range k {
					s += (int32(a[i*k+p]) + 64) * int32(b[j*k+p])
				}
				switch {
				case broken == "correction by 32":
					s -= 32 * sums[j]
				case broken == "second pair of columns" && m > 1 && j%4 >= 2:
					// node 20's Liftoff: wrong sums there
				default:
					s -= 64 * sums[j]
				}
				c[i*n+j] = s
			}
		}
		return 0
	}
}

// TestCheckInt8Relaxed: the browser's check passes a kernel with
// matmul7's semantics and fails one whose correction is wrong, one that
// accepts an 8-bit A, and one wrong as node 20's baseline compiler was.
func TestCheckInt8Relaxed(t *testing.T) {
	if err := CheckInt8Relaxed(emulateRelaxed(""), int8mm.Reference); err != nil {
		t.Fatalf("a correct kernel: %v", err)
	}
	for _, broken := range []string{"correction by 32", "no range check", "second pair of columns"} {
		if err := CheckInt8Relaxed(emulateRelaxed(broken), int8mm.Reference); err == nil {
			t.Errorf("a kernel with %s passed the check", broken)
		}
	}
}
