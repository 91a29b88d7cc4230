//go:build browser

package browsertest

import (
	"encoding/json"
	"testing"
)

// TestKernelsRoofs measures the tab's WebAssembly SIMD roof from a cell
// (tt.kernels.roofs(), about a second): the multiply-add loop of
// engine/kernels/wasmsimd's peak.wat, plain and, where relaxed SIMD is,
// fused, latest first, each with 4 floats per instruction, one thread and
// a positive rate.
func TestKernelsRoofs(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	state, out := runCode(t, ctx, 1, `JSON.stringify({roofs: tt.kernels.roofs(), info: tt.kernels.info()})`)
	if state != "done" {
		t.Fatalf("the cell failed: %s", out)
	}
	var res struct {
		Roofs []struct {
			ISA     string  `json:"isa"`
			Lanes   int     `json:"lanes"`
			Threads int     `json:"threads"`
			GFLOPS  float64 `json:"gflops"`
		} `json:"roofs"`
		Info struct {
			WasmSimdFma string `json:"wasmSimdFma"`
		} `json:"info"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reading %q: %v", out, err)
	}
	want := []string{"wasm-simd"}
	if res.Info.WasmSimdFma == "ok" {
		want = []string{"wasm-simd-fma", "wasm-simd"}
	}
	if len(res.Roofs) != len(want) {
		t.Fatalf("tt.kernels.roofs() = %s, expected one roof for each of %v", out, want)
	}
	for i, r := range res.Roofs {
		if r.ISA != want[i] || r.Lanes != 4 || r.Threads != 1 || !(r.GFLOPS > 0) {
			t.Errorf("roof %d is %+v, expected %s, 4 lanes, 1 thread, a positive rate", i, r, want[i])
		}
		t.Logf("Chromium roof %s: %.1f GFLOP/s", r.ISA, r.GFLOPS)
	}
}
