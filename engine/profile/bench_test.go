package profile

import (
	"testing"
	"time"

	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// The profiler's overhead on a training step of an MLP 784-128-10 with a
// batch of 64 (SGD with momentum), the network of chapter 3:
//
//	go test -run '^$' -bench TrainStep -count 5 ./engine/profile
//
// BenchmarkTrainStep/off runs the step with no profile (the engine's hooks
// are then a nil check); /profiled runs each step inside Run, building the
// report's events (not the tables); BenchmarkProfilerOverhead alternates
// the two and reports the overhead in percent. To see that the hooks cost
// nothing when off, compare /off with BenchmarkEpochMLP of engine/train
// on the commit before the hooks were added (git worktree add, then
// benchstat).
//
// Measured on the shared 2-core VM (load average 5–6, so single runs vary
// by ±20%): the overhead's median over 11 runs was about 1% (quiet runs
// 3–10%); BenchmarkEpochMLP took 84 ms per epoch before the hooks and
// 79–98 ms after, and a one-element Add 306–381 ns before and 336–429 ns
// after: no difference beyond the machine's noise.

// mlpStep returns one training step of the benchmark's MLP.
func mlpStep(b *testing.B) func() error {
	tensor.ManualSeed(1)
	model := nn.NewSequential(must(nn.NewLinear(784, 128, true)), nn.NewReLU(), must(nn.NewLinear(128, 10, true)))
	x, y := must(tensor.Rand(64, 784)), must(tensor.Randint(0, 10, 64))
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.01, Momentum: 0.9}))
	return func() error {
		opt.ZeroGrad()
		out, err := nn.Call(model, x)
		if err != nil {
			return err
		}
		l, err := loss.CrossEntropy{}.Forward(out, y)
		if err != nil {
			return err
		}
		if err := l.Backward(); err != nil {
			return err
		}
		return Phase(PhaseOptimizer, opt.Step)
	}
}

func BenchmarkTrainStep(b *testing.B) {
	b.Run("off", func(b *testing.B) {
		step := mlpStep(b)
		for b.Loop() {
			must(0, step())
		}
	})
	b.Run("profiled", func(b *testing.B) {
		step := mlpStep(b)
		for b.Loop() {
			must(Run(step))
		}
	})
}

// BenchmarkProfilerOverhead alternates plain and profiled steps, so that
// both see the same machine load, and reports the profiled step's extra
// time in percent.
func BenchmarkProfilerOverhead(b *testing.B) {
	step := mlpStep(b)
	var off, on time.Duration
	for b.Loop() {
		start := time.Now()
		must(0, step())
		mid := time.Now()
		must(Run(step))
		off, on = off+mid.Sub(start), on+time.Since(mid)
	}
	b.ReportMetric(100*(on.Seconds()/off.Seconds()-1), "overhead-%")
}
