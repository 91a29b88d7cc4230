//go:build browser

package browsertest

import (
	"os"
	"testing"
	"time"

	"tinytorch/internal/benchjson"
)

// sparseBench times the CSR kernel against the dense one in this tab on
// the milestone MLP's first layer (128×784), at batch 1 and 64, with
// tt.prune.crossover.
const sparseBench = `const runs = [1, 64].map((batch) => {
  const r = tt.prune.crossover({rows: 128, cols: 784, batch, densities: [0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01], iterations: 15});
  return {rows: r.rows, cols: r.cols, batch: r.batch, kernel: r.kernel, crossover: r.crossover, points: r.points};
});
JSON.stringify({runs})`

// TestBenchSparse is part of `make bench` and `make bench-browser`: the
// density below which the sparse Linear kernel beats the dense one in
// Chromium. It prints figures and asserts nothing about speed, so it runs
// only when TT_BENCH_BROWSER is set.
func TestBenchSparse(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTabWithin(t, 5*time.Minute)
	openNotebook(t, ctx, "01-system")
	state, out := lastOutput(t, ctx, 1, sparseBench)
	var res benchjson.Sparse
	if state != "done" || !decodeJSON(out, &res) || len(res.Runs) != 2 {
		t.Fatalf("state %q, output %.2000q", state, out)
	}
	for _, r := range res.Runs {
		for _, p := range r.Points {
			t.Logf("batch %2d, density %.3f: dense %.1f µs, sparse %.1f µs, sparse %.2f× the speed", r.Batch, p.Density, p.DenseNs/1e3, p.SparseNs/1e3, p.Speedup)
		}
		t.Logf("Chromium, %d×%d weight, batch %d: the sparse kernel beats the dense one (%s) at density ≤ %.3g", r.Rows, r.Cols, r.Batch, r.Kernel, r.Crossover)
	}
	benchJSON(t, "sparse", res)
}
