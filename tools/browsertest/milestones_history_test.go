//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/internal/benchjson"
	"tinytorch/internal/milestone"
)

// The milestones before and after 1986 in the browser
// (notebooks/m0-1958-perceptron.md, m0-1969-xor.md, m2-lenet-fashion.md)
// against the same runs natively (internal/milestone): TestNotebooks runs
// each notebook from top to bottom, its verdict cell included, and the
// checks below compare what it computed with the native run. The LeNet
// notebook runs there with ?quick=1, its documented short setting;
// TestBenchMilestones (make bench) times the full runs.

const (
	perceptronSlug = "m0-1958-perceptron"
	xorSlug        = "m0-1969-xor"
	lenetSlug      = "m2-lenet-fashion"
)

// lenetQuick is the LeNet notebook's ?quick=1 setting, natively.
var lenetQuick = milestone.Config{Epochs: 2, Train: 2000, Test: 1000}

// lastCell is the number of the page's last code cell.
func lastCell(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `document.querySelectorAll("section.cell").length`)
}

// readScope evaluates a JSON expression of the notebook's scope in its
// last cell and decodes it into v.
func readScope(t *testing.T, ctx context.Context, expr string, v any) {
	t.Helper()
	state, out := lastOutput(t, ctx, lastCell(t, ctx), "JSON.stringify("+expr+")")
	if state != "done" || !decodeJSON(out, v) {
		t.Fatalf("reading %s back: state %q, output %.300q", expr, state, out)
	}
}

// checkReproduced checks that the verdict cell passed and marked the
// milestone reproduced on the page.
func checkReproduced(t *testing.T, ctx context.Context) {
	t.Helper()
	if got := eval[string](t, ctx, `document.documentElement.dataset.reproduced || ""`); got != "true" {
		t.Errorf("the page is not marked reproduced after its verdict cell ran (data-reproduced %q)", got)
	}
}

// checkMilestonePerceptron: the browser's rule made the same mistakes
// and reached the same weights, epoch by epoch, as the native run, to
// the last bit (both are float64 arithmetic on the same float32 points).
func checkMilestonePerceptron(t *testing.T, ctx context.Context) {
	checkReproduced(t, ctx)
	var b struct {
		Mistakes []int        `json:"mistakes"`
		Weights  [][3]float64 `json:"weights"`
	}
	readScope(t, ctx, "{mistakes, weights}", &b)
	nativeTraining.Lock() // runs_test.go: one native run at a time
	native, _, _, err := milestone.PerceptronSteps()
	nativeTraining.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%s: mistakes per epoch %v in the browser, %v natively; last weights %v, %v\n",
		perceptronSlug, b.Mistakes, native.Mistakes, b.Weights[len(b.Weights)-1], native.Weights[len(native.Weights)-1])
	if !slices.Equal(b.Mistakes, native.Mistakes) || !slices.Equal(b.Weights, native.Weights) {
		t.Errorf("the browser's run (mistakes %v, weights %v) is not the native one (%v, %v)", b.Mistakes, b.Weights, native.Mistakes, native.Weights)
	}
}

// checkMilestoneXOR: the perceptron's epochs and the network's loss at
// every step agree with the native run.
func checkMilestoneXOR(t *testing.T, ctx context.Context) {
	checkReproduced(t, ctx)
	var b struct {
		Mistakes []int        `json:"mistakes"`
		Weights  [][3]float64 `json:"weights"`
		StepLoss []float64    `json:"stepLoss"`
		Accuracy float64      `json:"accuracy"`
	}
	readScope(t, ctx, "{mistakes, weights, stepLoss, accuracy}", &b)
	nativeTraining.Lock() // runs_test.go: one native run at a time
	native, err := milestone.XORTrain()
	nativeTraining.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Mistakes, native.Perceptron.Mistakes) || !slices.Equal(b.Weights, native.Perceptron.Weights) {
		t.Errorf("the perceptron in the browser (mistakes %v, weights %v) is not the native one (%v, %v)",
			b.Mistakes, b.Weights, native.Perceptron.Mistakes, native.Perceptron.Weights)
	}
	if len(b.StepLoss) != len(native.StepLoss) {
		t.Fatalf("the network trained %d steps in the browser, %d natively", len(b.StepLoss), len(native.StepLoss))
	}
	worst, at := maxRelDiff(b.StepLoss, native.StepLoss)
	fmt.Printf("%s: the network's loss %.6g → %.6g; largest relative difference from the native run %.2e at step %d; accuracy %v\n",
		xorSlug, b.StepLoss[0], b.StepLoss[len(b.StepLoss)-1], worst, at+1, b.Accuracy)
	if worst > stepLossTol {
		t.Errorf("step %d: loss %.9g in the browser, %.9g natively (%.2e relative, want ≤ %.0e)", at+1, b.StepLoss[at], native.StepLoss[at], worst, stepLossTol)
	}
	if b.Accuracy != native.Accuracy {
		t.Errorf("accuracy %v in the browser, %v natively", b.Accuracy, native.Accuracy)
	}
}

// nativeLeNetQuick runs the LeNet milestone's quick setting natively.
func nativeLeNetQuick(t *testing.T) *milestone.Result {
	t.Helper()
	cfg := lenetQuick
	cfg.FashionDir = fashionDir()
	nativeTraining.Lock()
	defer nativeTraining.Unlock()
	r, err := milestone.LeNetFashion(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// lenetRun is what the LeNet notebook's cells leave in its scope.
type lenetRun struct {
	StepLoss    []float64 `json:"stepLoss"`
	ValAccuracy []float64 `json:"valAccuracy"`
	Stretches   int       `json:"stretches"`
	Wall        float64   `json:"wall"`
}

const lenetRunExpr = "{stepLoss, valAccuracy, stretches: runs.length, wall}"

// compareLeNet compares the browser's LeNet run with the native one.
func compareLeNet(t *testing.T, b lenetRun, native *milestone.Result) {
	t.Helper()
	if len(b.StepLoss) != len(native.StepLoss) || len(b.ValAccuracy) != len(native.EpochAccuracy) {
		t.Fatalf("the browser ran %d steps and %d epochs, natively %d and %d", len(b.StepLoss), len(b.ValAccuracy), len(native.StepLoss), len(native.EpochAccuracy))
	}
	worst, at := maxRelDiff(b.StepLoss, native.StepLoss)
	fmt.Printf("%s (quick): test accuracy per epoch %v in the browser (%d stretch(es), %.1f s), %v natively; largest relative step-loss difference %.2e at step %d\n",
		lenetSlug, b.ValAccuracy, b.Stretches, b.Wall, native.EpochAccuracy, worst, at+1)
	if worst > stepLossTol {
		t.Errorf("step %d: loss %.9g in the browser, %.9g natively (%.2e relative, want ≤ %.0e)", at+1, b.StepLoss[at], native.StepLoss[at], worst, stepLossTol)
	}
	for e := range native.EpochAccuracy {
		if math.Abs(b.ValAccuracy[e]-native.EpochAccuracy[e]) > 0.002 { // 2 of the 1,000 test images
			t.Errorf("epoch %d: test accuracy %.4f in the browser, %.4f natively", e+1, b.ValAccuracy[e], native.EpochAccuracy[e])
		}
	}
}

// checkMilestoneLeNetQuick: the notebook's short setting (?quick=1) gives
// the native run's curve.
func checkMilestoneLeNetQuick(t *testing.T, ctx context.Context) {
	checkReproduced(t, ctx)
	var b lenetRun
	readScope(t, ctx, lenetRunExpr, &b)
	compareLeNet(t, b, nativeLeNetQuick(t))
}

// TestMilestoneLeNetStopResume stops the LeNet notebook's training (its
// short setting) after a few steps with ■ Stop, continues it with the
// notebook's next cell, and checks that the two stretches make the run
// the native one, step for step, and that the verdict passes. A step that
// takes over two seconds on a loaded machine makes Stop restart the kernel
// (the page's stopGrace): then the test tries again, up to three times.
func TestMilestoneLeNetStopResume(t *testing.T) {
	if fashionDir() == "" {
		t.Skip("Fashion-MNIST is not installed")
	}
	t.Parallel()
	for try := 1; try <= 3; try++ {
		ctx := newTabWithin(t, 3*time.Minute)
		openNotebookQuery(t, ctx, lenetSlug, "?quick=1")
		if stopLeNet(t, ctx) {
			fmt.Printf("%s: Stop restarted the kernel (a step took over two seconds); try %d of 3\n", lenetSlug, try)
			continue
		}
		for n := 5; n <= 7; n++ { // continue, result, verdict
			if state, out := runCellWithin(t, ctx, n, time.Minute); state != "done" {
				t.Fatalf("cell %d: %s %.300q", n, state, out)
			}
		}
		var b lenetRun
		readScope(t, ctx, lenetRunExpr, &b)
		if b.Stretches != 2 {
			t.Errorf("%d stretches of training, want 2 (stopped, then continued)", b.Stretches)
		}
		compareLeNet(t, b, nativeLeNetQuick(t))
		return
	}
	t.Fatal("Stop restarted the kernel three times: no step ended within a second")
}

// stopLeNet runs the LeNet notebook's cells up to its training and stops
// the training a few steps in; it reports whether the kernel was
// restarted rather than the cell stopped.
func stopLeNet(t *testing.T, ctx context.Context) (restarted bool) {
	t.Helper()
	for n := 1; n <= 3; n++ { // settings, data, model
		if state, out := runCellWithin(t, ctx, n, time.Minute); state != "done" {
			t.Fatalf("cell %d: %s %.300q", n, state, out)
		}
	}
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-4 .cell-bar button"))); err != nil {
		t.Fatal(err)
	}
	// A few steps in: the progress bar of the training counts steps.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(document.querySelector("#cell-4 progress")?.value ?? 0) >= 3`,
		chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("the training did not start: %v", err)
	}
	clickAction(t, ctx, "■ Stop")
	waitFor(t, ctx, fmt.Sprintf(`#cell-4[data-count="%d"][data-state="error"]`, next), 30*time.Second)
	return strings.Contains(eval[string](t, ctx, "document.body.innerText"), "the kernel was restarted")
}

// runCellWithin is runCell with a time limit of its own.
func runCellWithin(t *testing.T, ctx context.Context, n int, limit time.Duration) (state, output string) {
	t.Helper()
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#cell-%d .cell-bar button", n)))); err != nil {
		t.Fatalf("running cell %d: %v", n, err)
	}
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d[data-count="%d"]:is([data-state="done"], [data-state="error"])`, n, next), limit)
	return cellResult(t, ctx, n)
}

// TestMilestoneReproducedInChapterList runs the perceptron milestone's
// cells, which takes a second, and checks that the chapter list then
// marks it reproduced. (Other tests only ever mark it too, so the check
// holds whatever runs beside it.)
func TestMilestoneReproducedInChapterList(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, perceptronSlug)
	runAllToTheEnd(t, ctx)
	checkReproduced(t, ctx)
	waitFor(t, ctx, `html[data-saved="true"]`, 10*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady(chromedp.CSS(`html[data-progress="shown"]`))); err != nil {
		t.Fatal(err)
	}
	got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('li[data-notebook=%q] .milestone-progress').textContent`, perceptronSlug))
	if got != "✓ reproduced" {
		t.Errorf("the chapter list says %q for %s, want ✓ reproduced", got, perceptronSlug)
	}
	// Every milestone notebook is listed as one; a chapter is not.
	milestones := eval[[]string](t, ctx, `[...document.querySelectorAll("li[data-milestone]")].map((li) => li.dataset.notebook)`)
	for _, slug := range []string{perceptronSlug, xorSlug, milestoneSlug, lenetSlug, attentionSlug} {
		if !slices.Contains(milestones, slug) {
			t.Errorf("the chapter list does not mark %s as a milestone (it marks %v)", slug, milestones)
		}
	}
	if slices.Contains(milestones, "03-mlp") {
		t.Errorf("the chapter list marks the chapter 03-mlp as a milestone")
	}
}

// TestExercisesLoad: tt.exercises.load runs the code a notebook's record
// keeps for a passed exercise (here a record this test writes in its
// tab's own storage), and resolves to null for one that did not pass.
func TestExercisesLoad(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	key := fmt.Sprintf("zz-load-%d", time.Now().UnixNano())
	eval[bool](t, ctx, fmt.Sprintf(`tinytorch.storage.save("notebook:%s", {savedAt: Date.now(), exercises: {
		mine: {passed: true, code: "class Zed { static answer() { return 42; } }"},
		notyet: {passed: false, code: "class Nope {}"}}}).then(() => true)`, key))
	state, out := lastOutput(t, ctx, 1, fmt.Sprintf(`const a = await tt.exercises.load(%q, "mine");
const b = await tt.exercises.load(%q, "notyet");
const c = await tt.exercises.load("no-such-notebook", "mine");
JSON.stringify([a, b, c, Zed.answer(), typeof Nope])`, key, key))
	want := fmt.Sprintf(`["your code of exercise \"mine\" (%s), which passed its check, is defined here",null,null,42,"undefined"]`, key)
	if state != "done" || out != want {
		t.Errorf("tt.exercises.load: state %q, output %s; want %s", state, out, want)
	}
	eval[bool](t, ctx, fmt.Sprintf(`tinytorch.storage.remove("notebook:%s").then(() => true)`, key))
	if state, out := runCode(t, ctx, 1, `tt.exercises.load(3)`); state != "error" || !strings.Contains(out, "tt.exercises.load") {
		t.Errorf("tt.exercises.load(3): state %q, output %q; want an error naming tt.exercises.load", state, out)
	}
}

// TestBenchMilestones (make bench, TT_BENCH_BROWSER set) runs every
// milestone notebook in full in Chromium, one after the other, and writes
// the wall time of each Run all and its final line to milestones.json;
// tools/benchref runs the same milestones natively and prints both. The
// attention run is also compared with the same run natively, step for
// step (checkAttentionRun), as the suite does for its short run.
func TestBenchMilestones(t *testing.T) {
	if os.Getenv("TT_BENCH_BROWSER") == "" {
		t.Skip("a benchmark: set TT_BENCH_BROWSER=1 (make bench)")
	}
	var out benchjson.Milestones
	for _, slug := range []string{perceptronSlug, xorSlug, milestoneSlug, lenetSlug, attentionSlug} {
		if slug == lenetSlug && fashionDir() == "" {
			continue
		}
		ctx := newTabWithin(t, 20*time.Minute)
		openNotebook(t, ctx, slug)
		start := time.Now()
		runAllToTheEnd(t, ctx)
		wall := time.Since(start)
		verdict := eval[string](t, ctx, `(() => { const h = document.getElementById("verdict"); let s = h && h.nextElementSibling;
			while (s && !s.matches("section.cell")) s = s.nextElementSibling;
			return s ? s.dataset.state + ": " + s.querySelector(".cell-output").innerText.trim() : "no verdict"; })()`)
		fmt.Printf("%s in Chromium: Run all took %.1f s; verdict %s\n", slug, wall.Seconds(), verdict)
		if slug == attentionSlug {
			checkAttentionRun(t, ctx, milestone.AttentionSteps, milestone.AttentionTarget)
		}
		if !strings.HasPrefix(verdict, "done") {
			t.Errorf("%s: the verdict cell did not pass: %s", slug, verdict)
		}
		out.Runs = append(out.Runs, benchjson.MilestoneRun{Notebook: slug, Ms: float64(wall.Milliseconds()), Verdict: verdict,
			UA: eval[string](t, ctx, "navigator.userAgent")})
	}
	benchJSON(t, "milestones", out)
}

// TestExercisePassKeepsCode: a passing check keeps the student's code in
// the notebook's record, a failing one drops it, and another notebook
// runs the kept code with tt.exercises.load.
func TestExercisePassKeepsCode(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, fixtureSlug)
	solution := "function double(x) {\n  return x + x;\n}"
	typeIntoCell(t, ctx, 2, solution)
	pressExercise(t, ctx, "double", "check")
	if s := waitCheck(t, ctx, "double"); s != "passed" {
		t.Fatalf("double with a correct solution: %s, want passed", s)
	}
	kept := func() string {
		t.Helper()
		waitFor(t, ctx, `html[data-saved="true"]`, 10*time.Second)
		time.Sleep(500 * time.Millisecond) // the save after the check's (300 ms)
		return eval[string](t, ctx, fmt.Sprintf(`tinytorch.storage.load("notebook:%s").then((r) => r.exercises.double.code ?? "")`, fixtureSlug))
	}
	if got := kept(); got != solution {
		t.Errorf("the record keeps %q for double, want the code that passed, %q", got, solution)
	}
	openNotebook(t, ctx, "01-system") // the same browser context: the same storage
	state, out := lastOutput(t, ctx, 1, fmt.Sprintf(`const note = await tt.exercises.load(%q, "double");
note + "; double(21) = " + double(21)`, fixtureSlug))
	if want := `your code of exercise "double" (exercises-fixture), which passed its check, is defined here; double(21) = 42`; state != "done" || out != want {
		t.Errorf("tt.exercises.load in another notebook: state %q, %q; want %q", state, out, want)
	}
	openNotebook(t, ctx, fixtureSlug)
	typeIntoCell(t, ctx, 2, "function double(x) {\n  return x;\n}")
	pressExercise(t, ctx, "double", "check")
	if s := waitCheck(t, ctx, "double"); s != "failed" {
		t.Fatalf("double with a wrong solution: %s, want failed", s)
	}
	if got := kept(); got != "" {
		t.Errorf("after a failed check the record still keeps %q", got)
	}
}

// solutionOf is the published solution of exercise id of a notebook.
func solutionOf(t *testing.T, slug, id string) string {
	t.Helper()
	for _, nb := range built.Notebooks {
		if nb.Slug != slug {
			continue
		}
		for _, b := range nb.Blocks {
			if b.Exercise != nil && b.Exercise.ID == id {
				return b.Exercise.Solution
			}
		}
	}
	t.Fatalf("%s has no exercise %s", slug, id)
	return ""
}

// TestMilestoneXORStudentComponents: with chapter 3's LinearFn and
// chapter 8's Momentum passed (their records written here with the
// published solutions, as the page keeps them), the XOR milestone's last
// cell trains on them and gets the four points right.
func TestMilestoneXORStudentComponents(t *testing.T) {
	t.Parallel()
	ctx := newTabWithin(t, 2*time.Minute)
	openNotebook(t, ctx, xorSlug)
	for _, ex := range [][2]string{{"03-mlp", "linear-fn"}, {"08-training", "momentum"}} {
		code, _ := json.Marshal(solutionOf(t, ex[0], ex[1]))
		eval[bool](t, ctx, fmt.Sprintf(`tinytorch.storage.save("notebook:%s", {savedAt: Date.now(), exercises: {%q: {passed: true, code: %s}}}).then(() => true)`,
			ex[0], ex[1], code))
	}
	runAllToTheEnd(t, ctx)
	_, out := cellResult(t, ctx, lastCell(t, ctx))
	for _, want := range []string{`your code of exercise "linear-fn" (03-mlp)`, `your code of exercise "momentum" (08-training)`,
		"4 of 4 right", "with your LinearFn and your Momentum"} {
		if !strings.Contains(out, want) {
			t.Errorf("the Build it yourself cell's output lacks %q:\n%s", want, out)
		}
	}
}
