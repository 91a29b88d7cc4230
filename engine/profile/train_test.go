package profile

import (
	"context"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// The Trainer knows nothing of the profiler: Run installs a
// train.PhaseObserver, so the optimizer step of every training step is in
// PhaseOptimizer (one update_ per parameter, as in TestTrainingStepCounts'
// hand-written step), and Run restores the hook when it returns.
func TestTrainerOptimizerPhase(t *testing.T) {
	tensor.ManualSeed(3)
	model := nn.NewSequential(must(nn.NewLinear(4, 8, true)), nn.NewReLU(), must(nn.NewLinear(8, 3, true)))
	x, y := must(tensor.Randn(5, 4)), must(tensor.Randint(0, 3, 5))
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.1}))
	tr := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
	const steps = 2
	r, err := Run(func() error {
		_, err := tr.Fit(context.Background(), data.Batches{{X: x, Y: y}}, nil, steps)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]int{}
	for _, ph := range r.Phases() {
		calls[ph.Phase] = ph.Calls
	}
	if got, want := calls[PhaseOptimizer], steps*4; got != want {
		t.Errorf("%d events in the optimizer phase, want %d (one update_ per parameter and step); phases %v", got, want, calls)
	}
	for _, e := range r.Events {
		if e.Op == "update_" && e.Phase != PhaseOptimizer {
			t.Errorf("update_ of %v in phase %q, want %q", e.Shapes, e.Phase, PhaseOptimizer)
		}
	}
	if prev := train.SetPhaseObserver(nil); prev != nil {
		t.Errorf("after Run the Trainer still reports to %T", prev)
	}
}
