package bench

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Candidate is one alternative in a comparison.
type Candidate struct {
	Name string
	Fn   func()
}

// Comparison is the outcome of Compare: a Result per candidate and, for
// each, its speed relative to the first (the baseline).
type Comparison struct {
	Results []Result
	Ratios  []Ratio // Ratios[0] is the baseline against itself
	// Stopped is set when Options.ShouldStop ended the comparison early
	// (after whole rounds, so every candidate has as many samples).
	Stopped bool
}

// Ratio says how many times faster a candidate is than the baseline:
// baseline time / candidate time, from samples taken in the same round, so
// that a slow spell of the machine slows both sides of each ratio alike.
type Ratio struct {
	Name          string
	Median        float64 // median of the per-round ratios
	P10, P90      float64 // their spread
	Rounds        int
	BaselineName  string
	CandidateTime time.Duration // the candidate's median per call
}

// String reads "2.31× (p10–p90 2.20–2.45) faster than base".
func (r Ratio) String() string {
	return fmt.Sprintf("%.2f× (p10–p90 %.2f–%.2f, %d rounds) the speed of %s", r.Median, r.P10, r.P90, r.Rounds, r.BaselineName)
}

// Compare runs candidates fairly: each is warmed up, then every round
// times one sample of each candidate, in an order that rotates from round
// to round (so none always runs first, right after another's cache
// footprint). The candidates must do the same work on the same inputs;
// the options (batch size included, picked from the baseline if unset)
// are shared, so the derived figures are comparable.
func Compare(candidates []Candidate, opt Options) Comparison {
	opt = opt.withDefaults()
	if len(candidates) == 0 {
		return Comparison{}
	}
	batch, stopped := 0, false
	for _, c := range candidates {
		b, s := warmUp(c.Fn, opt)
		batch = max(batch, b) // the fastest candidate's batch keeps every sample ≥ minSample
		if stopped = s; stopped {
			break
		}
	}
	if opt.Batch > 0 {
		batch = opt.Batch
	}
	samples := make([][]time.Duration, len(candidates))
	var spent time.Duration
	for round := 0; !stopped && (round < opt.Iterations || spent < opt.MinTime); round++ {
		if stopped = opt.stop(); stopped {
			break
		}
		for j := range candidates {
			i := (round + j) % len(candidates)
			d := timeBatch(candidates[i].Fn, batch)
			spent += d
			samples[i] = append(samples[i], d/time.Duration(batch))
		}
		if opt.OnSample != nil {
			opt.OnSample(round+1, max(opt.Iterations, round+1))
		}
	}
	cmp := Comparison{Stopped: stopped}
	for i, c := range candidates {
		cmp.Results = append(cmp.Results, summarize(c.Name, samples[i], batch, opt))
		cmp.Results[i].Stopped = stopped
	}
	for i, c := range candidates {
		if len(samples[i]) == 0 {
			cmp.Ratios = append(cmp.Ratios, Ratio{Name: c.Name, BaselineName: candidates[0].Name})
			continue
		}
		ratios := make([]float64, len(samples[i]))
		for r := range ratios {
			ratios[r] = roundRatio(samples[0][r], samples[i][r])
		}
		slices.Sort(ratios)
		cmp.Ratios = append(cmp.Ratios, Ratio{
			Name: c.Name, BaselineName: candidates[0].Name, Rounds: len(ratios),
			Median: percentile(ratios, 50), P10: percentile(ratios, 10), P90: percentile(ratios, 90),
			CandidateTime: cmp.Results[i].P50,
		})
	}
	return cmp
}

// roundRatio is how many times faster candidate was than baseline in one
// round. Both sides are clamped to 1 ns: a coarse clock (wasm's can be) may
// read 0 for a fast sample, and 0 against 0 must read "as fast", not 0×.
func roundRatio(baseline, candidate time.Duration) float64 {
	return math.Max(float64(baseline), 1) / math.Max(float64(candidate), 1)
}
