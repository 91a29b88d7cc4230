package kernels

import (
	"sync"
	"time"
)

// The roof of a roofline: how many floating-point operations per second
// this machine can do at most, measured rather than assumed. A datasheet
// figure (cores × FMA units × lanes × 2 × clock) is often wrong on a
// virtual machine: the same VM type runs AVX-512 at twice AVX2's rate on
// some hosts and at the same rate on others (two 256-bit halves), and the
// clock under load is not the nominal one. So MeasureRoofs times loops of
// independent fused multiply-adds and nothing else, one per vector width,
// and a kernel's GFLOP/s is read as a share of that.

// Roof is one measured FMA peak.
type Roof struct {
	// ISA is the instruction set of the loop: "avx512" or "avx2".
	ISA string
	// Lanes is how many floats one FMA instruction works on.
	Lanes int
	// Threads is how many goroutines ran the loop at once, each on its own
	// core when there are enough.
	Threads int
	// GFLOPS is the rate of all of them together, an FMA counting as two
	// operations.
	GFLOPS float64
}

// fmaLoop is one assembly loop: run(n) does n rounds of flopsPerRound
// operations.
type fmaLoop struct {
	isa           string
	lanes         int
	flopsPerRound float64
	run           func(n int)
}

// MeasureRoofs returns the peak of every loop registered with
// RegisterRoof, then the FMA peak of every vector width this CPU has
// (none off amd64), widest first, on one goroutine and, when threads > 1,
// on threads goroutines at once. Each figure is the best of 10 runs of
// about d each: short runs, many of them, so that on a machine busy with
// other programs some run finds the cores free (10 ms each is enough).
func MeasureRoofs(threads int, d time.Duration) []Roof {
	var roofs []Roof
	for _, l := range fmaLoops() {
		counts := []int{1}
		if threads > 1 {
			counts = append(counts, threads)
		}
		for _, t := range counts {
			roofs = append(roofs, Roof{ISA: l.isa, Lanes: l.lanes, Threads: t, GFLOPS: l.measure(t, d)})
		}
	}
	return roofs
}

// PeakRoof returns the roof of the latest RegisterRoof loop, else of the
// widest vector width, on threads goroutines,
// or ok false off amd64 (or on an x86 CPU without AVX2 and FMA).
func PeakRoof(threads int, d time.Duration) (roof Roof, ok bool) {
	ls := fmaLoops()
	if len(ls) == 0 {
		return Roof{}, false
	}
	threads = max(threads, 1)
	return Roof{ISA: ls[0].isa, Lanes: ls[0].lanes, Threads: threads, GFLOPS: ls[0].measure(threads, d)}, true
}

// measure returns the best rate, in GFLOP/s, of threads goroutines each
// running the loop for about d, over 10 runs after a calibration (which
// also wakes the cores up from any power-saving state).
func (l fmaLoop) measure(threads int, d time.Duration) float64 {
	// Calibrate: rounds that take about d on one goroutine.
	n := 1 << 12
	for {
		start := time.Now()
		l.run(n)
		if el := time.Since(start); el >= d/8 || n >= 1<<40 {
			n = int(float64(n) * float64(d) / float64(max(el, time.Microsecond)))
			break
		}
		n *= 4
	}
	n = max(n, 1)
	best := 0.0
	for range 10 {
		var wg sync.WaitGroup
		start := time.Now()
		for range threads {
			wg.Go(func() { l.run(n) })
		}
		wg.Wait()
		rate := float64(threads) * float64(n) * l.flopsPerRound / time.Since(start).Seconds() / 1e9
		best = max(best, rate)
	}
	return best
}

// registered holds the loops added with RegisterRoof, latest first.
var registered struct {
	sync.Mutex
	loops []fmaLoop
}

// RegisterRoof adds a loop for MeasureRoofs and PeakRoof to time, ahead of
// the CPU's own (so PeakRoof measures the latest registered): the
// browser's WebAssembly SIMD loop (engine/kernels/wasmsimd's peak.wat,
// registered by the kernel program), which Go's compiler and assembler
// cannot write. run(n) does n rounds of flopsPerRound floating-point
// operations, with lanes floats per vector instruction.
func RegisterRoof(isa string, lanes int, flopsPerRound float64, run func(n int)) {
	registered.Lock()
	defer registered.Unlock()
	registered.loops = append([]fmaLoop{{isa: isa, lanes: lanes, flopsPerRound: flopsPerRound, run: run}}, registered.loops...)
}

// fmaLoops returns the registered loops, then this CPU's own.
func fmaLoops() []fmaLoop {
	registered.Lock()
	defer registered.Unlock()
	return append(append([]fmaLoop(nil), registered.loops...), nativeFMALoops()...)
}
