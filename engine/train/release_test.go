package train

import (
	"context"
	"runtime"
	"slices"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// A training step gives its activations back to the buffer pool when it
// ends (tensor.BeginStep). These tests check that the steps then reuse
// them, that the training is bit for bit the same as a loop that frees
// nothing, and that what a user's module keeps is never given back.

// Widths large enough for the pool: a batch of 64 by 256 hidden units.
const (
	releaseBatch  = 64
	releaseIn     = 32
	releaseHidden = 256
	releaseOut    = 10
)

// classification returns 8 random batches of inputs and class targets.
func classification() data.Batches {
	tensor.ManualSeed(11)
	var batches data.Batches
	for range 8 {
		x := must(tensor.Randn(releaseBatch, releaseIn))
		y := must(tensor.Randint(0, releaseOut, releaseBatch))
		batches = append(batches, data.Batch{X: x, Y: y})
	}
	return batches
}

// mlp returns a trainer of a two-layer perceptron whose hidden layer is
// wrapped by wrap (nil: none), seeded so that every call starts alike.
func mlp(wrap func(nn.Module) nn.Module) *Trainer {
	tensor.ManualSeed(12)
	var hidden nn.Module = nn.NewReLU()
	if wrap != nil {
		hidden = wrap(hidden)
	}
	model := nn.NewSequential(must(nn.NewLinear(releaseIn, releaseHidden, true)), hidden, must(nn.NewLinear(releaseHidden, releaseOut, true)))
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.05, Momentum: 0.9}))
	return &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
}

// TestStepsReuseTheirActivations measures the memory that Go allocates
// per step once training runs, with Fit and with a loop of the same steps
// that has no step scope (loop): Fit's steps take their three hidden
// activations (64 KiB each: the product, plus the bias, the ReLU) from
// the pool, so each allocates at least two activations' worth less.
func TestStepsReuseTheirActivations(t *testing.T) {
	batches := classification()
	perStep := func(train func()) uint64 {
		train() // the pool fills up
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		train()
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / uint64(len(batches))
	}
	fitted, looped := mlp(nil), mlp(nil)
	fit := perStep(func() { must(fitted.Fit(context.Background(), batches, nil, 1)) })
	loop := perStep(func() { loop(t, looped, batches, 1) })
	if activation := uint64(4 * releaseBatch * releaseHidden); fit+2*activation > loop {
		t.Errorf("a step of Fit allocated %d bytes, of the loop %d: want at least two activations (%d bytes) less with Fit", fit, loop, 2*activation)
	}
}

// loop trains tr on the batches for the given epochs as Fit would, but
// without step scopes, and returns the losses.
func loop(t *testing.T, tr *Trainer, batches data.Batches, epochs int) []float64 {
	var losses []float64
	for range epochs {
		for _, b := range batches {
			tr.Optimizer.ZeroGrad()
			l := must(tr.Loss.Forward(must(nn.Call(tr.Model, b.X)), b.Y))
			losses = append(losses, float64(must(l.Item())))
			if err := l.Backward(); err != nil {
				t.Fatal(err)
			}
			if err := tr.Optimizer.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return losses
}

// TestFitMatchesALoopThatFreesNothing trains the same model with Fit and
// with a loop of its own, which has no step scope: the losses and the
// parameters are the same bits.
func TestFitMatchesALoopThatFreesNothing(t *testing.T) {
	batches := classification()
	fitted := mlp(nil)
	hist := must(fitted.Fit(context.Background(), batches, nil, 3))
	looped := mlp(nil)
	losses := loop(t, looped, batches, 3)
	if !slices.Equal(hist.StepLoss, losses) {
		t.Errorf("Fit's losses %v, the loop's %v", hist.StepLoss, losses)
	}
	if got, want := values(fitted.Model.Parameters()), values(looped.Model.Parameters()); !slices.Equal(got, want) {
		t.Error("Fit's parameters differ from the loop's")
	}
}

// keeper is a user's module: it runs its inner module and keeps its
// input, an intermediate tensor and its output, from the first step and
// from the last, with copies of their values when they were made.
type keeper struct {
	nn.ModuleBase
	inner        nn.Module
	first, last  []*tensor.Tensor
	firstValues  [][]float32
	lastValues   [][]float32
	forwardCalls int
}

// Forward runs the inner module on x and keeps x, the inner output and
// the output it returns.
func (k *keeper) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	h, err := nn.Call(k.inner, x)
	if err != nil {
		return nil, err
	}
	y := must(h.Mul(h))
	kept := []*tensor.Tensor{x, h, y}
	var copies [][]float32
	for _, t := range kept {
		copies = append(copies, t.Data())
	}
	if k.forwardCalls == 0 {
		k.first, k.firstValues = kept, copies
	}
	k.last, k.lastValues = kept, copies
	k.forwardCalls++
	return y, nil
}

// TestUserModuleKeepsItsTensors trains a model whose hidden layer is a
// user's module that keeps its input (an output of the engine's Linear),
// a tensor it computes and its output: none of them is given back to the
// pool, so after training they still hold the values they had.
func TestUserModuleKeepsItsTensors(t *testing.T) {
	k := &keeper{}
	tr := mlp(func(inner nn.Module) nn.Module {
		k.inner = inner
		k.Init(k, "Keeper")
		k.AddChild("inner", inner)
		return k
	})
	must(tr.Fit(context.Background(), classification(), nil, 2))
	names := []string{"input", "inner output", "output"}
	for _, kept := range []struct {
		when    string
		tensors []*tensor.Tensor
		values  [][]float32
	}{{"first", k.first, k.firstValues}, {"last", k.last, k.lastValues}} {
		for i, tt := range kept.tensors {
			if got := tt.Data(); !slices.Equal(got, kept.values[i]) {
				t.Errorf("the %s step's %s changed after the step", kept.when, names[i])
			}
		}
	}
}
