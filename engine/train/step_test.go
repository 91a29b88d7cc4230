package train

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Step does what Fit does for one batch: two Steps on the two batches
// leave the same parameters and give the same losses as one epoch of Fit
// from the same start, and a Fit after them numbers its steps on.
func TestStepMatchesFit(t *testing.T) {
	fitted, data := regression(0.1)
	hist := must(fitted.Fit(context.Background(), data, nil, 1))
	stepped, _ := regression(0.1)
	var losses []float64
	for _, b := range data {
		losses = append(losses, must(stepped.Step(b)))
	}
	if !slices.Equal(losses, hist.StepLoss) {
		t.Errorf("Step losses %v, Fit's %v", losses, hist.StepLoss)
	}
	if got, want := values(stepped.Model.Parameters()), values(fitted.Model.Parameters()); !slices.Equal(got, want) {
		t.Errorf("parameters after two Steps %v, after Fit %v", got, want)
	}
	var steps []int
	stepped.Callbacks = []Callback{CallbackFuncs{BatchEnd: func(p *Progress) error { steps = append(steps, p.Step); return nil }}}
	must(stepped.Fit(context.Background(), data, nil, 1))
	if !slices.Equal(steps, []int{3, 4}) {
		t.Errorf("a Fit after two Steps numbered its steps %v, want [3 4]", steps)
	}
}

// A diverging Step is refused like a diverging batch of Fit: the error
// names the step (and no epoch), and the parameters stay as they were.
func TestStepDiverges(t *testing.T) {
	tr, data := regression(1e40)
	before := values(tr.Model.Parameters())
	_, err := tr.Step(data[0])
	var div *DivergedError
	if !errors.As(err, &div) || div.Step != 1 {
		t.Fatalf("error %v, want a DivergedError at step 1", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "at step 1;") || strings.Contains(msg, "epoch") {
		t.Errorf("error %q: want the step named without an epoch", msg)
	}
	if now := values(tr.Model.Parameters()); !slices.Equal(now, before) {
		t.Errorf("parameters %v after the refused step, want %v", now, before)
	}
}

// Step refuses an incomplete Trainer or batch with an error, not a panic.
func TestStepRefusesMissingParts(t *testing.T) {
	tr, data := regression(0.1)
	tr.Loss = nil
	if _, err := tr.Step(data[0]); err == nil || !strings.Contains(err.Error(), "needs a Model, an Optimizer and a Loss") {
		t.Errorf("Step without a loss: %v", err)
	}
	tr, data = regression(0.1)
	noTargets := data[0]
	noTargets.Y = nil
	if _, err := tr.Step(noTargets); err == nil || !strings.Contains(err.Error(), "targets Y") {
		t.Errorf("Step without targets: %v", err)
	}
}
