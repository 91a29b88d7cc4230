//go:build browser

package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Tests of tt.nn, tt.optim and tt.train in the notebook: the model
// summary, a training run with its live progress bar and chart, Stop,
// errors that name the layer or the diverging step, and the chapter 3 and
// 8 notebooks running from top to bottom.

// xorSetup defines XOR data and a seeded model in the notebook's scope.
const xorSetup = `tt.manualSeed(1);
const x = tt.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tt.tensor([0, 1, 1, 0]);
const model = tt.nn.Sequential(tt.nn.Linear(2, 8), tt.nn.Tanh(), tt.nn.Linear(8, 2));
const opt = tt.optim.SGD(model.parameters(), {lr: 0.1, momentum: 0.9});
model.numParams()`

func TestNNModelSummary(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, xorSetup); state != "done" || out != "42" {
		t.Fatalf("setup: state %q, output %q; want 42 parameters", state, out)
	}
	state, out := runCode(t, ctx, 2, "display(model)")
	if state != "done" {
		t.Fatalf("display(model): state %q, output %q", state, out)
	}
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-2 table.tt-model-summary tbody tr")].map((r) => r.innerText.replace(/\s+/g, " ").trim())`)
	want := []string{"0 (Linear) [N, 8] 24", "1 (Tanh) [N, 8] 0", "2 (Linear) [N, 2] 18"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("summary rows = %q, want %q", rows, want)
	}
	if !strings.Contains(out, "Sequential(\n  (0): Linear(in_features=2, out_features=8, bias=True)") {
		t.Errorf("the summary lacks the module repr: %q", out)
	}
	// The last expression shows the same table; parameters are the
	// model's own tensors.
	runCode(t, ctx, 2, "model")
	if n := eval[int](t, ctx, `document.querySelectorAll("#cell-2 table.tt-model-summary").length`); n != 1 {
		t.Errorf("model as the last expression: %d summary tables, want 1", n)
	}
	state, out = runCode(t, ctx, 2, "const w = model[0].weight;\nconst ps = model.parameters();\n"+
		"model.call(x).sum().backward();\n[ps.length, model.namedParameters().map(([n]) => n).join(' '), ps[0].grad.shape.join('x'), w.grad.sum().item() === ps[0].grad.sum().item()]")
	if state != "done" || out != "Array(4)\n0: 4\n1: \"0.weight 0.bias 2.weight 2.bias\"\n2: \"8x2\"\n3: true" {
		t.Errorf("parameters: state %q, output %q", state, out)
	}
}

func TestNNTrainXOR(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, xorSetup); state != "done" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	code := "const h = tt.train.fit(model, tt.train.batches(x, y, {batchSize: 4}), {epochs: 300, optimizer: opt, loss: tt.nn.CrossEntropyLoss(), valLoader: [x, y]});\n" +
		"const acc = model.call(x).argmax(1).eq(y).mean().item();\n" +
		"console.log('samples/s', Math.round(h.samplesPerSec), 'accuracy', acc);\nh"
	state, out := runCode(t, ctx, 2, code)
	if state != "done" || !strings.Contains(out, "accuracy 1\n") {
		t.Fatalf("training: state %q, output %q", state, out)
	}
	fmt.Printf("XOR, 300 full-batch epochs: %s\n", strings.SplitN(out, "\n", 2)[0])
	got := eval[[]string](t, ctx, `(() => { const o = document.querySelector("#cell-2 .cell-output");
		const p = o.querySelector("progress");
		return [p.getAttribute("value"), p.getAttribute("max"), String(o.querySelectorAll(".tt-train-chart").length),
			String(o.querySelectorAll(".tt-train-chart svg.tt-chart").length), o.querySelector(".progress-label").textContent]; })()`)
	// One live chart (loss and accuracy) plus the history's chart.
	if got[0] != "300" || got[1] != "300" || got[2] != "2" || got[3] != "4" {
		t.Errorf("progress value/max, charts, svgs = %q; want 300, 300, 2 charts (live and history), 4 svgs", got)
	}
	// A longer run: the chart is replaced in place while it grows.
	code = "tt.manualSeed(3);\nconst big = tt.randn(2048, 2);\n" +
		"const yy = big.narrow(1, 0, 1).mul(big.narrow(1, 1, 1)).gt(0).reshape(2048);\n" +
		"const m2 = tt.nn.Sequential(tt.nn.Linear(2, 32), tt.nn.ReLU(), tt.nn.Linear(32, 2));\n" +
		"const h2 = tt.train.fit(m2, tt.train.batches(big, yy, {batchSize: 32, shuffle: true}), {epochs: 40, optimizer: tt.optim.Adam(m2.parameters(), {lr: 0.01}), loss: tt.nn.CrossEntropyLoss()});\n" +
		"console.log('samples/s', Math.round(h2.samplesPerSec), 'seconds', h2.seconds.toFixed(2), 'accuracy', h2.accuracy.at(-1).toFixed(3));"
	eval[bool](t, ctx, `(window.__charts = 0, window.__obs = new MutationObserver((list) => { for (const m of list) for (const n of m.addedNodes) if (n.querySelector && n.querySelector(".tt-train-chart")) window.__charts++ }),
		window.__obs.observe(document.querySelector("#cell-3 .cell-output"), {childList: true}), true)`)
	start := time.Now()
	state, out = runCode(t, ctx, 3, code)
	if state != "done" {
		t.Fatalf("XOR-like quadrants: state %q, output %q", state, out)
	}
	fmt.Printf("quadrant XOR, 2048 points, batch 32, MLP 2-32-2, Adam, 40 epochs: %s (cell %v)\n", out, time.Since(start).Round(time.Millisecond))
	n := eval[int](t, ctx, `document.querySelectorAll("#cell-3 .tt-train-chart").length`)
	updates := eval[int](t, ctx, `window.__charts`)
	fmt.Printf("chart renders during the run: %d (updates in place, at most 5 a second)\n", updates)
	if n != 1 || updates < 2 {
		t.Errorf("%d charts in the output after %d renders; want 1 chart updated in place several times", n, updates)
	}
	saveScreenshot(t, ctx, "nn-train.png")
}

func TestNNStopKeepsModel(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, xorSetup); state != "done" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	startCode(t, ctx, 2, "tt.train.fit(model, [x, y], {epochs: 10000000, optimizer: opt, loss: tt.nn.CrossEntropyLoss()})")
	time.Sleep(800 * time.Millisecond)
	start := time.Now()
	clickAction(t, ctx, "■ Stop")
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`#cell-2[data-state="error"]`))); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	fmt.Printf("stop of a training run took %v\n", took.Round(time.Millisecond))
	if took > stopLimit {
		t.Errorf("stopping took %v, want under %v", took, stopLimit)
	}
	if _, out := cellResult(t, ctx, 2); !strings.Contains(out, "KeyboardInterrupt: the cell was stopped") || !strings.Contains(out, "stopped after") {
		t.Errorf("cell 2 output %q", out)
	}
	// The model keeps its trained parameters.
	if state, out := runCode(t, ctx, 2, "model.call(x).argmax(1).eq(y).mean().item()"); state != "done" || out != "1" {
		t.Errorf("after the stop: state %q, output %q; want the trained model (accuracy 1)", state, out)
	}
}

func TestNNErrors(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, xorSetup); state != "done" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	state, out := runCode(t, ctx, 2, "model.call(tt.ones(5, 3))")
	if want := "Error: 0 (Linear): expected input [*, 2]"; state != "error" || !strings.HasPrefix(out, want) || !strings.Contains(out, "got [5, 3]") {
		t.Errorf("wrong shape: state %q, output %q; want %q…", state, out, want)
	}
	code := "tt.manualSeed(1);\nconst xr = tt.randn(64, 3), yr = tt.randn(64, 1);\n" +
		"const reg = tt.nn.Sequential(tt.nn.Linear(3, 16), tt.nn.ReLU(), tt.nn.Linear(16, 1));\n" +
		"tt.train.fit(reg, [xr, yr], {epochs: 100, optimizer: tt.optim.SGD(reg.parameters(), {lr: 1e6}), loss: tt.nn.MSELoss()})"
	state, out = runCode(t, ctx, 2, code)
	if state != "error" || !strings.Contains(out, "at step 3") || !strings.Contains(out, "try a lower one") {
		t.Errorf("diverging run: state %q, output %q", state, out)
	}
	if state, out := runCode(t, ctx, 2, "tt.train.fit(model, [x, y], {epochs: 1, loss: tt.nn.CrossEntropyLoss()})"); state != "error" || !strings.Contains(out, "options.optimizer is required") {
		t.Errorf("missing optimizer: state %q, output %q", state, out)
	}
}

// TestNNAPI checks the rest of the surface in one cell: state dicts,
// init, functional, parameter groups, schedulers, loaders, callbacks and
// a loss written in JavaScript.
func TestNNAPI(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, xorSetup); state != "done" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	code := `const sd = model.stateDict();
const other = tt.nn.Sequential(tt.nn.Linear(2, 8), tt.nn.Tanh(), tt.nn.Linear(8, 2));
other.loadStateDict(sd);
const same = other.call(x).sub(model.call(x)).abs().max().item() === 0;
let bad = "";
try { other.loadStateDict({"0.weight": tt.zeros(3, 3)}) } catch (e) { bad = e.message }
tt.nn.init.constant_(other[0].bias, 0.5);
const g = opt.paramGroups[0]; g.lr = 0.05;
const sched = tt.optim.lrScheduler.StepLR(opt, {stepSize: 1, gamma: 0.5}); sched.step();
const loader = tt.train.batches(x, y, {batchSize: 3, shuffle: true});
const sizes = [...loader].map(([xb]) => xb.shape[0]);
let calls = 0;
const h = tt.train.fit(model, loader, {epochs: 50, optimizer: opt, loss: (out, target) => { calls++; return tt.nn.functional.crossEntropy(out, target) },
  onEpochEnd: (p) => p.epoch < 3, progress: false, chart: false});
[same, bad.slice(0, 40), other[0].bias.sum().item(), opt.paramGroups[0].lr, sched.getLastLr()[0], sizes.join(","), loader.length,
 h.loss.length, calls, tt.nn.functional.relu(tt.tensor([-1, 2])).toArray().join(","), String(tt.nn.CrossEntropyLoss()), model.training, model.eval().training]`
	state, out := runCode(t, ctx, 2, code)
	if state != "done" {
		t.Fatalf("state %q, output %q", state, out)
	}
	for _, w := range []string{"0: true", `1: "loadStateDict: missing key(s): \"0.bias\","`, "2: 4", "3: 0.025", "4: 0.025", `5: "3,1"`, "6: 2", "7: 3", "8: 6", `9: "0,2"`, `10: "CrossEntropyLoss()"`, "11: true", "12: false"} {
		if !strings.Contains(out, w+"\n") && !strings.HasSuffix(out, w) {
			t.Errorf("API cell output lacks %q:\n%s", w, out)
		}
	}
}

// TestNNTrainCallbacks checks options.callbacks: plain objects with
// onEpochEnd and onTrainEnd, tt.train.checkpoint (every N epochs, and
// "save best"; the state dict it receives restores the model as it was),
// tt.train.logger (CSV to a function, JSON lines to the cell),
// tt.train.earlyStopping, the rejection of unknown option names, and an
// update that overflows the weights.
func TestNNTrainCallbacks(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	if state, out := runCode(t, ctx, 1, xorSetup); state != "done" {
		t.Fatalf("setup: state %q, output %q", state, out)
	}
	code := `const epochs = [], ends = [], saved = [], best = [], csv = [];
const h = tt.train.fit(model, [x, y], {epochs: 5, optimizer: opt, loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false, callbacks: [
  {onEpochEnd: (p) => { epochs.push(p.epoch) }, onTrainEnd: (hist) => { ends.push(hist.loss.length) }},
  tt.train.checkpoint({every: 2, save: (c) => saved.push({epoch: c.epoch, step: c.step, state: c.stateDict, out: c.model.call(x).toArray().flat()})}),
  tt.train.checkpoint({monitor: "loss", save: (c) => best.push([c.epoch, c.metrics.loss, c.best])}),
  tt.train.logger({format: "csv", write: (line) => csv.push(line)}),
  tt.train.logger(),
]});
const other = tt.nn.Sequential(tt.nn.Linear(2, 8), tt.nn.Tanh(), tt.nn.Linear(8, 2));
other.loadStateDict(saved[1].state);
const restored = other.call(x).toArray().flat();
const now = model.call(x).toArray().flat();
const h2 = tt.train.fit(model, [x, y], {epochs: 20, optimizer: opt, loss: tt.nn.CrossEntropyLoss(), progress: false, chart: false,
  callbacks: [tt.train.earlyStopping({monitor: "loss", patience: 1, mode: "max"})]});
[epochs.join(","), ends.join(","), saved.map((s) => s.epoch + "/" + s.step).join(","),
 restored.every((v, i) => v === saved[1].out[i]), restored.some((v, i) => v !== now[i]),
 best[0][0] === 1 && best.every((b, i) => b[2] && (i === 0 || b[1] < best[i - 1][1])),
 csv.length, csv[0], csv[5].split(",")[0], h2.loss.length, h2.stoppedEarly,
 String(tt.train.earlyStopping({monitor: "valAccuracy", patience: 2}))]`
	state, out := runCode(t, ctx, 2, code)
	if state != "done" {
		t.Fatalf("state %q, output %q", state, out)
	}
	for _, w := range []string{`0: "1,2,3,4,5"`, `1: "5"`, `2: "2/2,4/4"`, "3: true", "4: true", "5: true",
		"6: 6", `7: "epoch,step,elapsed_s,accuracy,loss,lr"`, `8: "5"`, "9: 3", "10: true",
		`11: "earlyStopping(monitor=valAccuracy, patience=2)"`, `{"epoch":5,"step":5,"elapsed_s":`} {
		if !strings.Contains(out, w) {
			t.Errorf("callbacks cell output lacks %q:\n%s", w, out)
		}
	}
	for _, tc := range []struct{ code, want string }{
		{"tt.train.fit(model, [x, y], {epochs: 1, optimizer: opt, loss: tt.nn.CrossEntropyLoss(), callback: []})",
			`tt.train.fit: unknown option "callback" (known: epochs, valLoader, progress, chart, optimizer, loss, scheduler, schedulePerBatch, metrics, clipGradNorm, callbacks, earlyStopping, onBatchEnd, onEpochEnd)`},
		{"tt.train.fit(model, [x, y], {epochs: 1, optimizer: opt, loss: tt.nn.CrossEntropyLoss(), callbacks: [{onEpochStart: () => 0}]})",
			`tt.train.fit: callbacks[0]: unknown key "onEpochStart" (known: onBatchEnd, onEpochEnd, onTrainEnd)`},
		{"tt.train.Trainer({model, optimizer: opt, loss: tt.nn.CrossEntropyLoss()}).fit([x, y], {epoch: 3})", `trainer.fit: unknown option "epoch" (known: epochs, valLoader, progress, chart)`},
		{"tt.train.checkpoint({every: 2})", "tt.train.checkpoint: options.save is required"},
		{"tt.train.logger({format: 'xml'})", `tt.train.logger: format "xml", expected "jsonl" or "csv"`},
		{"tt.train.earlyStopping({mode: 'up'})", `tt.train.earlyStopping: mode must be "min" or "max"`},
		{"tt.train.fit(model, [x, y], {epochs: 3, optimizer: tt.optim.SGD(model.parameters(), {lr: 1e40}), loss: tt.nn.CrossEntropyLoss()})",
			`parameter "0.weight" after the optimizer step is`},
	} {
		state, out := runCode(t, ctx, 3, tc.code)
		if state != "error" || !strings.Contains(out, tc.want) {
			t.Errorf("%s: state %q, output %q; want an error containing %q", tc.code, state, out, tc.want)
		}
	}
	// The refused step leaves the model finite: it still predicts.
	if state, out := runCode(t, ctx, 3, "model.parameters().every((p) => p.toArray().flat(Infinity).every(Number.isFinite))"); state != "done" || out != "true" {
		t.Errorf("after the refused step: state %q, output %q", state, out)
	}
}
