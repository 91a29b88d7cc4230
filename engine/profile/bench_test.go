package profile

import (
	"slices"
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
//	go test -run '^$' -bench 'TrainStep|ProfilerOverhead|HooksOff' -count 5 ./engine/profile
//
// BenchmarkTrainStep/off runs the step with no profile (the engine's hooks
// are then a nil check); /profiled runs each step inside Run, building the
// report's events (not the tables). BenchmarkProfilerOverhead interleaves
// the two and reports the median overhead in percent, with the spread of
// the pairs (interquartile range). BenchmarkHooksOff shows what the hooks
// cost when no profile runs: the nil checks of the cheapest op, in ns and
// as a share of the op.
//
// Measured on the shared 2-core VM (load average 4–5): the overhead's
// median was 4–6% in most runs (−1% to 13% over 5 runs of 2 s); the
// hooks' checks take at most 3.2 ns of a one-element Add's 290 ns, 1.1%,
// an upper bound since the benchmark's check is a function call where the
// engine's is inlined; a layer's matmul takes microseconds, so in a
// training step the checks are far below what a benchmark can resolve.

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

// BenchmarkProfilerOverhead measures the profiled step's extra time in
// percent: blocks of plain and profiled steps alternate (off-on, then
// on-off, so that a drift of the machine's load cancels out), each pair
// gives one ratio, and the figure is the median of the ratios, which one
// slow block cannot move much.
func BenchmarkProfilerOverhead(b *testing.B) {
	step := mlpStep(b)
	profiled := func() error { _, err := Run(step); return err }
	const block = 4 // steps per block
	run := func(fn func() error) time.Duration {
		start := time.Now()
		for range block {
			must(0, fn())
		}
		return time.Since(start)
	}
	var ratios []float64
	for b.Loop() {
		var off, on time.Duration
		if len(ratios)%2 == 0 {
			off, on = run(step), run(profiled)
		} else {
			on, off = run(profiled), run(step)
		}
		ratios = append(ratios, on.Seconds()/off.Seconds())
	}
	b.ReportMetric(100*(median(ratios)-1), "overhead-%")
	b.ReportMetric(100*(quantile(ratios, 0.75)-quantile(ratios, 0.25)), "iqr-%")
}

// median returns the middle value of xs.
func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the q-quantile of xs, interpolating linearly between
// the two nearest values.
func quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// hookOff stands for the engine's observer variable with no observer set:
// an interface the compiler cannot prove nil, checked the way fromData,
// record and runBackward check tensor's.
var hookOff tensor.Observer

// hooksPerAdd is the number of hook checks a one-element Add passes
// through: Alloc in fromData and Op in record.
const hooksPerAdd = 2

// BenchmarkHooksOff shows what the hooks cost with no profile running:
// the time of a one-element Add (the cheapest op, so the one where a
// fixed cost per op weighs most), the time of the nil checks it makes,
// measured on the same kind of check, and their ratio in percent.
//
//	go test -run '^$' -bench HooksOff ./engine/profile
func BenchmarkHooksOff(b *testing.B) {
	x, y := must(tensor.Ones(1)), must(tensor.Ones(1))
	const n = 1000
	var opNs, checkNs float64
	for b.Loop() {
		start := time.Now()
		for range n {
			x.Add(y)
		}
		mid := time.Now()
		hits := 0
		for range n * hooksPerAdd {
			if checkHook() {
				hits++
			}
		}
		end := time.Now()
		if hits != 0 {
			b.Fatal("an observer is set")
		}
		opNs += float64(mid.Sub(start).Nanoseconds()) / n
		checkNs += float64(end.Sub(mid).Nanoseconds()) / n
	}
	k := float64(b.N)
	b.ReportMetric(opNs/k, "add-ns")
	b.ReportMetric(checkNs/k, "hook-checks-ns")
	b.ReportMetric(100*checkNs/opNs, "hooks-%")
}

// checkHook is one hook check; it is not inlined, like the call sites in
// tensor whose check is followed by a call, so that the loop does not
// hoist it.
//
//go:noinline
func checkHook() bool { return hookOff != nil }
