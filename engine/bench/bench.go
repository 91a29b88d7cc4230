// Package bench is TinyTorch's benchmarking harness (chapter 12): it runs
// a function with a warm-up and repeated timed runs, and reports what a
// single number hides — the latency distribution (median, p90, p99), the
// mean with its spread and 95% confidence interval, throughput, achieved
// GFLOP/s and GB/s, and an energy estimate — and compares alternatives
// fairly: same inputs, runs interleaved so that drift hits every candidate
// alike, ratios reported with their spread.
//
//	r := bench.Run("matmul 512", func() { kernels.Matmul(...) },
//		bench.Options{Iterations: 50, FLOPs: 2 * 512 * 512 * 512})
//	bench.Print(os.Stdout, r)
//
// It uses the standard library only and runs natively and under js/wasm.
// Timings come from time.Now, which is monotonic; a sample shorter than
// about 50 µs is made of a batch of calls (see Options.Batch) so that the
// clock's own cost and resolution stay negligible.
package bench

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Options says how to run a benchmark and what one call does.
type Options struct {
	// Warmup is the number of untimed calls first (caches, pools, JIT
	// tiers, CPU frequency). 0 means 2; a negative value means none.
	Warmup int
	// Iterations is the number of timed samples; 0 means 30.
	Iterations int
	// MinTime, if set, keeps sampling after Iterations until this much
	// time was spent in timed samples.
	MinTime time.Duration
	// Batch is the number of calls per timed sample; 0 picks one from the
	// warm-up so that a sample lasts at least 50 µs.
	Batch int
	// What one call does, for the derived figures (0 = not reported):
	// Items (samples, images, requests) for throughput, FLOPs for GFLOP/s
	// and Bytes moved to or from memory for GB/s and the energy model.
	Items, FLOPs, Bytes float64
	// Energy is the model behind the energy estimates; the zero value
	// means DefaultEnergy.
	Energy *EnergyModel
	// ShouldStop, if set, is asked before every warm-up call and every
	// timed sample (every round of a comparison); when it returns true the
	// run ends early with the samples taken so far and Result.Stopped set.
	// A notebook's Stop button is wired here.
	ShouldStop func() bool
	// OnSample, if set, is called after each timed sample (each round of
	// a comparison) with the number done and the number planned, for a
	// progress display.
	OnSample func(done, planned int)
}

// stop reports whether the caller asked the run to end.
func (o Options) stop() bool { return o.ShouldStop != nil && o.ShouldStop() }

func (o Options) withDefaults() Options {
	if o.Warmup == 0 {
		o.Warmup = 2
	}
	if o.Warmup < 0 {
		o.Warmup = 0
	}
	if o.Iterations <= 0 {
		o.Iterations = 30
	}
	if o.Energy == nil {
		o.Energy = &DefaultEnergy
	}
	return o
}

// minSample is the shortest timed sample when Batch is chosen automatically.
const minSample = 50 * time.Microsecond

// Result is the outcome of one benchmark. Durations are per call.
type Result struct {
	Name    string
	Samples []time.Duration // per-call time of each sample, in run order
	Batch   int             // calls per sample
	Options Options

	Min, P50, P90, P99, Max time.Duration
	Mean, Stddev            time.Duration
	// CI95 is the half-width of the 95% confidence interval of the mean
	// (Student's t): the mean is Mean ± CI95.
	CI95 time.Duration
	// Stopped is set when Options.ShouldStop ended the run early; the
	// statistics then cover the samples taken (none, if it stopped during
	// the warm-up).
	Stopped bool
}

// Run times fn: Options.Warmup calls, then Options.Iterations samples of
// Options.Batch calls each.
func Run(name string, fn func(), opt Options) Result {
	opt = opt.withDefaults()
	batch, stopped := warmUp(fn, opt)
	var samples []time.Duration
	var spent time.Duration
	for !stopped && (len(samples) < opt.Iterations || spent < opt.MinTime) {
		if stopped = opt.stop(); stopped {
			break
		}
		d := timeBatch(fn, batch)
		spent += d
		samples = append(samples, d/time.Duration(batch))
		if opt.OnSample != nil {
			opt.OnSample(len(samples), max(opt.Iterations, len(samples)))
		}
	}
	r := summarize(name, samples, batch, opt)
	r.Stopped = stopped
	return r
}

// warmUp makes the untimed calls and returns the batch size: opt.Batch,
// or enough calls for a sample of at least minSample. It reports whether
// opt.ShouldStop asked to end the run.
func warmUp(fn func(), opt Options) (batch int, stopped bool) {
	fastest := time.Duration(math.MaxInt64)
	for range opt.Warmup {
		if opt.stop() {
			return max(opt.Batch, 1), true
		}
		fastest = min(fastest, timeBatch(fn, 1))
	}
	if opt.Batch > 0 {
		return opt.Batch, false
	}
	if fastest >= minSample {
		return 1, false
	}
	return calibrate(fn, opt)
}

// calibrate doubles a batch until two batches in a row last at least
// minSample and returns the smaller of the two. Why two: a single call
// slowed by a garbage collection or a descheduled thread can make one
// short batch look long, but not also the next, twice as large.
func calibrate(fn func(), opt Options) (batch int, stopped bool) {
	const largest = 1 << 30 // a clock that never advances ends here
	longEnough := false
	for n := 1; n < largest; n *= 2 {
		if opt.stop() {
			return n, true
		}
		if timeBatch(fn, n) < minSample {
			longEnough = false
			continue
		}
		if longEnough {
			return n / 2, false
		}
		longEnough = true
	}
	return largest, false
}

// timeBatch times batch calls of fn.
func timeBatch(fn func(), batch int) time.Duration {
	start := time.Now()
	for range batch {
		fn()
	}
	return time.Since(start)
}

// summarize computes the statistics of per-call samples.
func summarize(name string, samples []time.Duration, batch int, opt Options) Result {
	r := Result{Name: name, Samples: samples, Batch: batch, Options: opt}
	if len(samples) == 0 {
		return r
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	r.Min, r.Max = sorted[0], sorted[len(sorted)-1]
	r.P50 = percentile(sorted, 50)
	r.P90 = percentile(sorted, 90)
	r.P99 = percentile(sorted, 99)
	mean, sd := meanStddev(samples)
	r.Mean, r.Stddev = time.Duration(mean), time.Duration(sd)
	if n := len(samples); n > 1 {
		r.CI95 = time.Duration(tQuantile975(n-1) * sd / math.Sqrt(float64(n)))
	}
	return r
}

// percentile returns the p-th percentile of sorted samples (durations or
// ratios), interpolating linearly between the two nearest ranks (NumPy's
// default method).
func percentile[T time.Duration | float64](sorted []T, p float64) T {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := p / 100 * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + T(frac*float64(sorted[i+1]-sorted[i]))
}

// meanStddev returns the mean and the sample standard deviation (n−1).
func meanStddev(samples []time.Duration) (mean, sd float64) {
	for _, s := range samples {
		mean += float64(s)
	}
	mean /= float64(len(samples))
	if len(samples) < 2 {
		return mean, 0
	}
	var ss float64
	for _, s := range samples {
		d := float64(s) - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(samples)-1))
}

// tQuantile975 returns the 97.5% quantile of Student's t distribution
// with df degrees of freedom: exact table values up to 30, then the
// Cornish-Fisher expansion around the normal quantile 1.96.
func tQuantile975(df int) float64 {
	table := [...]float64{0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}
	if df < len(table) {
		return table[max(df, 1)]
	}
	const z = 1.959964
	n := float64(df)
	return z + (z*z*z+z)/(4*n) + (5*math.Pow(z, 5)+16*z*z*z+3*z)/(96*n*n)
}

// Seconds is the median time per call in seconds: the figure the derived
// rates use, since the median ignores the rare slow sample (a GC, another
// process) that pulls the mean up.
func (r Result) Seconds() float64 { return r.P50.Seconds() }

// Throughput is Items per second at the median time (0 if Items is unset).
func (r Result) Throughput() float64 { return rate(r.Options.Items, r.Seconds()) }

// GFLOPS is the achieved GFLOP/s at the median time (0 if FLOPs is unset).
func (r Result) GFLOPS() float64 { return rate(r.Options.FLOPs, r.Seconds()) / 1e9 }

// GBPS is the achieved memory bandwidth in GB/s at the median time (0 if
// Bytes is unset).
func (r Result) GBPS() float64 { return rate(r.Options.Bytes, r.Seconds()) / 1e9 }

// Energy returns the energy estimates of one call, in joules (see
// EnergyModel).
func (r Result) Energy() Energy {
	return r.Options.Energy.Estimate(r.Seconds(), r.Options.FLOPs, r.Options.Bytes)
}

func rate(amount, seconds float64) float64 {
	if amount == 0 || seconds <= 0 {
		return 0
	}
	return amount / seconds
}

// String is a one-line summary.
func (r Result) String() string {
	s := fmt.Sprintf("%s: p50 %v  p90 %v  p99 %v  mean %v ± %v (95%% CI, sd %v, n=%d×%d)",
		r.Name, round(r.P50), round(r.P90), round(r.P99), round(r.Mean), round(r.CI95), round(r.Stddev), len(r.Samples), r.Batch)
	if r.Options.Items > 0 {
		s += fmt.Sprintf("  %.4g items/s", r.Throughput())
	}
	if r.Options.FLOPs > 0 {
		s += fmt.Sprintf("  %.2f GFLOP/s", r.GFLOPS())
	}
	if r.Options.Bytes > 0 {
		s += fmt.Sprintf("  %.2f GB/s", r.GBPS())
	}
	return s
}

// round keeps 3 significant digits of a duration, for printing.
func round(d time.Duration) time.Duration {
	for unit := time.Duration(1); unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
	return d
}
