package main

import (
	"fmt"

	"tinytorch/engine/bench"
	"tinytorch/internal/benchjson"
)

// firstVisitTable: the first visit over an emulated slow link
// (tools/browsertest/bench_firstload_test.go), each visit's time and
// bytes, with issue 18's targets for it.
func firstVisitTable(v benchjson.FirstVisit) {
	t := &bench.Table{Title: fmt.Sprintf("Chromium: first visit over an emulated %.0f Mbit/s, %.0f ms round-trip link", v.MbitPerSec, v.RTTMs),
		Header: []string{"visit", "ms", "bytes sent", "wasm bytes", "target"}}
	for _, r := range v.Visits {
		target := ""
		switch r.Name {
		case "chapter, cold: first cell runnable":
			target = fmt.Sprintf("≤ %.0f ms, wasm ≤ %.2f MB: %s", v.TargetColdMs, float64(v.TargetWasm)/1e6,
				met(r.Ms <= v.TargetColdMs && r.WasmBytes <= v.TargetWasm))
		case "chapter, warm: first cell runnable":
			target = fmt.Sprintf("≤ %.0f ms: %s", v.TargetWarmMs, met(r.Ms <= v.TargetWarmMs))
		}
		t.Add(r.Name, r.Ms, r.Bytes, r.WasmBytes, target)
	}
	t.Notes = append(t.Notes, fmt.Sprintf("the site served on 127.0.0.1 through a link that delays each chunk by half the round trip and shares the bandwidth among all connections, each way "+
		"(it slows the workers' and the service worker's requests, which DevTools' emulation of the page does not); scripts and wasm at brotli level %d; "+
		"cold: a fresh browser profile; warm: the same profile again, its service worker in control; chapter: navigation to its first runnable cell; "+
		"first Run: the click on cell 1 to its output; %s", v.BrotliLevel, v.UA))
	show(t)
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}
