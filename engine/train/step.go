package train

import (
	"context"
	"errors"

	"tinytorch/engine/data"
)

// Step runs one training step on the batch b, exactly as Fit runs each
// batch: zero the gradients, forward, loss, backward, clip (if
// ClipGradNorm is set), optimizer step and, with SchedulePerBatch, the
// scheduler, under the same divergence guard (a NaN or infinite loss,
// gradient or updated parameter returns a DivergedError and the model
// keeps its parameters from before the step). It returns the batch's
// loss. The model is left in training mode.
//
// Step is for a caller that drives the loop itself, one batch at a time:
// `tinytorch profile` times single steps with it. Callbacks, metrics and
// ShouldStop belong to Fit and are not used here; the step count is
// shared with Fit, so a Fit after some Steps numbers its steps on.
func (t *Trainer) Step(b data.Batch) (float64, error) {
	if t.Model == nil || t.Optimizer == nil || t.Loss == nil {
		return 0, errors.New("train: Trainer needs a Model, an Optimizer and a Loss")
	}
	if b.X == nil || b.Y == nil {
		return 0, errors.New("train: Step needs a batch with inputs X and targets Y")
	}
	t.Model.Train(true)
	t.guard = guardFor(t.guard, t.Model)
	r := &run{t: t, ctx: context.Background(), guard: t.guard}
	// A step outside Fit has no epoch or batch number: Progress's zeros
	// tell DivergedError to name only the step.
	return r.trainStep(b, newAccumulator(nil), &Progress{})
}
