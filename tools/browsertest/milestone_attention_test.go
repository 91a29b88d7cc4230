//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"tinytorch/internal/milestone"
)

// The 2017 milestone in the browser (notebooks/m4-attention-2017.md)
// against the same run natively (internal/milestone.TrainAttention).
//
// TestNotebooks runs the notebook short: attentionShort replaces its
// run-length cell, "const steps = 1500, target = 1.90", with
// milestone.AttentionShortSteps steps judged against
// milestone.AttentionShortTarget, so the verdict cell still asserts a
// target, and checkMilestoneAttention compares every step's loss with the
// same short run natively. make bench (TestBenchMilestones) runs the
// notebook as it is, in full, and prints its time in Chromium beside the
// native one.

const attentionSlug = "m4-attention-2017"

// attentionRunLength is the start of the notebook's run-length cell.
const attentionRunLength = "const steps = 1500, target = 1.90;"

// attentionShort puts the short run into the run-length cell.
func attentionShort(t *testing.T, ctx context.Context) {
	n := eval[int](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("section.cell")].findIndex((c) => c.innerText.includes(%q)) + 1`, attentionRunLength))
	if n == 0 {
		t.Fatalf("no cell of %s holds %q", attentionSlug, attentionRunLength)
	}
	typeIntoCell(t, ctx, n, fmt.Sprintf("const steps = %d, target = %.2f;", milestone.AttentionShortSteps, milestone.AttentionShortTarget))
}

// checkMilestoneAttention checks the short run: the validation loss the
// training cell printed is within the short target (the verdict cell,
// which every cell's "done" state already covers, asserts it too), a
// sample was written, and the browser's step losses, validation losses
// and accuracies are the native run's.
func checkMilestoneAttention(t *testing.T, ctx context.Context) {
	checkAttentionRun(t, ctx, milestone.AttentionShortSteps, milestone.AttentionShortTarget)
}

// checkAttentionRun compares the notebook's run of steps steps with the
// same run natively and returns nothing; it prints both speeds.
func checkAttentionRun(t *testing.T, ctx context.Context, steps int, target float64) {
	text := eval[string](t, ctx, `[...document.querySelectorAll(".cell-output")].map((o) => o.innerText).join("\n")`)
	i := strings.Index(text, "validation loss ")
	if i < 0 {
		t.Fatal("no cell printed the validation loss")
	}
	line := text[i:]
	fmt.Println(indent(firstLines(line, 3)))
	if v, err := strconv.ParseFloat(strings.Fields(line)[2], 64); err != nil || v > target {
		t.Errorf("%q: want a validation loss ≤ %.2f", firstLines(line, 1), target)
	}
	if !strings.Contains(text, "MENENIUS:\n") {
		t.Error("no cell shows a sample starting with the prompt MENENIUS:")
	}
	b := readRun(t, ctx, eval[int](t, ctx, `document.querySelectorAll("section.cell").length`))
	native := nativeAttention(t, steps)
	fmt.Printf("browser: %.0f windows/s (kernel %s), wall %.1f s; native: %.0f windows/s, wall %.1f s\n",
		b.SamplesPerS, b.Kernel, b.Wall, native.SamplesPerSec, native.Wall.Seconds())
	if worst := compareCurves(t, b, native); worst > attentionLossTol {
		t.Errorf("the browser's step losses differ from the native ones by up to %.2e relative, want ≤ %.0e", worst, attentionLossTol)
	}
	for e := range native.EpochTestLoss {
		if d := relDiff(b.ValLoss[e], native.EpochTestLoss[e]); d > attentionLossTol {
			t.Errorf("after %d steps: validation loss %.9g in the browser, %.9g natively", (e+1)*milestone.AttentionEvalEvery, b.ValLoss[e], native.EpochTestLoss[e])
		}
	}
}

// attentionLossTol bounds the relative difference of the browser's and
// the native losses, as stepLossTol does for the 1986 milestone.
const attentionLossTol = 1e-5

// nativeAttention runs the milestone natively in this process.
func nativeAttention(t *testing.T, steps int) *milestone.Result {
	t.Helper()
	nativeTraining.Lock() // runs_test.go: one native run at a time
	defer nativeTraining.Unlock()
	r, _, err := milestone.TrainAttention(steps, milestone.Config{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%s natively, %d steps:\n%s\n", attentionSlug, steps, r)
	return r
}
