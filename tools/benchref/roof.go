package main

import (
	"fmt"
	"runtime"
	"time"

	"tinytorch/engine/bench"
	"tinytorch/engine/kernels"
	"tinytorch/internal/benchjson"
)

// scalingTargets are issue 18's targets for native training: samples/s on
// 2 threads at least this many times 1 thread's.
var scalingTargets = map[string]float64{"lenet": 1.6, "mlp256": 1.5}

// roofTable measures the machine's FMA roof (kernels.MeasureRoofs: a loop
// of independent fused multiply-adds per vector width) on one core and on
// all of them, and prints it. The same VM type gives AVX-512 twice AVX2's
// rate on some hosts and the same rate on others, so the kernels' figures
// are read against the roof measured in the same run.
func roofTable() []kernels.Roof {
	fmt.Println("measuring the FMA roof…")
	roofs := kernels.MeasureRoofs(runtime.GOMAXPROCS(0), 10*time.Millisecond)
	t := &bench.Table{Title: "Measured FMA roof: loops of independent fused multiply-adds (kernels.MeasureRoofs)",
		Header: []string{"instruction set", "floats per FMA", "threads", "GFLOP/s", "GFLOP/s per thread"}}
	var js []map[string]any
	for _, r := range roofs {
		t.Add(r.ISA, r.Lanes, r.Threads, r.GFLOPS, r.GFLOPS/float64(r.Threads))
		js = append(js, map[string]any{"isa": r.ISA, "lanes": r.Lanes, "threads": r.Threads, "gflops": r.GFLOPS})
	}
	if len(roofs) == 0 {
		t.Notes = append(t.Notes, "no FMA loop for this CPU (amd64 with AVX2+FMA or AVX-512 only)")
	}
	t.Notes = append(t.Notes, "each figure: the best of 10 runs of about 10 ms; an FMA counts as 2 floating-point operations; "+
		"12 (AVX2) or 24 (AVX-512) independent accumulators hide the FMA latency (engine/kernels/fmapeak_amd64.s)")
	show(t)
	jsonData["roof"] = map[string]any{"native": js}
	return roofs
}

// roofFor returns the roof of isa ("" for the widest) at a thread count.
func roofFor(roofs []kernels.Roof, isa string, threads int) (kernels.Roof, bool) {
	for _, r := range roofs {
		if (isa == "" || r.ISA == isa) && r.Threads == threads {
			return r, true
		}
		if isa == "" && r.Threads == threads {
			break
		}
	}
	return kernels.Roof{}, false
}

// roofShareTable prints each native matmul kernel's GFLOP/s as a share of
// the widest roof at its thread count (and, for a kernel forced to one
// instruction set, of that set's roof), at every size.
func roofShareTable(goRows []*goRow, roofs []kernels.Roof) {
	if len(roofs) == 0 {
		return
	}
	t := &bench.Table{Title: "Native matmul kernels: share of the measured FMA roof at the same thread count", Header: []string{"kernel", "threads", "roof"}}
	for _, n := range sizes {
		t.Header = append(t.Header, fmt.Sprintf("n=%d", n))
	}
	var js []map[string]any
	for _, r := range goRows {
		isas := []string{""}
		if isa, ok := forcedISA(r.name); ok && isa != roofs[0].ISA {
			isas = append(isas, isa) // also against its own set's roof
		}
		for _, isa := range isas {
			roof, ok := roofFor(roofs, isa, r.threads)
			if !ok {
				continue
			}
			row := []any{r.name, r.threads, fmt.Sprintf("%s %.0f GFLOP/s", roof.ISA, roof.GFLOPS)}
			for _, n := range sizes {
				if g, ok := r.gflops[n]; ok {
					row = append(row, fmt.Sprintf("%.0f%%", 100*g/roof.GFLOPS))
					js = append(js, map[string]any{"kernel": r.name, "threads": r.threads, "n": n, "roof_isa": roof.ISA, "share": g / roof.GFLOPS})
				} else {
					row = append(row, "")
				}
			}
			t.Add(row...)
		}
	}
	show(t)
	jsonData["roof_share"] = js
}

// forcedISA returns the instruction set of a kernel forced to one
// ("simd-avx2" → "avx2").
func forcedISA(kernel string) (string, bool) {
	switch kernel {
	case "simd-avx2":
		return "avx2", true
	case "simd-avx512":
		return "avx512", true
	}
	return "", false
}

// chromiumRoofNotes says what the WebAssembly SIMD roof measured in the
// ops benchmark's tab was (tt.kernels.roofs()) and the Chromium matmul's
// share of the roof of its own kernel, at every size.
func chromiumRoofNotes(ops benchjson.Ops) []string {
	if len(ops.Roofs) == 0 {
		return []string{"Chromium's WebAssembly SIMD roof: not measured (no tt.kernels.roofs() figures)"}
	}
	var notes []string
	roof := ops.Roofs[0]
	for _, r := range ops.Roofs {
		notes = append(notes, fmt.Sprintf("Chromium roof %s (multiply-add loop of %d-float vectors, engine/kernels/wasmsimd/peak.wat): %.1f GFLOP/s", r.ISA, r.Lanes, r.GFLOPS))
		if r.ISA == ops.Kernel {
			roof = r
		}
	}
	var js []map[string]any
	for _, r := range ops.Rows {
		if r.Unit == "GFLOP/s" {
			notes = append(notes, fmt.Sprintf("Chromium matmul n=%d (kernel %s): %.1f GFLOP/s = %.0f%% of the %s roof", r.N, ops.Kernel, r.Rate, 100*r.Rate/roof.GFLOPS, roof.ISA))
			js = append(js, map[string]any{"kernel": ops.Kernel, "n": r.N, "roof_isa": roof.ISA, "share": r.Rate / roof.GFLOPS})
		}
	}
	if m, ok := jsonData["roof"].(map[string]any); ok {
		m["chromium"], m["chromium_share"] = ops.Roofs, js
	}
	return notes
}
