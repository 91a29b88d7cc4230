//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"tinytorch/internal/benchjson"
)

// quantBenchCode trains the 1986 milestone MLP for one epoch on the
// MNIST digits in the tab, quantizes it with tt.quant.quantize (8
// calibration batches; 7-bit activations, the default) and measures,
// interleaved by tt.bench.compare, the int8 model's speed against float32
// at batch 1 and 64, with both test accuracies and checkpoint sizes. Each
// sample times 20 forward passes at batch 1 (2 at batch 64), so that a
// sample lasts about a millisecond: a single batch-1 pass, about 0.1 ms,
// is within a few steps of a worker's timer resolution, and the ratios'
// spread on a busy machine was mostly that. The ratio is the median of
// 200 rounds at batch 1 (100 at batch 64): with 40, a collection or two
// moved it by a tenth.
const quantBenchCode = `const mnist = await tt.data.mnist();
const T = tt.data.transforms, normalize = T.Normalize([0.1307], [0.3081]);
const trainLoader = tt.data.DataLoader(mnist.train.withTransform(normalize, {seed: 1}), {batchSize: 64, shuffle: true, seed: 1});
const testLoader = tt.data.DataLoader(mnist.test.withTransform(normalize, {seed: 0}), {batchSize: 500});
tt.manualSeed(1986);
const model = tt.nn.Sequential(tt.nn.Flatten(), tt.nn.Linear(784, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10));
tt.train.fit(model, trainLoader, {epochs: 1, optimizer: tt.optim.Adam(model.parameters(), {lr: 1e-3}),
  loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false});
const q = tt.quant.quantize(model, trainLoader, {batches: 8});
const accuracy = (m) => tt.noGrad(() => {
  let right = 0, n = 0;
  for (const {x, y} of testLoader) tt.tidy(() => { right += m.call(x).argmax(1).eq(y).sum().item(); n += y.shape[0]; });
  return right / n;
});
model.eval();
const rows = [];
for (const [batch, calls, rounds] of [[1, 20, 200], [64, 2, 100]]) {
  const x = tt.keep(tt.stack([...Array(batch).keys()].map((i) => mnist.test.get(i).x)));
  const run = (m) => () => { for (let i = 0; i < calls; i++) tt.tidy(() => tt.noGrad(() => { m.call(x); })); };
  const cmp = tt.bench.compare({float32: run(model), int8: run(q)}, {warmup: 3, iterations: rounds});
  const r = cmp.ratios.int8;
  rows.push({batch, float_ms: cmp.results.float32.median / calls, int8_ms: cmp.results.int8.median / calls, ratio: r.median, p10: r.p10, p90: r.p90});
}
JSON.stringify({rows, floatAcc: accuracy(model), int8Acc: accuracy(q), floatBytes: tt.quant.modelBytes(model),
  int8Bytes: tt.quant.modelBytes(q), int8Kernel: tt.kernels.info().int8, ua: navigator.userAgent})`

// TestBenchQuant prints the quantized MLP's speed in Chromium against
// float32, its accuracy and size (make bench-browser; the native figures
// are make bench's "Quantized inference" table).
func TestBenchQuant(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	state, out := runCodeWithin(t, ctx, 1, quantBenchCode, 3*time.Minute)
	if state != "done" {
		t.Fatalf("the benchmark cell failed: %s", out)
	}
	var res benchjson.Quant
	if err := json.Unmarshal([]byte(out[strings.LastIndex(out, "\n")+1:]), &res); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\nQuantized MLP (784→128→10, one epoch on the MNIST digits) in Chromium (%s), int8 kernel %q\n", res.UA, res.Int8Kernel)
	fmt.Printf("test accuracy float32 %.2f%%, int8 %.2f%% (%+.2f points); checkpoint %d bytes float32, %d int8 (%.2f×)\n",
		100*res.FloatAcc, 100*res.Int8Acc, 100*(res.Int8Acc-res.FloatAcc), res.FloatBytes, res.Int8Bytes, float64(res.FloatBytes)/float64(res.Int8Bytes))
	fmt.Printf("%6s  %12s  %12s  %24s\n", "batch", "float32 ms", "int8 ms", "int8 speed ÷ float32")
	for _, r := range res.Rows {
		fmt.Printf("%6d  %12.4f  %12.4f  %10.2f× (p10–p90 %.2f–%.2f)\n", r.Batch, r.FloatMS, r.Int8MS, r.Ratio, r.P10, r.P90)
	}
	benchJSON(t, "quant", res)
	if res.Int8Acc < res.FloatAcc-0.01 {
		t.Errorf("int8 accuracy %.4f; expected within a point of float32's %.4f", res.Int8Acc, res.FloatAcc)
	}
}
