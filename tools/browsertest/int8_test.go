//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

// TestInt8KernelInBrowser checks that the kernel registers int8.wat as
// int8mm's "wasm-simd" in Chromium, and with int8relaxed.wat (relaxed
// SIMD's byte dot product for 7-bit activations, which passed its check
// on edge values) as "wasm-relaxed", the default, and that both products
// equal the integer reference's exactly, 8-bit A through int8.wat and
// 7-bit A through int8relaxed.wat, on edge shapes and the MLP's layers,
// before and after Go grows its memory (the modules must see the new
// pages). int8Bench does the comparison in the worker, before and after
// timing; ms = 0.1 keeps the timing part short.
func TestInt8KernelInBrowser(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const shapes = [[1, 1, 1], [3, 5, 17], [2, 7, 33], [1, 10, 128], [4, 128, 784], [5, 3, 8]];
const run = () => shapes.map(([m, n, k]) => tt.kernels.int8Bench(m, n, k, 0.1).exact).every((x) => x);
const before = run();
const big = tt.zeros([4096, 4096]);
const after = run();
big.dispose();
const info = tt.kernels.info();
[info.int8, info.int8Names.join(","), info.int8Simd, info.int8Relaxed, "exact=" + before, "after-growth=" + after].join(" ")`
	state, out := runCode(t, ctx, 1, code)
	want := "wasm-relaxed reference,wasm-simd,wasm-relaxed ok ok exact=true after-growth=true"
	if state != "done" || out != want {
		t.Fatalf("state %q, output %q\nwant %q", state, out, want)
	}
	state, out = runCode(t, ctx, 1, `tt.kernels.int8Bench(0, 5, 5)`)
	if state != "error" || out == "" {
		t.Errorf("int8Bench of an empty product: state %q, output %q", state, out)
	}
}

// TestBenchInt8 prints the browser's int8 kernel rate at the milestone
// MLP's shapes (784→128→10, batch 1 and 64), on 7-bit activations (a
// quantized layer's default) and 8-bit ones, against the peak of the
// 7-bit product's instruction (relaxed SIMD's byte dot product, or
// i32x4.dot_i16x8_s, in a register-only loop) and against the float32
// product of the same shape with the default float kernel.
func TestBenchInt8(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const rows = [];
for (const [m, n, k] of [[1, 128, 784], [1, 10, 128], [64, 128, 784], [64, 10, 128], [256, 256, 256]])
  rows.push({ m, n, k, ...tt.kernels.int8Bench(m, n, k, 600) });
JSON.stringify({ rows, float: tt.kernels.current(), ua: navigator.userAgent })`
	state, out := runCodeWithin(t, ctx, 1, code, 60*time.Second)
	if state != "done" {
		t.Fatalf("the benchmark cell failed: %s", out)
	}
	var res struct {
		Rows []struct {
			M, N, K     int
			Kernel      string
			Exact       bool
			Gops        float64
			Gops8       float64
			PeakGops    float64
			FloatGflops float64
		}
		Float, UA string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\nint8 matmul C = A·Bᵀ in Chromium (%s), one thread, median call after warm-up\n", res.UA)
	fmt.Printf("%-14s  %-12s  %9s  %10s  %10s  %7s  %15s  %14s\n", "m×n×k", "kernel", "GOP/s", "8-bit GOP/s", "peak GOP/s", "of peak",
		"float32 GFLOP/s", "int8 speed-up")
	for _, r := range res.Rows {
		if !r.Exact {
			t.Errorf("%d×%d×%d: %s differs from the integer reference", r.M, r.N, r.K, r.Kernel)
		}
		fmt.Printf("%-14s  %-12s  %9.2f  %10.2f  %10.2f  %6.0f%%  %15.2f  %13.2f×\n", fmt.Sprintf("%d×%d×%d", r.M, r.N, r.K),
			r.Kernel, r.Gops, r.Gops8, r.PeakGops, 100*r.Gops/r.PeakGops, r.FloatGflops, r.Gops/r.FloatGflops)
	}
	fmt.Printf("(GOP/s on 7-bit activations, 8-bit GOP/s on 8-bit ones; float32 kernel %q; the speed-up is float32 time / 7-bit int8 time for the same product)\n", res.Float)
}
