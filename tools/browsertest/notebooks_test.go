//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/engine/data"
	"tinytorch/internal/milestone"
	"tinytorch/internal/site"
)

// chapters lists every notebook the site ships, in the order of the book,
// with what running it from top to bottom must show. TestNotebooks runs
// each one with Run all and checks that every cell ran clean (but those
// in errorCells, which fail on purpose), that the outputs contain each
// of want, and whatever check adds. A notebook missing from this table
// fails the test.
var chapters = []struct {
	slug       string
	query      string                                  // added to the page's URL, such as "?quick=1" (a milestone's short setting)
	needs      func() string                           // what the notebook needs that is missing, "" when nothing: the subtest is skipped
	limit      time.Duration                           // for opening the page and running all (default 3 minutes)
	errorCells []int                                   // cells that show an error on purpose
	want       []string                                // text some cell's output must contain
	prepare    func(t *testing.T, ctx context.Context) // edits cells before Run all (a shorter run)
	check      func(t *testing.T, ctx context.Context)
}{
	{slug: "01-system", errorCells: []int{2}, want: []string{
		// The first cell's matrix product, and the shape error the
		// chapter shows on purpose.
		"tensor · shape [2, 2] · float32",
		"Error: matmul: shapes [2, 2] and [1, 3] cannot be multiplied",
	}},
	{slug: "03-mlp", want: []string{
		"0 (Linear): expected input [*, 2] (last dimension 2 features), got [4, 3]", "[N, 8]", "epoch 60/60",
	}},
	{slug: "04-cnn", limit: 5 * time.Minute, want: []string{
		// Convolution by loops, by im2col + matmul and by tt.nn.Conv2d
		// agree exactly on the tiny image; so do the pooling by hand and
		// tt.nn.MaxPool2d.
		"im2col vs loops: max difference 0\n",
		"im2col vs tt.nn.Conv2d: max difference 0\n",
		"max difference from Conv2d: ",
		"by hand vs tt.nn.MaxPool2d: max difference 0\n",
		// The size formula agrees with Conv2d for every setting.
		"k=3 s=2 p=1 d=1:  formula 14,  Conv2d gives 14×14",
		"k=3 s=1 p=0 d=2:  formula 24,  Conv2d gives 24×24",
		"k=4 s=3 p=1 d=1:  formula 9,  Conv2d gives 9×9",
		"[N, 16, 5, 5]", "61,706",
		"epoch 2/2",
		// The LeNet reaches 93.2% on the 2,000 test digits (measured);
		// this checks 90.0–99.9%.
		"test accuracy 9",
		"test digits misread; the first 32:",
	}},
	// A config parsed, its strict errors, run as the CLI runs it;
	// checkNotebook05 compares its curve with the native run's.
	{slug: "05-configs", limit: 4 * time.Minute, want: []string{
		"model: # the network",
		`typo.yaml:4:7: optim.lr: "fast" is a string, expected a number`,
		`typo.yaml:5:3: optim: unknown key "momentun" (did you mean "momentum"?)`,
		`--set epochs=two: epochs: "two" is a string, expected a whole number`,
		"learning rate now 0.002",
		"finished  MLP 784-128-10  2 epochs  64 steps",
		"64 step lines, 2 epoch lines",
		"# The resolved config of this run: quick.yaml with the overrides",
		"#   --set optim.lr=0.002",
		"run(s) kept in this browser:",
		"Download run_",
	}, check: checkNotebook05},
	{slug: "06-data", check: checkNotebook06},
	{slug: "07-autograd", want: []string{
		// The scalar Value gradients of the neuron.
		"w1    leaf   data -3.0000   grad  1.0000",
		"x1  ours -1.5000000   tt -1.500000",
		// Topological order on a diamond; the naive recursion is wrong.
		" 1 diamonds: topological 1.44832 in 4 steps;  naive 3.81177 in 8 steps",
		"tt 0.0488408, ours 0.0488408",
		// Accumulation, vector-Jacobian products, retainGraph, the
		// in-place rule: each error is raised with its message.
		"is not a scalar; pass a gradient",
		"was already released by an earlier backward",
		"largest difference from diag(s) - s sᵀ: ",
		"that exp saved for the backward pass was modified in place",
		"is a leaf that requires grad",
		"only leaf tensors can change requiresGrad",
		// Every numeric gradient check in the cell passes.
		"11 of 11 gradient checks passed",
	}},
	// 08 trains a dozen models, and its checks a few more (the Momentum
	// optimizer, early stopping): more than the default 3 minutes on a busy
	// machine.
	{slug: "08-training", limit: 5 * time.Minute, want: []string{"training loss per epoch", "epoch 40/40", "try a lower one"}},
	{slug: "09-profiling", check: checkNotebook09},
	// "ridge " is the label of engine/plot's roofline (tt.plot.roofline);
	// "fraction of calls" the axis of chapter 12's latency distributions.
	// Pruning (its quantization sections add their own): the sparsity
	// report, masks that hold through fine-tuning, the sparse model, and
	// the CNN's convolutions cut in half with their neighbours.
	{slug: "10-compression", want: []string{
		"8000 training and 2000 test digits",
		"90% of layer 1 pruned: test accuracy ", "all parameters", "Sparsity per layer",
		"weights still zero: 1.weight ", "step 100: 90.0%", "SparseLinear(in_features=784, out_features=128, density=0.",
		"largest difference from the dense model's outputs: ", "sparse, batch 1",
		"layer 0: 6 → 3 channels", "layer 3: 16 → 8 channels, shrunk with layer 7",
		"Conv2d(3, 8, ", "Linear(in_features=200, out_features=120",
		"after fine-tuning: test accuracy ",
	}, check: checkNotebook10},
	{slug: "11-kernels", want: []string{"GFLOP/s by kernel", "speed vs blocked", "Roofline of this tab", "ridge ", "bandwidthGBs"}},
	{slug: "12-benchmarking", want: []string{"mean ± 95% CI", "speed vs A·B", "samples/s", "timeModelMicrojoules", "firstCall", "fraction of calls", "time per call"}},
	{slug: "13-checkpointing", limit: 4 * time.Minute, want: []string{
		"128 steps, last loss ",
		"Download half-run.safetensors",
		"resumed: 64 + 64 steps; equal to the uninterrupted run bit for bit: true",
		"bytes: 8 for the length, a ",
		"1.weight                       F32 [128, 784] bytes ",
		"metadata keys: ",
		`"1.weight": the checkpoint has [128, 784], the model has [64, 784]`,
	}, check: checkNotebook13},
	// The milestones, in historical order; each ends with its verdict
	// cell, which must pass (milestones_history_test.go compares their
	// runs with the native ones).
	{slug: perceptronSlug, want: []string{"✓ reproduced: the perceptron separates all 100 points after 6 epochs"}, check: checkMilestonePerceptron},
	{slug: xorSlug, want: []string{
		"the weights after epoch 2 are those after epoch 1: a cycle",
		"✓ reproduced: the perceptron cycles with 4 mistakes an epoch; the 2-2-2 network gets all 4",
		"4 of 4 right", // the Build it yourself cell, with the engine's components here
	}, check: checkMilestoneXOR},
	{slug: milestoneSlug, limit: 6 * time.Minute, check: checkMilestoneMLPDigits},
	// The full LeNet run takes minutes: the suite runs the notebook's
	// documented short setting, and make bench the full run.
	{slug: lenetSlug, query: "?quick=1", limit: 4 * time.Minute, needs: needFashion,
		want:  []string{"✓ reproduced: LeNet reaches", "the browser suite's short setting (?quick=1)", "nothing to continue"},
		check: checkMilestoneLeNetQuick},
	{slug: attentionSlug, limit: 5 * time.Minute, prepare: attentionShort, check: checkMilestoneAttention},
}

// needFashion says when Debian's Fashion-MNIST, which the site's
// fashionMNIST shards are made from, is not installed.
func needFashion() string {
	if fashionDir() == "" {
		return "Fashion-MNIST is not installed"
	}
	return ""
}

// TestNotebooks runs every chapter notebook from top to bottom (the table
// chapters), each in a fresh tab served with the site's
// Content-Security-Policy, and checks its results and that neither the
// document nor the console reports a policy violation. Run all leaves
// the exercises at their starters, so every exercise's check must fail
// politely while every cell runs clean; then each solution is put in and
// every check must pass (checkExercises). The kernel
// worker's policy is checked by its working: a worker whose policy
// refused eval or wasm would not start or would fail every cell.
//
// The notebooks run side by side, as many at a time as -parallel allows
// (the number of cores by default): each has its own tab and kernel, a
// run is mostly one kernel thread busy, and nothing here is timed, so
// the tests that are (stop times, responsiveness) never overlap them,
// as Go runs the other tests only after these subtests end.
func TestNotebooks(t *testing.T) {
	checkPolicyHeader(t)
	var slugs []string
	for _, nb := range built.Notebooks {
		slugs = append(slugs, nb.Slug)
	}
	for _, c := range chapters {
		if !slices.Contains(slugs, c.slug) {
			t.Errorf("the table names %s, which the site does not build", c.slug)
		}
		slugs = slices.DeleteFunc(slugs, func(s string) bool { return s == c.slug })
	}
	if len(slugs) > 0 {
		t.Errorf("notebooks without an entry in the table chapters: %v", slugs)
	}
	for _, c := range chapters {
		t.Run(c.slug, func(t *testing.T) {
			if c.needs != nil {
				if missing := c.needs(); missing != "" {
					t.Skip(missing)
				}
			}
			t.Parallel()
			limit := c.limit
			if limit == 0 {
				limit = 3 * time.Minute
			}
			ctx := newTabWithin(t, limit)
			policy := watchPolicy(t, ctx)
			openNotebookQuery(t, ctx, c.slug, c.query)
			if c.prepare != nil {
				c.prepare(t, ctx)
			}
			start := time.Now()
			runAllToTheEnd(t, ctx)
			fmt.Printf("%s: ran in %v\n  %s\n", c.slug, time.Since(start).Round(time.Millisecond),
				strings.Join(eval[[]string](t, ctx, `[...document.querySelectorAll(".cell")].map((c) => c.id + ": " + c.querySelector(".cell-bar").innerText.replace(/\s+/g, " ").trim())`), "\n  "))
			states := eval[[]string](t, ctx, `[...document.querySelectorAll(".cell")].map((c) => c.dataset.state)`)
			for i, s := range states {
				n, want := i+1, "done"
				if slices.Contains(c.errorCells, n) {
					want = "error" // the chapter shows this error on purpose
				}
				if s != want {
					_, out := cellResult(t, ctx, n)
					t.Errorf("cell %d: state %q, want %s; output %.300q", n, s, want, out)
				}
			}
			text := eval[string](t, ctx, `[...document.querySelectorAll(".cell-output")].map((o) => o.innerText).join("\n")`)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("no output contains %q", w)
				}
			}
			if c.check != nil {
				c.check(t, ctx)
			}
			// Every exercise's check failed politely at the starter, and
			// passes with its solution (exercises_test.go).
			if n := checkExercises(t, ctx); n > 0 {
				fmt.Printf("%s: %d exercises fail at the starter and pass with their solutions\n", c.slug, n)
			}
			policy()
			saveScreenshot(t, ctx, c.slug+".png")
		})
	}
}

// checkPolicyHeader checks the server's Content-Security-Policy: scripts
// from the site and the boot script's hash, wasm, and no eval.
func checkPolicyHeader(t *testing.T) {
	t.Helper()
	res, err := http.Get(baseURL + "/01-system.html")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval' 'sha256-") || strings.Contains(csp, "'unsafe-eval'") {
		t.Fatalf("the page's policy %q lacks the boot script's hash or allows eval", csp)
	}
}

// watchViolations records, in the page, every Content-Security-Policy
// violation the document reports. It is added through DevTools before the
// page's own scripts run, so the page's policy does not apply to it.
const watchViolations = `window.__ttCSP = [];
document.addEventListener("securitypolicyviolation", (e) =>
	window.__ttCSP.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`

// watchPolicy starts watching the tab, before it loads a page, for
// Content-Security-Policy violations: the document's (watchViolations)
// and Chromium's console messages about a refusal. The returned function
// ends the watch and fails the test for each violation seen.
func watchPolicy(t *testing.T, ctx context.Context) (check func()) {
	t.Helper()
	onNewDocument(t, ctx, watchViolations)
	consoleCtx, stop := context.WithCancel(ctx)
	console := chromedp.Console(consoleCtx)
	t.Cleanup(stop)
	return func() {
		t.Helper()
		for _, v := range eval[[]string](t, ctx, `window.__ttCSP`) {
			t.Errorf("CSP violation in the document: %s", v)
		}
		stop() // ends the console subscription, so the loop below ends
		for m, err := range console {
			if err != nil {
				break
			}
			if blockedByPolicy(m.Text) {
				t.Errorf("console: %s", m.Text)
			}
		}
	}
}

// blockedByPolicy reports whether a message is Chromium's about a
// Content-Security-Policy refusal.
func blockedByPolicy(text string) bool {
	for _, s := range []string{"Content Security Policy", "Content-Security-Policy", "EvalError", "unsafe-eval", "Refused to"} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// checkNotebook06: the softmax regression written by hand learns (≥ 85%
// test accuracy) and the digits' batches and grids show.
func checkNotebook06(t *testing.T, ctx context.Context) {
	outputs := eval[[]string](t, ctx, `[...document.querySelectorAll(".cell-output")].map((o) => o.innerText.trim())`)
	seen := false
	for n, out := range outputs {
		at := strings.LastIndex(out, "test accuracy ")
		if at < 0 {
			continue
		}
		seen = true
		fmt.Printf("notebook 06: softmax regression %s\n", out[at:])
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(out[at:], "test accuracy "), "%"), 64)
		if err != nil || pct < 85 {
			t.Errorf("cell %d: %q, want test accuracy ≥ 85%%", n+1, out)
		}
	}
	if !seen {
		t.Error("no cell printed the softmax regression's test accuracy")
	}
	// The digits' batches and grids show 64 images, Fashion-MNIST's grid 16
	// more when the site was built with it.
	const digitImages, fashionImages = 16*2 + 32, 16
	want := digitImages
	if fashionDir() != "" {
		want += fashionImages
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("svg[data-chart='images'] image").length`); n < want {
		t.Errorf("%d images shown in the notebook, want at least %d", n, want)
	}
	if dir, ok := site.FashionDir(); !ok {
		t.Logf("the chapter ran clean, but its Fashion-MNIST cells were not checked: Fashion-MNIST is not installed (no IDX files in %s). %s",
			dir, data.FashionMNISTHint)
	}
}

// checkNotebook09: chapter 9 shows its charts, profile tables, downloads
// and both timelines.
func checkNotebook09(t *testing.T, ctx context.Context) {
	charts := eval[int](t, ctx, `document.querySelectorAll(".cell svg.tt-chart").length`)
	tables := eval[int](t, ctx, `document.querySelectorAll(".cell .tt-profile-table").length`)
	downloads := eval[int](t, ctx, `document.querySelectorAll(".cell button[data-download]").length`)
	fmt.Printf("notebook 09: %d charts, %d profile tables, %d downloads\n", charts, tables, downloads)
	if charts < 10 || tables < 4 || downloads < 1 {
		t.Errorf("notebook 09 shows %d charts, %d tables, %d downloads; want at least 10, 4, 1", charts, tables, downloads)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.cell svg.tt-chart[data-chart="timeline"]').length`); n != 2 {
		t.Errorf("notebook 09 shows %d timelines, want 2 (the report's and tt.plot.timeline's)", n)
	}
}

// checkMilestoneMLPDigits is the 1986 milestone in the browser
// (notebooks/m1-mlp-digits.md, ten epochs on the 8,000 digits): ≥ 95%
// test accuracy on the 2,000 test digits, the live charts, and the loss
// of every step, the test loss and the test accuracy of every epoch
// against the same run natively, in this process
// (milestone.MLPDigits). It prints both speeds.
func checkMilestoneMLPDigits(t *testing.T, ctx context.Context) {
	text := eval[string](t, ctx, `[...document.querySelectorAll(".cell-output")].map((o) => o.innerText).join("\n")`)
	i := strings.Index(text, "test accuracy ")
	if i < 0 {
		t.Fatal("no cell printed the test accuracy")
	}
	line := text[i:]
	fmt.Println(indent(firstLines(line, 3)))
	pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.Fields(line)[2], "%"), 64)
	if err != nil || pct < 95 {
		t.Errorf("%q: want test accuracy ≥ 95%%", firstLines(line, 1))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".tt-train-chart svg.tt-chart").length`); n < 2 {
		t.Errorf("%d charts of the training run, want the live loss and accuracy charts", n)
	}
	b := readRun(t, ctx, eval[int](t, ctx, `document.querySelectorAll("section.cell").length`))
	native := nativeMLPDigits(t, milestone.MLPEpochs)
	fmt.Printf("browser: %.0f samples/s (kernel %s), wall %.1f s; native: %.0f samples/s, wall %.1f s\n",
		b.SamplesPerS, b.Kernel, b.Wall, native.SamplesPerSec, native.Wall.Seconds())
	if worst := compareCurves(t, b, native); worst > stepLossTol {
		t.Errorf("the browser's step losses differ from the native ones by up to %.2e relative, want ≤ %.0e", worst, stepLossTol)
	}
	for e := range native.EpochAccuracy {
		if d := relDiff(b.ValLoss[e], native.EpochTestLoss[e]); d > stepLossTol {
			t.Errorf("epoch %d: test loss %.9g in the browser, %.9g natively", e+1, b.ValLoss[e], native.EpochTestLoss[e])
		}
		if d := math.Abs(b.ValAccuracy[e] - native.EpochAccuracy[e]); d > accuracyBand {
			t.Errorf("epoch %d: test accuracy %.4f in the browser, %.4f natively", e+1, b.ValAccuracy[e], native.EpochAccuracy[e])
		}
	}
}
