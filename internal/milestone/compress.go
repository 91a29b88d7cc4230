package milestone

import (
	"context"
	"fmt"

	"tinytorch/engine/bench"
	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/prune"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// PruneResult is the MLP milestone pruned (chapter 10): the dense run,
// the same model after global magnitude pruning, and after fine-tuning
// with the masks held, with the sparse copy's inference speed.
type PruneResult struct {
	Dense          *Result
	Sparsity       float64 // of the Linear weights
	PrunedAccuracy float64 // right after pruning
	Tuned          *Result // the fine-tuning run
	Report         *prune.Report
	// SparseBatch1 and SparseBatch64 compare the sparse copy
	// (prune.Sparsify) with the pruned dense model, forward passes on
	// batches of 1 and 64: dense time ÷ sparse time.
	SparseBatch1, SparseBatch64 bench.Ratio
}

// PruneMLPDigits trains the 1986 milestone (MLPDigits), prunes the given
// fraction of its Linear weights globally by magnitude, and fine-tunes it
// for fineTune epochs with Adam (learning rate MLPLR) through
// prune.Pruning.Wrap, so the pruned weights stay zero. The sparse copy's
// speed is the median of iterations interleaved rounds.
func PruneMLPDigits(cfg Config, sparsity float64, fineTune, iterations int) (*PruneResult, error) {
	run, err := newMLPDigitsRun(cfg)
	if err != nil {
		return nil, err
	}
	model, trainSet, testSet := run.model, run.trainSet, run.testSet
	res := &PruneResult{}
	if res.Dense, err = fit(cfg, "MLP 784-128-10", model, run.opt, trainSet, testSet, MLPEpochs, MLPBatch, false); err != nil {
		return nil, err
	}
	p := prune.New(model)
	if err := p.GlobalUnstructured(nil, sparsity); err != nil {
		return nil, err
	}
	res.Sparsity = p.Sparsity()
	if res.PrunedAccuracy, err = testAccuracy(model, testSet); err != nil {
		return nil, err
	}
	adam, err := optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: MLPLR})
	if err != nil {
		return nil, err
	}
	tuneCfg := cfg
	tuneCfg.Epochs = fineTune
	if res.Tuned, err = fit(tuneCfg, "MLP 784-128-10, pruned", model, p.Wrap(adam), trainSet, testSet, fineTune, MLPBatch, false); err != nil {
		return nil, err
	}
	res.Report = prune.NewReport(model)
	res.SparseBatch1, res.SparseBatch64, err = sparseSpeed(model.(*nn.Sequential), iterations)
	return res, err
}

// testAccuracy evaluates model on the test digits.
func testAccuracy(model nn.Module, testSet *data.ImageSet) (float64, error) {
	testSet.Transform = mnistNorm
	tr := &train.Trainer{Model: model, Loss: loss.CrossEntropy{}, Metrics: []train.Metric{train.Accuracy{}}}
	m, err := tr.Evaluate(context.Background(), &data.DataLoader{Dataset: testSet, BatchSize: TestBatch})
	if err != nil {
		return 0, err
	}
	return m["accuracy"], nil
}

// sparseSpeed times the pruned model's forward pass against its sparse
// copy's, interleaved, on batches of 1 and 64.
func sparseSpeed(model *nn.Sequential, iterations int) (b1, b64 bench.Ratio, err error) {
	fast, _, err := prune.Sparsify(model, 0.5)
	if err != nil {
		return b1, b64, err
	}
	model.Eval()
	for _, batch := range []int{1, 64} {
		x, err := tensor.Randn(batch, 1, 28, 28)
		if err != nil {
			return b1, b64, err
		}
		fwd := func(m nn.Module) func() {
			return func() { tensor.NoGrad(func() { _, err = m.Forward(x) }) }
		}
		cmp := bench.Compare([]bench.Candidate{{Name: "dense", Fn: fwd(model)}, {Name: "sparse", Fn: fwd(fast)}},
			bench.Options{Iterations: iterations})
		if err != nil {
			return b1, b64, err
		}
		if batch == 1 {
			b1 = cmp.Ratios[1]
		} else {
			b64 = cmp.Ratios[1]
		}
	}
	return b1, b64, nil
}

// ChannelPruneResult is the LeNet milestone's network with half of the
// channels of both convolutions removed (prune.LnStructured), timed
// against the dense one.
type ChannelPruneResult struct {
	DenseParams, PrunedParams int
	Pruned                    string // the pruned model, printed
	// Forward and Step are pruned speed ÷ dense speed: a forward pass on
	// a batch of LeNetBatch, and a training step (forward, backward,
	// Adam).
	Forward, Step bench.Ratio
}

// PruneLeNetChannels builds the LeNet milestone's network twice from the
// same seed, removes the fraction amount of the channels of both
// convolutions of one by L1 norm, and times both, interleaved. The
// weights are the initial ones: the time of a pass does not depend on
// them. Each comparison takes iterations rounds.
func PruneLeNetChannels(amount float64, iterations int) (*ChannelPruneResult, error) {
	build := func() *nn.Sequential {
		tensor.ManualSeed(LeNetSeed)
		return NewLeNet().(*nn.Sequential)
	}
	dense, cut := build(), build()
	for _, layer := range []int{0, 3} { // the two Conv2d
		if _, err := prune.LnStructured(cut, layer, amount, 1); err != nil {
			return nil, err
		}
	}
	res := &ChannelPruneResult{DenseParams: dense.NumParams(), PrunedParams: cut.NumParams(), Pruned: cut.String()}
	x, err := tensor.Randn(LeNetBatch, 1, 28, 28)
	if err != nil {
		return nil, err
	}
	y, err := tensor.Randint(0, 10, LeNetBatch)
	if err != nil {
		return nil, err
	}
	var failed error
	forward := func(m nn.Module) func() {
		return func() {
			tensor.NoGrad(func() {
				if _, err := m.Forward(x); err != nil {
					failed = err
				}
			})
		}
	}
	step := func(m nn.Module) (func(), error) {
		opt, err := optim.NewAdam(m.ParamTensors(), optim.AdamOptions{LR: 1e-3})
		if err != nil {
			return nil, err
		}
		return func() {
			opt.ZeroGrad()
			out, err := m.Forward(x)
			if err == nil {
				var l *tensor.Tensor
				if l, err = (loss.CrossEntropy{}).Forward(out, y); err == nil {
					if err = l.Backward(); err == nil {
						err = opt.Step()
					}
				}
			}
			if err != nil {
				failed = err
			}
		}, nil
	}
	opts := bench.Options{Iterations: iterations}
	res.Forward = bench.Compare([]bench.Candidate{{Name: "dense", Fn: forward(dense)}, {Name: "pruned", Fn: forward(cut)}}, opts).Ratios[1]
	denseStep, err := step(dense)
	if err != nil {
		return nil, err
	}
	cutStep, err := step(cut)
	if err != nil {
		return nil, err
	}
	res.Step = bench.Compare([]bench.Candidate{{Name: "dense", Fn: denseStep}, {Name: "pruned", Fn: cutStep}}, opts).Ratios[1]
	if failed != nil {
		return nil, fmt.Errorf("milestone.PruneLeNetChannels: %w", failed)
	}
	return res, nil
}
