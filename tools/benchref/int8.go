package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"tinytorch/engine/bench"
	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/int8mm"
)

// The int8 kernels of engine/kernels/int8mm (issue 14): their rate at the
// milestone MLP's shapes against the machine's measured int8 peak, and
// against the float32 product of the same shape, the one a float Linear
// layer computes (x·Wᵀ with the default float kernel).

// int8Shapes are the products of the milestone MLP (784→128→10) at batch
// 1 and 64, and a square one, as m, n, k.
var int8Shapes = [][3]int{{1, 128, 784}, {1, 10, 128}, {64, 128, 784}, {64, 10, 128}, {256, 256, 256}}

// int8Bench prints and records both tables.
func int8Bench() {
	peaks := map[string]float64{}
	machinePeak, machinePeakName := 0.0, ""
	for _, p := range int8mm.Peaks() {
		rate := p.Measure(300 * time.Millisecond)
		peaks[p.Variant] = rate
		if rate > machinePeak {
			machinePeak, machinePeakName = rate, p.Instruction
		}
		fmt.Printf("int8 peak, %s: %.1f GOP/s\n", p.Instruction, rate/1e9)
	}
	defer func() { check(int8mm.Use(int8mm.Names()[len(int8mm.Names())-1])) }()
	// Against a one-core peak, on one goroutine: a large product would
	// otherwise split its columns between two (int8mm's tiles).
	threads := kernels.SetThreads(1)
	kt := &bench.Table{Title: "Native int8 kernels C = A·Bᵀ (int8 × int8 → int32, exact), one thread: GOP/s against the measured int8 peak",
		Header: []string{"m×n×k", "kernel", "GOP/s", "% of its instruction's peak", "% of the machine's int8 peak"}}
	for _, peak := range int8mm.Peaks() {
		kt.Notes = append(kt.Notes, fmt.Sprintf("peak of %s (kernel %s), a register-only loop on one core, best of 300 ms: %.1f GOP/s",
			peak.Instruction, peak.Variant, peaks[peak.Variant]/1e9))
	}
	var rows []map[string]any
	for _, s := range int8Shapes {
		m, n, k := s[0], s[1], s[2]
		a, w := int8Inputs(m, n, k)
		c := make([]int32, m*n)
		var list []bench.Candidate
		for _, name := range int8mm.Names() {
			list = append(list, bench.Candidate{Name: name, Fn: func() {
				check(int8mm.Use(name))
				w.MatMul(c, a, m)
			}})
		}
		cmp := bench.Compare(list, bench.Options{Warmup: 1, Iterations: int8Iters(), FLOPs: 2 * float64(m*n*k)})
		for i, r := range cmp.Results {
			name := list[i].Name
			gops := r.GFLOPS()
			kt.Add(fmt.Sprintf("%d×%d×%d", m, n, k), name, gops, percent(gops*1e9, peaks[name]), percent(gops*1e9, machinePeak))
			rows = append(rows, map[string]any{"m": m, "n": n, "k": k, "kernel": name, "gops": gops})
		}
	}
	show(kt)
	kernels.SetThreads(threads)
	jsonData["int8_kernels"] = map[string]any{"peaks_gops": scaled(peaks, 1e-9), "machine_peak": machinePeakName, "rows": rows}
	int8VersusFloat()
}

// int8VersusFloat compares the fastest int8 kernel with the float32
// product of the same shape, interleaved, at the MLP's shapes; the batch's
// two layers together are the targets.
func int8VersusFloat() {
	check(int8mm.Use(int8mm.Names()[len(int8mm.Names())-1]))
	t := &bench.Table{Title: fmt.Sprintf("int8 (%s) against float32 (kernels %q), both on up to %d threads, at the MLP's products, interleaved", int8mm.Name(), kernels.Current(), kernels.Threads()),
		Header: []string{"m×n×k", "float32 GFLOP/s", "int8 GOP/s", "int8 speed ÷ float32 (p10–p90)"}}
	t.Notes = append(t.Notes, "a Linear layer's product x·Wᵀ: float32 through kernels.Matmul, int8 through int8mm.Packed.MatMul; quantizing x and requantizing C are not in these times (engine/quant's benchmark has them)",
		"each splits a product between goroutines once it is large enough: float32 from about 4 million floating-point operations, int8 from about 8 million operations (kernels.Parallel); at batch 1 both run on one")
	var rows []map[string]any
	layerTimes := map[int][2]time.Duration{} // batch → float, int8 time of both layers
	for _, s := range int8Shapes[:4] {
		m, n, k := s[0], s[1], s[2]
		a, w := int8Inputs(m, n, k)
		x, wf := make([]float32, m*k), make([]float32, n*k)
		for i := range x {
			x[i] = float32(a[i])
		}
		for i, v := range int8Weights(n, k) {
			wf[i] = float32(v)
		}
		c, y := make([]int32, m*n), make([]float32, m*n)
		cmp := bench.Compare([]bench.Candidate{
			{Name: "float32", Fn: func() { kernels.Matmul(false, true, m, n, k, 1, x, k, wf, k, 0, y, n) }},
			{Name: "int8", Fn: func() { w.MatMul(c, a, m) }},
		}, bench.Options{Warmup: 1, Iterations: int8Iters(), FLOPs: 2 * float64(m*n*k)})
		r := cmp.Ratios[1]
		t.Add(fmt.Sprintf("%d×%d×%d", m, n, k), cmp.Results[0].GFLOPS(), cmp.Results[1].GFLOPS(), fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Median, r.P10, r.P90))
		rows = append(rows, map[string]any{"m": m, "n": n, "k": k, "float_gflops": cmp.Results[0].GFLOPS(), "int8_gops": cmp.Results[1].GFLOPS(), "ratio": r.Median})
		lt := layerTimes[m]
		layerTimes[m] = [2]time.Duration{lt[0] + cmp.Results[0].P50, lt[1] + cmp.Results[1].P50}
	}
	for _, batch := range []int{1, 64} {
		lt := layerTimes[batch]
		ratio := lt[0].Seconds() / lt[1].Seconds()
		t.Notes = append(t.Notes, fmt.Sprintf("batch %d, both layers' products: float32 %v, int8 %v: %.2f×", batch, lt[0], lt[1], ratio))
		targets = append(targets, target{What: fmt.Sprintf("native MLP products (784→128→10), batch %d: int8 kernel ÷ float32 kernel speed", batch),
			Measured: ratio, Want: 2})
	}
	show(t)
	jsonData["int8_vs_float32"] = rows
}

// int8Inputs returns a random m×k A and a Packed random n×k B.
func int8Inputs(m, n, k int) ([]int8, *int8mm.Packed) {
	rng := rand.New(rand.NewPCG(uint64(m), uint64(k)))
	a := make([]int8, m*k)
	for i := range a {
		a[i] = int8(rng.IntN(256) - 128)
	}
	return a, int8mm.Pack(int8Weights(n, k), n, k)
}

// int8Weights returns the same random n×k weights on every call.
func int8Weights(n, k int) []int8 {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(k)))
	b := make([]int8, n*k)
	for i := range b {
		b[i] = int8(rng.IntN(256) - 128)
	}
	return b
}

// int8Iters is the number of interleaved rounds of a comparison.
func int8Iters() int {
	if *quick {
		return 3
	}
	return 15
}

// percent returns 100·rate/peak, or 0 (an empty cell) without a peak.
func percent(rate, peak float64) float64 {
	if peak == 0 {
		return 0
	}
	return 100 * rate / peak
}

// scaled returns m with every value multiplied by f.
func scaled(m map[string]float64, f float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		out[k] = v * f
	}
	return out
}
