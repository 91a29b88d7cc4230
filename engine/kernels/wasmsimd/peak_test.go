package wasmsimd

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// peakNodeScript instantiates a peak module, checks that peak returns 0
// (zeros times zeros plus zeros), and times 2²⁴ rounds, best of 5.
const peakNodeScript = `
const fs = require("fs");
const wasm = Buffer.from(fs.readFileSync(process.argv[1], "utf8"), "base64");
const peak = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports.peak;
const first = peak(1000);
let best = Infinity;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  peak(1 << 24);
  best = Math.min(best, performance.now() - t0);
}
process.stdout.write(JSON.stringify({ first, ms: best }));
`

// TestPeakModules assembles peak.wat plain and fused: the fused text has
// one relaxed multiply-add per accumulator and no separate multiply left.
// Under node (V8, Chromium's engine), when installed, each module returns
// 0 and runs at a positive rate, which the test prints.
func TestPeakModules(t *testing.T) {
	fused := fuse(peakSource)
	count := func(src, instr string) (n int) {
		for line := range strings.Lines(src) {
			if strings.TrimSpace(line) == instr {
				n++
			}
		}
		return n
	}
	if n, muls := count(fused, "f32x4.relaxed_madd"), count(fused, "f32x4.mul"); n != 8 || muls != 0 {
		t.Fatalf("fused peak.wat has %d relaxed_madd (expected 8, one per accumulator) and %d f32x4.mul (expected 0)", n, muls)
	}
	node, err := exec.LookPath("node")
	for _, m := range []struct {
		name  string
		build func() ([]byte, error)
	}{{"plain", PeakModule}, {"fused", PeakFusedModule}} {
		mod, err2 := m.build()
		if err2 != nil {
			t.Fatalf("%s: %v", m.name, err2)
		}
		if err != nil {
			continue
		}
		in := filepath.Join(t.TempDir(), "peak.b64")
		if err := os.WriteFile(in, []byte(base64.StdEncoding.EncodeToString(mod)), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-e", peakNodeScript, in}
		if m.name == "fused" && exec.Command(node, "--experimental-wasm-relaxed-simd", "-e", "0").Run() == nil {
			args = append([]string{"--experimental-wasm-relaxed-simd"}, args...) // node 20: behind a flag
		}
		out, err := exec.Command(node, args...).Output()
		if err != nil {
			t.Fatalf("%s under node: %v", m.name, err)
		}
		var res struct{ First, Ms float64 }
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("%s under node: %v in %q", m.name, err, out)
		}
		if res.First != 0 || !(res.Ms > 0) {
			t.Fatalf("%s under node: peak returned %v (expected 0) in %v ms", m.name, res.First, res.Ms)
		}
		t.Logf("%s: %.1f GFLOP/s under node", m.name, float64(1<<24)*PeakFlopsPerRound/res.Ms/1e6)
	}
	if err != nil {
		t.Log("node is not installed: the modules were assembled but not run")
	}
}
