package profile

import (
	"strconv"
	"time"

	"tinytorch/engine/kernels"
)

// Ceilings are the machine's measured limits, the roof of a roofline chart.
type Ceilings struct {
	// GFLOPS is the compute ceiling: the FMA peak measured with
	// kernels.PeakRoof (a loop of independent fused multiply-adds of the
	// widest vectors, on Threads goroutines) where there is one, else
	// MatmulGFLOPS.
	GFLOPS float64
	// Roof names what GFLOPS is: "avx512 FMA peak", say, or "matmul 256"
	// where no FMA loop runs (js/wasm without a registered one).
	Roof string
	// MatmulGFLOPS is the best rate of a 256×256 matmul with the current
	// engine/kernels variant and thread count.
	MatmulGFLOPS float64
	// GBs is the bandwidth of copying an 8 MB buffer, in GB/s of bytes
	// read plus written.
	GBs float64
	// Kernel and Threads say what was measured.
	Kernel  string
	Threads int
}

// ceilings caches MeasureCeilings per kernel variant and thread count.
var ceilings = map[string]Ceilings{}

// MeasureCeilings measures the compute and bandwidth ceilings, once per
// kernel variant and thread count (about 0.2 s natively, a few tenths of
// a second in a browser); later calls return the cached figures.
func MeasureCeilings() Ceilings {
	key := kernels.Current() + "/" + strconv.Itoa(kernels.Threads())
	if c, ok := ceilings[key]; ok {
		return c
	}
	c := Ceilings{Kernel: kernels.Current(), Threads: kernels.Threads(), MatmulGFLOPS: measureMatmul(256), GBs: measureCopy(1 << 21)}
	c.GFLOPS, c.Roof = c.MatmulGFLOPS, "matmul 256"
	if r, ok := kernels.PeakRoof(c.Threads, 20*time.Millisecond); ok {
		c.GFLOPS, c.Roof = r.GFLOPS, r.ISA+" FMA peak"
	}
	ceilings[key] = c
	return c
}

// best returns the shortest of runs timings of fn, after one warm-up run.
func best(runs int, fn func()) time.Duration {
	fn()
	var b time.Duration
	for i := range runs {
		start := time.Now()
		fn()
		if d := time.Since(start); i == 0 || d < b {
			b = d
		}
	}
	return max(b, time.Microsecond)
}

// measureMatmul returns the GFLOP/s of an n×n×n product.
func measureMatmul(n int) float64 {
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(i%7)*0.25, float32(i%5)*0.5
	}
	d := best(4, func() { kernels.Matmul(false, false, n, n, n, 1, a, n, b, n, 0, c, n) })
	return 2 * float64(n) * float64(n) * float64(n) / d.Seconds() / 1e9
}

// measureCopy returns the GB/s of copying n float32s (read + written).
func measureCopy(n int) float64 {
	src, dst := make([]float32, n), make([]float32, n)
	for i := range src {
		src[i] = float32(i)
	}
	d := best(4, func() { copy(dst, src) })
	return 2 * 4 * float64(n) / d.Seconds() / 1e9
}
