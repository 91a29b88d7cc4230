//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"tinytorch/engine/kernels"
	"tinytorch/engine/tensor"
	"tinytorch/internal/benchjson"
)

// benchJSON writes a benchmark's figures to TT_BENCH_JSON/name.json when
// TT_BENCH_JSON names a folder: `make bench` (tools/benchref) runs the
// browser benchmarks so and merges their figures with the native ones.
func benchJSON(t *testing.T, name string, v any) {
	t.Helper()
	dir := os.Getenv("TT_BENCH_JSON")
	if dir == "" {
		return
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, name+".json.tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name+".json")); err != nil {
		t.Fatal(err)
	}
}

// TestBenchMatmul is `make bench-browser`: matmul GFLOP/s in Chromium with
// the portable Go kernel ("simd", which under js/wasm runs the Go
// micro-kernel) and the WebAssembly SIMD kernel ("wasm-simd"), timed from a
// cell with performance.now() after a warm-up. It prints figures and
// asserts nothing about speed, so it runs only when TT_BENCH_BROWSER is
// set, not in `make test`.
func TestBenchMatmul(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	// Each size and kernel: warm up for 0.3 s (V8 tiers the code up), then
	// time single calls for about 1 s and keep the median. The kernels take
	// turns, size by size, so drift on the shared machine hits both alike.
	code := `const rows = [];
const time = (a, b, ms) => {
  const times = [];
  const end = performance.now() + ms;
  while (performance.now() < end || times.length < 5) {
    const t0 = performance.now();
    a.matmul(b).dispose();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
};
for (const n of [128, 256, 512]) {
  const a = tt.randn([n, n]), b = tt.randn([n, n]);
  const row = { n };
  for (const name of ["simd", "wasm-simd"]) { tt.kernels.use(name); time(a, b, 300); }
  for (const round of [0, 1]) for (const name of ["simd", "wasm-simd"]) {
    tt.kernels.use(name);
    const ms = time(a, b, 500);
    row[name] = Math.max(row[name] || 0, 2 * n * n * n / ms / 1e6);
  }
  rows.push(row);
}
JSON.stringify({ rows, ua: navigator.userAgent })`
	state, out := runCodeWithin(t, ctx, 1, code, 80*time.Second)
	if state != "done" {
		t.Fatalf("the benchmark cell failed: %s", out)
	}
	var res struct {
		Rows []struct {
			N    int     `json:"n"`
			Go   float64 `json:"simd"`
			SIMD float64 `json:"wasm-simd"`
		} `json:"rows"`
		UA string `json:"ua"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\nmatmul in Chromium (%s), one thread, median of single calls after warm-up\n", res.UA)
	fmt.Printf("%6s  %18s  %18s  %7s\n", "n", "Go kernel GFLOP/s", "wasm-simd GFLOP/s", "ratio")
	for _, r := range res.Rows {
		fmt.Printf("%6d  %18.2f  %18.2f  %6.1f×\n", r.N, r.Go, r.SIMD, r.SIMD/r.Go)
	}
}

// opsBenchCode times tensor ops from a cell: for each op and size n (n×n
// float32 tensors), a warm-up of 0.2 s, then samples of enough calls to
// last about 2 ms each for 0.4 s, keeping the median time per call.
// Elementwise ops and reductions report GB/s of the bytes they must move
// (binary: 3·4·n², unary and softmax: 2·4·n², sum and mean over a dim:
// 4·n², as the native go test -bench of engine/tensor counts them), matmul
// GFLOP/s (2·n³).
const opsBenchCode = `const ops = [
  ["add", (a, b) => a.add(b), 12, "GB/s"], ["mul", (a, b) => a.mul(b), 12, "GB/s"],
  ["relu", (a) => a.relu(), 8, "GB/s"], ["exp", (a) => a.exp(), 8, "GB/s"],
  ["sum(1)", (a) => a.sum(1), 4, "GB/s"], ["mean(1)", (a) => a.mean(1), 4, "GB/s"],
  ["softmax(1)", (a) => a.softmax(1), 8, "GB/s"], ["matmul", (a, b) => a.matmul(b), 0, "GFLOP/s"],
];
const perCall = (f, a, b, warmMs, ms) => {
  let reps = 1;
  for (const end = performance.now() + warmMs; performance.now() < end;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f(a, b).dispose();
    if (performance.now() - t0 < 2) reps *= 2;
  }
  const times = [];
  for (const end = performance.now() + ms; performance.now() < end || times.length < 5;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f(a, b).dispose();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
};
tt.manualSeed(1);
const rows = [];
for (const [name, f, bytes, unit] of ops) for (const n of [64, 256, 1024]) {
  const a = tt.randn(n, n), b = tt.randn(n, n);
  const ms = perCall(f, a, b, 200, 400);
  const work = unit === "GFLOP/s" ? 2 * n * n * n : bytes * n * n;
  rows.push({op: name, n, unit, ms, rate: work / ms / 1e6});
  a.dispose(); b.dispose();
}
JSON.stringify({rows, kernel: tt.kernels.current(), ua: navigator.userAgent, roofs: tt.kernels.roofs()})`

// nativeOp times the same op natively, in this process, with the same
// procedure as opsBenchCode, and returns the milliseconds per call.
func nativeOp(op string, n int) float64 {
	tensor.ManualSeed(1)
	a, _ := tensor.Randn(n, n)
	b, _ := tensor.Randn(n, n)
	f := map[string]func() (*tensor.Tensor, error){
		"add": func() (*tensor.Tensor, error) { return a.Add(b) }, "mul": func() (*tensor.Tensor, error) { return a.Mul(b) },
		"relu": func() (*tensor.Tensor, error) { return a.Relu(), nil }, "exp": func() (*tensor.Tensor, error) { return a.Exp(), nil },
		"sum(1)": func() (*tensor.Tensor, error) { return a.Sum([]int{1}, false) }, "mean(1)": func() (*tensor.Tensor, error) { return a.Mean([]int{1}, false) },
		"softmax(1)": func() (*tensor.Tensor, error) { return a.Softmax(1) }, "matmul": func() (*tensor.Tensor, error) { return a.Matmul(b) },
	}[op]
	reps := 1
	for end := time.Now().Add(200 * time.Millisecond); time.Now().Before(end); {
		t0 := time.Now()
		for range reps {
			f()
		}
		if time.Since(t0) < 2*time.Millisecond {
			reps *= 2
		}
	}
	var times []float64
	for end := time.Now().Add(400 * time.Millisecond); time.Now().Before(end) || len(times) < 5; {
		t0 := time.Now()
		for range reps {
			f()
		}
		times = append(times, float64(time.Since(t0).Nanoseconds())/1e6/float64(reps))
	}
	sort.Float64s(times)
	return times[len(times)/2]
}

// TestBenchOps is part of `make bench-browser`: elementwise ops,
// reductions over a dim and matmul at n = 64, 256 and 1024 in Chromium,
// timed from a cell with performance.now(), beside the same ops natively
// in this process. Figures only; it asserts nothing about speed (JSON
// too when TT_BENCH_JSON is set).
func TestBenchOps(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	state, out := runCodeWithin(t, ctx, 1, opsBenchCode, 85*time.Second)
	if state != "done" {
		t.Fatalf("the benchmark cell failed: %s", out)
	}
	var res benchjson.Ops
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\ntensor ops in Chromium (%s; matmul kernel %s, one thread) and natively (%s/%s, matmul kernel %s, %d threads);\n"+
		"n×n float32, median time per call after warm-up; GB/s of the bytes the op must move, GFLOP/s = 2n³/time\n",
		res.UA, res.Kernel, runtime.GOOS, runtime.GOARCH, kernels.Current(), kernels.Threads())
	fmt.Printf("| %-10s | %5s | %8s | %12s | %12s | %12s | %12s | %7s |\n", "op", "n", "unit", "Chromium ms", "Chromium", "native ms", "native", "ratio")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 12), strings.Repeat("-", 7), strings.Repeat("-", 10),
		strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 9))
	for i, r := range res.Rows {
		ms := nativeOp(r.Op, r.N)
		native := r.Rate * r.Ms / ms
		fmt.Printf("| %-10s | %5d | %8s | %12.4f | %12.2f | %12.4f | %12.2f | %6.1f× |\n", r.Op, r.N, r.Unit, r.Ms, r.Rate, ms, native, native/r.Rate)
		res.Rows[i].NativeMs, res.Rows[i].NativeRate = ms, native
	}
	res.NativeKernel, res.NativeThreads = kernels.Current(), kernels.Threads()
	benchJSON(t, "ops", res)
}
