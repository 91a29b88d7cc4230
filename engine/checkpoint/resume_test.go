package checkpoint

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// run is one training setup of the resume tests: how to build the model,
// its optimizer and scheduler, and the data.
type run struct {
	name     string
	model    func() nn.Module
	data     func() *data.DataLoader
	opt      func(params []*tensor.Tensor) optim.Optimizer
	sched    func(o optim.Optimizer) optim.Scheduler // nil: none
	perBatch bool
	val      bool // evaluate on a validation loader after each epoch
	epochs   int
	stop     int // the step after which the first run is stopped
}

// mlp is a small MLP with Dropout (so the random generator matters).
func mlp() nn.Module {
	return nn.NewSequential(must(nn.NewLinear(2, 16, true)), nn.NewReLU(), must(nn.NewDropout(0.2)),
		must(nn.NewLinear(16, 2, true)))
}

// cnn is a small CNN with BatchNorm (so buffers matter) on 1×8×8 images.
func cnn() nn.Module {
	return nn.NewSequential(
		must(nn.NewConv2d(1, 4, 3, nn.ConvOptions{Padding: 1})), must(nn.NewBatchNorm2d(4, nn.NormOptions{})), nn.NewReLU(),
		must(nn.NewMaxPool2d(2, nn.PoolOptions{})), nn.NewFlatten(), must(nn.NewLinear(4*4*4, 3, true)))
}

// spirals is a shuffled loader of 96 2-D points in batches of 10 (the
// last batch short).
func spirals() *data.DataLoader {
	ds := must(data.Spirals(96, 0.1, 3))
	return must(data.NewDataLoader(ds, 10, true, 11))
}

// images is a shuffled loader of 60 random 1×8×8 images of 3 classes.
func images() *data.DataLoader {
	g := tensor.NewGenerator(5)
	x := make([]float32, 60*64)
	y := make([]float32, 60)
	for i := range y {
		y[i] = float32(g.Intn(3))
		for j := range 64 {
			x[i*64+j] = g.Float32() + 0.3*y[i]*float32(j%3)
		}
	}
	ds := must(data.NewTensorDataset(must(tensor.New(x, 60, 1, 8, 8)), must(tensor.New(y, 60))))
	return must(data.NewDataLoader(ds, 8, true, 2))
}

func sgdMomentum(p []*tensor.Tensor) optim.Optimizer {
	return must(optim.NewSGD(p, optim.SGDOptions{LR: 0.05, Momentum: 0.9}))
}

func adam(p []*tensor.Tensor) optim.Optimizer {
	return must(optim.NewAdam(p, optim.AdamOptions{LR: 0.01}))
}

var runs = []run{
	{name: "MLP, SGD momentum, StepLR, stopped mid-epoch", model: mlp, data: spirals, opt: sgdMomentum,
		sched: func(o optim.Optimizer) optim.Scheduler { return must(optim.NewStepLR(o, 1, 0.7)) }, val: true, epochs: 3, stop: 13},
	{name: "MLP, Adam, OneCycle per batch, stopped mid-epoch", model: mlp, data: spirals, opt: adam,
		sched: func(o optim.Optimizer) optim.Scheduler {
			return must(optim.NewOneCycleLR(o, optim.OneCycleOptions{MaxLR: 0.05, TotalSteps: 30}))
		}, perBatch: true, epochs: 3, stop: 17},
	{name: "MLP, Adam, stopped at an epoch's end", model: mlp, data: spirals, opt: adam, epochs: 3, stop: 10},
	{name: "CNN, SGD momentum, cosine, stopped mid-epoch", model: cnn, data: images, opt: sgdMomentum,
		sched: func(o optim.Optimizer) optim.Scheduler { return must(optim.NewCosineAnnealingLR(o, 3, 0)) }, val: true, epochs: 2, stop: 5},
	{name: "CNN, Adam, stopped mid-epoch", model: cnn, data: images, opt: adam, epochs: 2, stop: 11},
}

// trainer builds the run's trainer after seeding the default generator.
func (r run) trainer(seed uint64) (*train.Trainer, *data.DataLoader) {
	tensor.ManualSeed(seed)
	m := r.model()
	o := r.opt(m.ParamTensors())
	tr := &train.Trainer{Model: m, Optimizer: o, Loss: loss.CrossEntropy{}, Metrics: []train.Metric{train.Accuracy{}}, SchedulePerBatch: r.perBatch}
	if r.sched != nil {
		tr.Scheduler = r.sched(o)
	}
	return tr, r.data()
}

// valData is the validation loader of a run, or nil.
func (r run) valData() data.Loader {
	if !r.val {
		return nil
	}
	l := r.data()
	l.Shuffle = false
	return l
}

// TestResumeIsBitIdentical trains each setup without a stop, then again
// stopped after a few steps, saved, loaded into a fresh trainer (built
// from another seed, with the default generator moved on) and
// continued: every step's loss, every epoch's metrics and the final
// weights must be the same bits, with 1 and with 2 threads.
func TestResumeIsBitIdentical(t *testing.T) {
	for _, threads := range []int{1, 2} {
		for _, r := range runs {
			t.Run(r.name+", threads "+string(rune('0'+threads)), func(t *testing.T) {
				defer kernels.SetThreads(kernels.SetThreads(threads))
				checkResume(t, r)
			})
		}
	}
}

func checkResume(t *testing.T, r run) {
	ctx := context.Background()
	whole, loader := r.trainer(42)
	// The uninterrupted run also saves a checkpoint from a callback after
	// step r.stop, as a CLI saving every N steps would.
	fromCallback := filepath.Join(t.TempDir(), "callback.safetensors")
	whole.Callbacks = []train.Callback{train.CallbackFuncs{BatchEnd: func(p *train.Progress) error {
		if p.Step != r.stop {
			return nil
		}
		return SaveTraining(fromCallback, whole, loader, nil)
	}}}
	want, err := whole.Fit(ctx, loader, r.valData(), r.epochs)
	if err != nil {
		t.Fatal(err)
	}

	first, loader := r.trainer(42)
	first.ShouldStop = func() bool { return first.Position().Step >= r.stop }
	before, err := first.Fit(ctx, loader, r.valData(), r.epochs)
	if !errors.Is(err, train.ErrStopped) {
		t.Fatalf("the first run ended with %v, want a stop after step %d", err, r.stop)
	}
	path := filepath.Join(t.TempDir(), "run.safetensors")
	if err := SaveTraining(path, first, loader, map[string]string{"note": "test"}); err != nil {
		t.Fatal(err)
	}

	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if pos, err := TrainingPosition(f); err != nil || !reflect.DeepEqual(pos, first.Position()) || f.Metadata["note"] != "test" {
		t.Errorf("the file's position %+v (%v) and note %q, want %+v and %q", pos, err, f.Metadata["note"], first.Position(), "test")
	}

	resumed, loader := r.trainer(7) // other initial weights
	tensor.ManualSeed(99)           // and another random stream
	if err := LoadTraining(path, resumed, loader); err != nil {
		t.Fatal(err)
	}
	after, err := resumed.Fit(ctx, loader, r.valData(), r.epochs)
	if err != nil {
		t.Fatal(err)
	}

	compareSteps(t, r, want, append(before.StepLoss, after.StepLoss...))
	compareEpochs(t, want, after)
	compareWeights(t, whole.Model, resumed.Model)

	resumed, loader = r.trainer(8)
	if err := LoadTraining(fromCallback, resumed, loader); err != nil {
		t.Fatal(err)
	}
	after, err = resumed.Fit(ctx, loader, r.valData(), r.epochs)
	if err != nil {
		t.Fatal(err)
	}
	compareSteps(t, r, want, append(want.StepLoss[:r.stop:r.stop], after.StepLoss...))
	compareEpochs(t, want, after)
	compareWeights(t, whole.Model, resumed.Model)
}

// compareSteps checks every step's loss against the uninterrupted run.
func compareSteps(t *testing.T, r run, want *train.History, got []float64) {
	t.Helper()
	if len(got) != len(want.StepLoss) {
		t.Fatalf("%d steps, want %d", len(got), len(want.StepLoss))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want.StepLoss[i]) {
			t.Fatalf("step %d (stopped after %d): loss %v, uninterrupted %v", i+1, r.stop, got[i], want.StepLoss[i])
		}
	}
}

// compareEpochs checks the resumed run's epochs against the last ones of
// the uninterrupted run, metric by metric.
func compareEpochs(t *testing.T, want, got *train.History) {
	t.Helper()
	for _, name := range want.Names {
		w, g := want.Epochs[name], got.Epochs[name]
		if len(g) == 0 || len(g) > len(w) {
			t.Errorf("%s: %d resumed epochs, %d in all", name, len(g), len(w))
			continue
		}
		w = w[len(w)-len(g):]
		for i := range g {
			if math.Float64bits(g[i]) != math.Float64bits(w[i]) {
				t.Errorf("%s of epoch %d: resumed %v, uninterrupted %v", name, len(want.Epochs[name])-len(g)+i+1, g[i], w[i])
			}
		}
	}
}

// compareWeights checks two models' parameters and buffers bit for bit.
func compareWeights(t *testing.T, want, got nn.Module) {
	t.Helper()
	w, g := want.StateDict(), got.StateDict()
	for i := range w {
		a, b := w[i].Tensor.Data(), g[i].Tensor.Data()
		for j := range a {
			if math.Float32bits(a[j]) != math.Float32bits(b[j]) {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", w[i].Name, j, b[j], a[j])
			}
		}
	}
}

// must unwraps a result in a test; an error here is a broken test setup.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
