package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// regression is a tiny linear-regression setup: y = 2x + 1 on 8 points in
// two batches, a Linear(1, 1) model and SGD.
func regression(lr float64) (*Trainer, data.Batches) {
	tensor.ManualSeed(4)
	var xs, ys []float32
	for i := range 8 {
		x := float32(i)/4 - 1
		xs, ys = append(xs, x), append(ys, 2*x+1)
	}
	batches := data.Batches{
		{X: tensorOf(xs[:4], 4, 1), Y: tensorOf(ys[:4], 4, 1)},
		{X: tensorOf(xs[4:], 4, 1), Y: tensorOf(ys[4:], 4, 1)},
	}
	model := nn.NewSequential(must(nn.NewLinear(1, 1, true)))
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: lr}))
	return &Trainer{Model: model, Optimizer: opt, Loss: loss.MSE{}}, batches
}

func TestFitRecordsHistoryAndCallbacks(t *testing.T) {
	tr, batches := regression(0.1)
	var steps, epochs []int
	tr.Callbacks = []Callback{CallbackFuncs{
		BatchEnd: func(p *Progress) error { steps = append(steps, p.Step); return nil },
		EpochEnd: func(p *Progress) error {
			epochs = append(epochs, p.Epoch)
			if p.Batches != 2 || p.Epochs != 3 || p.SamplesPerSec <= 0 || p.Metrics["val_loss"] == 0 {
				t.Errorf("epoch progress %+v", p)
			}
			return nil
		},
	}}
	hist := must(tr.Fit(context.Background(), batches, batches, 3))
	if !slices.Equal(steps, []int{1, 2, 3, 4, 5, 6}) || !slices.Equal(epochs, []int{1, 2, 3}) {
		t.Fatalf("batch steps %v, epochs %v", steps, epochs)
	}
	if len(hist.Epochs["loss"]) != 3 || len(hist.StepLoss) != 6 || !slices.Contains(hist.Names, "val_loss") || !slices.Contains(hist.Names, "lr") {
		t.Fatalf("history %+v", hist)
	}
	if l := hist.Epochs["val_loss"]; l[2] >= l[0] {
		t.Fatalf("validation loss did not fall: %v", l)
	}
}

func TestNaNLossStopsAndKeepsLastGoodStep(t *testing.T) {
	tr, batches := regression(1e18) // diverges within a few steps
	var good []float32
	tr.Callbacks = []Callback{CallbackFuncs{BatchEnd: func(p *Progress) error {
		good = nil
		for _, p := range tr.Model.ParamTensors() {
			good = append(good, p.Data()...)
		}
		return nil
	}}}
	hist, err := tr.Fit(context.Background(), batches, nil, 50)
	var div *DivergedError
	if !errors.As(err, &div) {
		t.Fatalf("error %v, want a DivergedError", err)
	}
	if div.Step != len(hist.StepLoss)+1 || !strings.Contains(err.Error(), "lower") || !strings.Contains(err.Error(), "step") {
		t.Fatalf("error %q after %d good steps", err, len(hist.StepLoss))
	}
	var now []float32
	for _, p := range tr.Model.ParamTensors() {
		now = append(now, p.Data()...)
	}
	if !slices.Equal(now, good) {
		t.Fatalf("parameters %v changed from the last good step %v", now, good)
	}
	t.Log(err)
}

func TestShouldStopAndContextInterrupt(t *testing.T) {
	tr, batches := regression(0.1)
	calls := 0
	tr.ShouldStop = func() bool { calls++; return calls > 3 }
	hist, err := tr.Fit(context.Background(), batches, nil, 10)
	if !errors.Is(err, ErrStopped) || len(hist.StepLoss) != 3 {
		t.Fatalf("error %v after %d steps, want ErrStopped after 3", err, len(hist.StepLoss))
	}
	tr, batches = regression(0.1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tr.Fit(ctx, batches, nil, 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestEarlyStopping(t *testing.T) {
	tr, batches := regression(0) // lr 0: the loss never improves
	tr.Callbacks = []Callback{&EarlyStopping{Monitor: "val_loss", Patience: 2}}
	hist := must(tr.Fit(context.Background(), batches, batches, 20))
	if !hist.StoppedEarly || len(hist.Epochs["loss"]) != 4 {
		t.Fatalf("stopped early %v after %d epochs, want after 4", hist.StoppedEarly, len(hist.Epochs["loss"]))
	}
}

func TestEvaluateRestoresModeAndRecordsNoGraph(t *testing.T) {
	tr, batches := regression(0.1)
	tr.Metrics = nil
	m := must(tr.Evaluate(context.Background(), batches))
	if _, ok := m["loss"]; !ok || !tr.Model.Training() {
		t.Fatalf("metrics %v, training %v", m, tr.Model.Training())
	}
	for _, p := range tr.Model.ParamTensors() {
		if p.Grad() != nil {
			t.Fatal("Evaluate left a gradient")
		}
	}
}

func TestProgressBar(t *testing.T) {
	tr, batches := regression(0.1)
	var out bytes.Buffer
	tr.Callbacks = []Callback{ProgressBar(&out)}
	must(tr.Fit(context.Background(), batches, nil, 2))
	s := out.String()
	if !strings.Contains(s, "epoch 2/2 [====================] 2/2") || !strings.Contains(s, "samples/s") || strings.Count(s, "\n") != 2 {
		t.Fatalf("progress output %q", s)
	}
}

func TestSchedulerPerBatch(t *testing.T) {
	tr, batches := regression(0.1)
	tr.Scheduler = must(optim.NewOneCycleLR(tr.Optimizer, optim.OneCycleOptions{MaxLR: 0.5, TotalSteps: 6}))
	tr.SchedulePerBatch = true
	hist := must(tr.Fit(context.Background(), batches, nil, 3))
	// After 2 steps the LR is near its peak (0.5 at step 0.3·6-1 = 0.8),
	// after 4 it has fallen most of the way.
	if lr := hist.Epochs["lr"]; lr[0] < 0.4 || lr[1] > 0.1 {
		t.Fatalf("lr after each epoch %v", lr)
	}
	if _, err := tr.Fit(context.Background(), batches, nil, 1); err == nil {
		t.Fatal("stepping OneCycleLR past its end should fail")
	}
}

func TestAccuracy(t *testing.T) {
	logits := tensorOf([]float32{2, 1, 0, 3, 5, 4}, 3, 2)
	sum, n := must2(Accuracy{}.Batch(logits, tensorOf([]float32{0, 1, 1}, 3)))
	if sum != 2 || n != 3 {
		t.Fatalf("multi-class: %v of %d", sum, n)
	}
	sum, n = must2(Accuracy{}.Batch(tensorOf([]float32{-1, 2, 0.5}, 3, 1), tensorOf([]float32{0, 1, 0}, 3, 1)))
	if sum != 2 || n != 3 {
		t.Fatalf("binary: %v of %d", sum, n)
	}
	if math.IsNaN(sum) {
		t.Fatal("NaN")
	}
}

func must2(a float64, b int, err error) (float64, int) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// values concatenates the data of tensors, to compare a model's state.
func values(ps []nn.NamedParam) []float32 {
	var out []float32
	for _, p := range ps {
		out = append(out, p.Tensor.Data()...)
	}
	return out
}

// An update that overflows the weights (finite loss and gradient, but a
// learning rate of 1e40) is undone: the step is reported, and the
// parameters and BatchNorm's running statistics are those of the step
// before, all finite.
func TestOverflowingUpdateRestoresLastGoodStep(t *testing.T) {
	tr, batches := regression(0.1)
	tensor.ManualSeed(9)
	tr.Model = nn.NewSequential(must(nn.NewLinear(1, 3, true)), must(nn.NewBatchNorm1d(3, nn.NormOptions{})), must(nn.NewLinear(3, 1, true)))
	tr.Optimizer = must(optim.NewSGD(tr.Model.ParamTensors(), optim.SGDOptions{LR: 0.1, Momentum: 0.9}))
	var params, buffers []float32
	tr.Callbacks = []Callback{CallbackFuncs{BatchEnd: func(p *Progress) error {
		params, buffers = values(tr.Model.Parameters()), values(tr.Model.Buffers())
		tr.Optimizer.ParamGroups()[0].LR = 1e40 // the next step overflows
		return nil
	}}}
	hist, err := tr.Fit(context.Background(), batches, nil, 3)
	var div *DivergedError
	if !errors.As(err, &div) || div.Step != 2 || len(hist.StepLoss) != 1 {
		t.Fatalf("error %v after %d steps, want a DivergedError at step 2", err, len(hist.StepLoss))
	}
	for _, want := range []string{`parameter "0.weight" after the optimizer step`, "step 2", "parameters from step 1", "try a lower one"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if now := values(tr.Model.Parameters()); !slices.Equal(now, params) {
		t.Errorf("parameters %v, want those of step 1 %v", now, params)
	}
	if now := values(tr.Model.Buffers()); !slices.Equal(now, buffers) {
		t.Errorf("buffers %v, want those of step 1 %v", now, buffers)
	}
	for _, v := range append(params, buffers...) {
		if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
			t.Fatalf("the restored state holds %v", v)
		}
	}
	t.Log(err)
}

// A learning rate of 1e40 from the start: the first step is refused and
// the model keeps its initial parameters.
func TestOverflowAtFirstStep(t *testing.T) {
	tr, batches := regression(1e40)
	before := values(tr.Model.Parameters())
	_, err := tr.Fit(context.Background(), batches, nil, 1)
	var div *DivergedError
	if !errors.As(err, &div) || div.Step != 1 || !math.IsInf(div.Value, 0) {
		t.Fatalf("error %v, want an infinite parameter at step 1", err)
	}
	if now := values(tr.Model.Parameters()); !slices.Equal(now, before) {
		t.Fatalf("parameters %v, want the initial %v", now, before)
	}
}

// The trainer consumes a DataLoader: a small MLP separates the moons.
func TestTrainerOnDataLoader(t *testing.T) {
	ds := must(data.Moons(200, 0.1, 1))
	parts := must(data.RandomSplit(ds, must(data.SplitLengths(200, []float64{0.8, 0.2})), 1))
	tensor.ManualSeed(1)
	model := nn.NewSequential(must(nn.NewLinear(2, 16, true)), nn.NewReLU(), must(nn.NewLinear(16, 2, true)))
	opt := must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 0.03}))
	tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Metrics: []Metric{Accuracy{}}}
	hist := must(tr.Fit(context.Background(),
		&data.DataLoader{Dataset: parts[0], BatchSize: 32, Shuffle: true, Seed: 1},
		&data.DataLoader{Dataset: parts[1], BatchSize: 64}, 30))
	acc, _ := hist.Last("val_accuracy")
	t.Logf("moons: validation accuracy %.3f after 30 epochs", acc)
	if acc < 0.95 {
		t.Errorf("validation accuracy %.3f, want ≥ 0.95", acc)
	}
}

// sqrtOfSquare is a loss that is finite at an output of 0 while its
// gradient there is not: the derivative of √(y²) at 0 is ∞·0 = NaN.
type sqrtOfSquare struct{}

func (sqrtOfSquare) Forward(y, _ *tensor.Tensor) (*tensor.Tensor, error) {
	sq, err := y.Mul(y)
	if err != nil {
		return nil, err
	}
	return sq.Sqrt().SumAll(), nil
}

// A finite loss with a NaN gradient is refused before the optimizer
// steps: the weights stay those before the step.
func TestNaNGradientIsRefused(t *testing.T) {
	tr, batches := regression(0.1)
	tr.Model = nn.NewSequential(must(nn.NewLinear(1, 1, false)))
	tr.Optimizer = must(optim.NewSGD(tr.Model.ParamTensors(), optim.SGDOptions{LR: 0.1}))
	var err error
	tensor.NoGrad(func() { err = tr.Model.ParamTensors()[0].UpdateInPlace(func(w []float32) { w[0] = 0 }) })
	if err != nil {
		t.Fatal(err)
	}
	tr.Loss = sqrtOfSquare{}
	_, err = tr.Fit(context.Background(), batches, nil, 1)
	var div *DivergedError
	if !errors.As(err, &div) || div.What != "gradient norm" || !math.IsNaN(div.Value) || div.Step != 1 {
		t.Fatalf("error %v, want a NaN gradient norm at step 1", err)
	}
	if w := values(tr.Model.Parameters()); len(w) != 1 || w[0] != 0 {
		t.Fatalf("weights %v after the refused step, want [0]", w)
	}
}
