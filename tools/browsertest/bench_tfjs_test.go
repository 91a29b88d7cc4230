//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evanw/esbuild/pkg/api"

	"tinytorch/tools/internal/site"
)

// tfjsEntry is the test-only script that the TF.js benchmark loads into
// the notebook's worker with importScripts: TensorFlow.js core with its
// gradients and chained ops (x.matMul), and the WebAssembly backend, from
// the benchmark-only dev dependencies in web/package.json, as globals.
const tfjsEntry = `import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
self.tf = tf;
self.tfWasm = wasm;
`

// tfjsWasm are the backend's WebAssembly binaries (plain, SIMD, threaded
// SIMD), of which TF.js picks one at run time.
var tfjsWasm = []string{"tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"}

// serveTFJS bundles tfjsEntry with esbuild's Go API and copies the
// backend's binaries into the test's temporary site under /tfjs-bench/: a
// test-only path, so TF.js never enters the product's bundle or dist/.
// The suite's server sends COOP/COEP there too, so the page and its worker
// are cross-origin isolated and TF.js may pick SIMD and threads.
func serveTFJS(t *testing.T) {
	t.Helper()
	root, err := site.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	web := filepath.Join(root, "web")
	modules := filepath.Join(web, "node_modules", "@tensorflow")
	if _, err := os.Stat(filepath.Join(modules, "tfjs-backend-wasm", "package.json")); err != nil {
		t.Fatalf("TensorFlow.js is not installed (%v): run cd web && npm ci, which installs the benchmark-only dev dependencies", err)
	}
	dir := filepath.Join(distDir, "tfjs-bench")
	res := api.Build(api.BuildOptions{
		Stdin:    &api.StdinOptions{Contents: tfjsEntry, ResolveDir: web, Sourcefile: "tfjs-bench-entry.js"},
		Bundle:   true,
		Format:   api.FormatIIFE,
		Platform: api.PlatformBrowser,
		Target:   api.ES2020,
		Outfile:  filepath.Join(dir, "tfjs.js"),
		Write:    true,
		LogLevel: api.LogLevelSilent,
	})
	for _, m := range res.Errors {
		t.Errorf("bundling TensorFlow.js: %s", m.Text)
	}
	if t.Failed() {
		t.FailNow()
	}
	for _, f := range tfjsWasm {
		data, err := os.ReadFile(filepath.Join(modules, "tfjs-backend-wasm", "dist", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBenchTFJS is the second half of `make bench-browser`: TinyTorch
// against TensorFlow.js's WebAssembly backend in the same Chromium, in the
// same Web Worker (the notebook's kernel loads TF.js with importScripts),
// timed interleaved by tt.bench.compare, with TF.js as the baseline:
// matmul at n = 128, 256, 512 (TinyTorch's wasm-simd and Go kernels), and
// one epoch of an MLP 784-128-10 on random 28×28 inputs, batch 64, plain
// SGD, each written as its own manual loop. It prints figures and asserts
// nothing about speed.
func TestBenchTFJS(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	serveTFJS(t)
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	setup := `importScripts("/tfjs-bench/tfjs.js");
tfWasm.setWasmPaths("/tfjs-bench/");
await tf.setBackend("wasm");
await tf.ready();
JSON.stringify({tfjs: tf.version_core, backend: tf.getBackend(), simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
  multithread: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"), threads: tfWasm.getThreadsCount(),
  isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency, tt: tt.version(), ttKernel: tt.kernels.current(), ua: navigator.userAgent})`
	state, out := runCode(t, ctx, 1, setup)
	if state != "done" {
		t.Fatalf("loading TensorFlow.js: %s", out)
	}
	var env map[string]any
	if err := json.Unmarshal([]byte(out), &env); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	matmul := `const rows = [];
for (const n of [128, 256, 512]) {
  tt.manualSeed(n);
  const a = tt.randn([n, n]), b = tt.randn([n, n]);
  const ta = tf.randomNormal([n, n]), tb = tf.randomNormal([n, n]);
  const on = (k) => () => { tt.kernels.use(k); a.matmul(b); };
  const c = tt.bench.compare({"tf.js wasm": () => tf.matMul(ta, tb).dispose(), "tt wasm-simd": on("wasm-simd"), "tt Go kernel": on("simd")},
    {warmup: 3, iterations: n === 512 ? 12 : 20, flops: 2 * n ** 3});
  tt.kernels.use("wasm-simd");
  const row = {n};
  for (const [k, r] of Object.entries(c.results)) row[k] = {gflops: r.gflops, ms: r.median, ratio: c.ratios[k].median, p10: c.ratios[k].p10, p90: c.ratios[k].p90};
  rows.push(row);
  ta.dispose(); tb.dispose();
}
JSON.stringify(rows)`
	state, out = runCodeWithin(t, ctx, 1, matmul, 85*time.Second)
	if state != "done" {
		t.Fatalf("the matmul benchmark failed: %s", out)
	}
	type fig struct{ GFLOPS, MS, Ratio, P10, P90 float64 }
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lastLine(out)), &rows); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\nTinyTorch vs TensorFlow.js in Chromium, same Web Worker, interleaved (tt.bench.compare)\n")
	fmt.Printf("browser: %v\n", env["ua"])
	fmt.Printf("TensorFlow.js %v, backend %q, SIMD %v, multithread support %v, threads %v (cross-origin isolated %v, %v cores); TinyTorch %v, default kernel %v, one thread\n",
		env["tfjs"], env["backend"], env["simd"], env["multithread"], env["threads"], env["isolated"], env["cores"], env["tt"], env["ttKernel"])
	fmt.Printf("\nmatmul C = A·B, float32, n×n: GFLOP/s (median); speed = TF.js time ÷ TinyTorch time (median of per-round ratios, p10–p90)\n")
	fmt.Printf("%5s  %14s  %14s  %14s  %22s  %22s\n", "n", "tf.js wasm", "tt wasm-simd", "tt Go kernel", "wasm-simd vs tf.js", "Go kernel vs tf.js")
	for _, r := range rows {
		var n int
		var tf, ws, g fig
		json.Unmarshal(r["n"], &n)
		json.Unmarshal(r["tf.js wasm"], &tf)
		json.Unmarshal(r["tt wasm-simd"], &ws)
		json.Unmarshal(r["tt Go kernel"], &g)
		fmt.Printf("%5d  %14.2f  %14.2f  %14.2f  %22s  %22s\n", n, tf.GFLOPS, ws.GFLOPS, g.GFLOPS,
			fmt.Sprintf("%.2f× (%.2f–%.2f)", ws.Ratio, ws.P10, ws.P90), fmt.Sprintf("%.2f× (%.2f–%.2f)", g.Ratio, g.P10, g.P90))
	}

	// One epoch of an MLP 784-128-10: 50 batches of 64 random 28×28
	// inputs with random labels, plain SGD (lr 0.1), softmax cross-entropy,
	// the same manual loop on both sides.
	mlp := `const steps = 50, bs = 64;
tt.manualSeed(0);
const xs = [], ys = [], txs = [], tys = [];
for (let i = 0; i < steps; i++) {
  xs.push(tt.rand([bs, 784])); ys.push(tt.randint(0, 10, [bs]));
  txs.push(tf.randomUniform([bs, 784])); tys.push(tf.oneHot(tf.randomUniform([bs], 0, 10, "int32"), 10));
}
const model = tt.nn.Sequential(tt.nn.Linear(784, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10));
const sgd = tt.optim.SGD(model.parameters(), {lr: 0.1});
const lossFn = tt.nn.CrossEntropyLoss();
const ttEpoch = () => { for (let i = 0; i < steps; i++) tt.tidy(() => { sgd.zeroGrad(); lossFn.call(model.call(xs[i]), ys[i]).backward(); sgd.step(); }); };
const lim1 = 1 / Math.sqrt(784), lim2 = 1 / Math.sqrt(128);
const W1 = tf.variable(tf.randomUniform([784, 128], -lim1, lim1)), b1 = tf.variable(tf.zeros([128]));
const W2 = tf.variable(tf.randomUniform([128, 10], -lim2, lim2)), b2 = tf.variable(tf.zeros([10]));
const opt = tf.train.sgd(0.1);
const tfLossOf = (i) => tf.losses.softmaxCrossEntropy(tys[i], tf.relu(txs[i].matMul(W1).add(b1)).matMul(W2).add(b2));
const tfEpoch = () => { for (let i = 0; i < steps; i++) tf.tidy(() => { opt.minimize(() => tfLossOf(i)); }); };
const c = tt.bench.compare({"tf.js wasm": tfEpoch, "tt wasm-simd": ttEpoch}, {warmup: 1, iterations: 6, batch: 1, items: steps * bs});
const tfLoss = tf.tidy(() => tfLossOf(0).dataSync()[0]);
const ttLoss = tt.noGrad(() => lossFn.call(model.call(xs[0]), ys[0]).item());
JSON.stringify({tf: c.results["tf.js wasm"].throughput, tt: c.results["tt wasm-simd"].throughput, ratio: c.ratios["tt wasm-simd"].median,
  p10: c.ratios["tt wasm-simd"].p10, p90: c.ratios["tt wasm-simd"].p90, rounds: c.ratios["tt wasm-simd"].rounds, tfLoss, ttLoss})`
	state, out = runCodeWithin(t, ctx, 1, mlp, 85*time.Second)
	if state != "done" {
		t.Fatalf("the MLP benchmark failed: %s", out)
	}
	var m struct {
		TF, TT, Ratio, P10, P90, TFLoss, TTLoss float64
		Rounds                                  int
	}
	if err := json.Unmarshal([]byte(lastLine(out)), &m); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	fmt.Printf("\nMLP 784-128-10, one epoch of 50 batches of 64 random 28×28 inputs, SGD lr 0.1, manual loops, %d interleaved epochs each\n", m.Rounds)
	fmt.Printf("%14s  %14s  %22s\n", "tf.js wasm", "tt wasm-simd", "tt vs tf.js")
	fmt.Printf("%10.0f s/s  %10.0f s/s  %22s\n", m.TF, m.TT, fmt.Sprintf("%.2f× (%.2f–%.2f)", m.Ratio, m.P10, m.P90))
	fmt.Printf("(samples per second; loss after training on batch 0: tf.js %.3f, TinyTorch %.3f — random labels, so both near ln 10 = 2.30 or below from memorising)\n", m.TFLoss, m.TTLoss)
}

// lastLine is the last line of a cell's output: its value, after the
// progress bar that a long tt.bench shows.
func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }
