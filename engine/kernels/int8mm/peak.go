package int8mm

import "time"

// A Peak is a loop of one instruction on registers only, with no memory
// traffic: the fastest a kernel built on that instruction could go on one
// core. Kernel rates are reported as a share of it.
type Peak struct {
	// Instruction names the instruction and its width, e.g. "vpdpbusd zmm".
	Instruction string
	// Variant is the kernel that uses the instruction.
	Variant string
	// opsPerIter is the int8 operations of one iteration of run (a
	// multiply-add counts 2, as a FLOP count does).
	opsPerIter float64
	// run does iters iterations.
	run func(iters int)
}

// Peaks returns the peak loops this machine can run: one per native
// variant (none off amd64; the browser's is in package wasmsimd).
func Peaks() []Peak { return nativePeaks() }

// Measure runs the loop in short batches for about d (at least one) and
// returns the rate of the fastest batch, in int8 operations per second:
// the peak is what the core can do, so a batch slowed by another process
// on a shared machine should not lower it.
func (p Peak) Measure(d time.Duration) float64 {
	const batch = 1 << 13
	p.run(batch) // warm up: wake the vector units, settle the clock
	best := 0.0
	for start := time.Now(); time.Since(start) < d || best == 0; {
		t := time.Now()
		p.run(batch)
		if s := time.Since(t).Seconds(); s > 0 {
			best = max(best, batch*p.opsPerIter/s)
		}
	}
	return best
}
