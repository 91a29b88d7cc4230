//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"tinytorch/internal/benchjson"
)

// trainBenchCode times one epoch of tt.train.fit in a cell, for the models
// of engine/train's BenchmarkEpochMLP and BenchmarkEpochLeNet: 16 batches
// of 64 random 28×28 inputs, SGD with momentum, cross-entropy. Four
// epochs warm up, the median of seven timed epochs is reported: V8 runs
// the kernel's wasm on its baseline compiler (Liftoff) first and moves
// the hot functions to its optimizing one (TurboFan) while they run, so
// the first epochs are slower (LeNet's first four took 1015, 339, 264
// and 234 ms in one tab, the next ones 135–160 ms) and the steady state,
// what a student's training of hundreds of steps sees, is the figure
// native code is set beside. The warm-up epochs are reported too.
const trainBenchCode = `const batches = 16, bs = 64;
tt.manualSeed(1);
const runs = [];
for (const name of ["mlp", "lenet"]) {
  const flat = name === "mlp";
  const x = flat ? tt.rand(batches * bs, 784) : tt.rand(batches * bs, 1, 28, 28);
  const y = tt.randint(0, 10, [batches * bs]);
  const model = flat
    ? tt.nn.Sequential(tt.nn.Linear(784, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10))
    : tt.nn.Sequential(tt.nn.Conv2d(1, 6, 5), tt.nn.ReLU(), tt.nn.MaxPool2d(2),
        tt.nn.Conv2d(6, 16, 5), tt.nn.ReLU(), tt.nn.MaxPool2d(2), tt.nn.Flatten(),
        tt.nn.Linear(256, 120), tt.nn.ReLU(), tt.nn.Linear(120, 84), tt.nn.ReLU(), tt.nn.Linear(84, 10));
  const opts = {epochs: 1, optimizer: tt.optim.SGD(model.parameters(), {lr: 0.01, momentum: 0.9}),
    loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false};
  const loader = tt.train.batches(x, y, {batchSize: bs});
  const warmup = [], times = [];
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    tt.train.fit(model, loader, opts);
    (i < 4 ? warmup : times).push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  runs.push({model: name, ms: times[3], samples: batches * bs, warmup_ms: warmup});
}
JSON.stringify({runs, kernel: tt.kernels.current(), ua: navigator.userAgent})`

// TestBenchTraining is part of `make bench-browser`: samples per second
// of one training epoch of the MLP 784-128-10 and the LeNet-style CNN in
// Chromium, to set beside BenchmarkEpochMLP and BenchmarkEpochLeNet
// natively (make bench sets them beside its native epochs of the same
// models and batches). Figures only; JSON too when TT_BENCH_JSON is set.
func TestBenchTraining(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	state, out := runCodeWithin(t, ctx, 1, trainBenchCode, 85*time.Second)
	if state != "done" {
		t.Fatalf("the training benchmark failed: %s", out)
	}
	var res benchjson.Training
	if err := json.Unmarshal([]byte(lastLine(out)), &res); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\none training epoch in Chromium (%s; kernel %s, one thread): 16 batches of 64 random 28×28 inputs, SGD momentum 0.9, median of 7 after 4 warm-up epochs\n", res.UA, res.Kernel)
	for _, r := range res.Runs {
		fmt.Printf("  %-6s %8.0f samples/s (%.0f ms per epoch; warm-up epochs %.0f ms)\n", r.Model, float64(r.Samples)/(r.Ms/1000), r.Ms, r.WarmupMs)
	}
	benchJSON(t, "training", res)
}
