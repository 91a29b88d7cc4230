package main

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"tinytorch/engine/bench"
)

// coreTrips is how many round trips between two cores make one probe of
// their distance after each round of the training comparison: about
// 0.1 ms of bouncing, after CoreRoundTrip's 2 ms of waiting and warming
// up, all outside the timed epochs.
const coreTrips = 200

// byRoundTrip splits the rounds of a 1-against-2-thread comparison by the
// cores' round trip measured after each (kernels.CoreRoundTrip): the
// nearer half and the farther half, with the median two-thread ratio of
// each. A virtual machine's host moves its cores closer together and
// further apart while it runs, and the two-thread figures move with them;
// the note says by how much in this run. It returns "" when there is no
// two-thread candidate or no round trip (one core).
func byRoundTrip(name string, comparison bench.Comparison, trips []time.Duration) (note string, near, far float64) {
	if len(comparison.Results) < 2 || len(trips) < 2 || trips[0] == 0 {
		return "", 0, 0
	}
	one, two := comparison.Results[0].Samples, comparison.Results[1].Samples
	rounds := min(len(one), len(two), len(trips))
	order := make([]int, rounds)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(trips[a], trips[b]) })
	half := rounds / 2
	ratios := func(idx []int) (float64, time.Duration) {
		var r []float64
		var d []time.Duration
		for _, i := range idx {
			r = append(r, float64(one[i])/float64(two[i]))
			d = append(d, trips[i])
		}
		slices.Sort(r)
		slices.Sort(d)
		return r[len(r)/2], d[len(d)/2]
	}
	near, nearTrip := ratios(order[:half])
	far, farTrip := ratios(order[half:])
	note = fmt.Sprintf("%s, 2 threads ÷ 1 by how far apart the cores were (a value's round trip between them right after each round, kernels.CoreRoundTrip): the %d nearest rounds (median %v) %.2f, the %d farthest (median %v) %.2f",
		name, half, nearTrip.Round(time.Nanosecond), near, rounds-half, farTrip.Round(time.Nanosecond), far)
	return note, near, far
}

// durationsNs returns ds in nanoseconds, for the JSON report.
func durationsNs(ds []time.Duration) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.Nanoseconds()
	}
	return out
}
