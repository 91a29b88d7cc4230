//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

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
	typeIntoCell(t, ctx, 1, code)
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, fmt.Sprintf(`#cell-1[data-count="%d"]:is([data-state="done"], [data-state="error"])`, next), 80*time.Second)
	state, out := cellResult(t, ctx, 1)
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
