//go:build browser

package browsertest

import (
	"os"
	"strings"
	"testing"
	"time"
)

// callCostBench times single tt calls on tiny inputs, where the fixed cost
// of crossing from a cell into the Go kernel is all there is: each row is
// the median over 7 rounds of the mean µs per call over n calls. "js call"
// is a plain JavaScript function, the floor.
const callCostBench = `const n = 3000;
const x = tt.ones([2, 2]), y = tt.ones([2, 2]), one = tt.ones([1]);
const lin = tt.nn.Linear(2, 2), flat = tt.nn.Flatten();
const r = tt.randn([64, 128]);
tt.manualSeed(0);
const mlp = tt.nn.Sequential(tt.nn.Linear(4, 8), tt.nn.ReLU(), tt.nn.Linear(8, 2));
const opt = tt.optim.SGD(mlp.parameters(), {lr: 0.01});
const xb = tt.randn([2, 4]), yb = tt.tensor([0, 1]);
const f = () => 1;
const cases = [
  ["js call", () => f()],
  ["tt.version()", () => tt.version()],
  ["tt.ones(1)", () => tt.ones(1).dispose()],
  ["x.add(y) 2×2", () => x.add(y).dispose()],
  ["x.shape", () => x.shape],
  ["tt.tidy(() => 1)", () => tt.tidy(f)],
  ["tt.noGrad(() => 1)", () => tt.noGrad(f)],
  ["Linear(2,2).call", () => lin.call(x).dispose()],
  ["Flatten.call", () => flat.call(x).dispose()],
  ["relu 64×128", () => r.relu().dispose()],
  ["tidy(x.add(y))", () => tt.tidy(() => x.add(y))],
  ["tidy(Linear.call)", () => tt.tidy(() => lin.call(x))],
  ["train step MLP 4-8-2 b2", () => tt.tidy(() => { opt.zeroGrad(); tt.nn.functional.crossEntropy(mlp.call(xb), yb).backward(); opt.step(); })],
];
// The first pass warms up (the browser optimizes the kernel's wasm in the
// background during the first seconds); the second is reported.
const lines = [];
for (const pass of [1, 2]) for (const [name, fn] of cases) {
  for (let i = 0; i < 200; i++) fn();
  const rounds = [];
  for (let k = 0; k < 9; k++) {
    const m = name.startsWith("train") || name.startsWith("relu") ? n / 10 : n;
    const t0 = performance.now();
    for (let i = 0; i < m; i++) fn();
    rounds.push((performance.now() - t0) * 1000 / m);
  }
  rounds.sort((a, b) => a - b);
  if (pass === 2) lines.push(name.padEnd(26) + rounds[0].toFixed(2).padStart(9) + " µs/call (median " + rounds[4].toFixed(2) + ")");
}
console.log(lines.join("\n"));`

// TestBenchCallCost is part of `make bench-browser`: the fixed cost of a
// tt call from a cell (callCostBench), in µs per call. It prints figures
// and asserts nothing about speed, so it runs only when TT_BENCH_BROWSER
// is set.
func TestBenchCallCost(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTabWithin(t, 5*time.Minute)
	openNotebook(t, ctx, "01-system")
	state, out := runCodeWithin(t, ctx, 1, callCostBench, 3*time.Minute)
	if state != "done" || !strings.Contains(out, "µs/call") {
		t.Fatalf("state %q, output %.2000q", state, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		t.Log(line)
	}
}
