//go:build browser

package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Tests of tt.bench and tt.bench.compare (wasm/kernel/bench.go over
// engine/bench) and of the chapter 11 and 12 notebooks. They check that
// the figures are consistent (percentiles in order, iterations counted,
// the baseline's ratio 1), never how fast anything is.

func TestBench2Result(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `tt.manualSeed(0);
const a = tt.randn([64, 64]), b = tt.randn([64, 64]);
const before = tt.memory().numTensors;
const r = tt.bench(() => a.matmul(b), {warmup: 2, iterations: 25, flops: 2 * 64 ** 3, bytes: 3 * 64 * 64 * 4, items: 1, name: "matmul 64"});
[r.name, r.min <= r.p50 && r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max, r.median === r.p50,
 r.iterations, r.samples.length, r.calls === r.iterations * r.batch, r.batch >= 1,
 r.mean > 0 && r.ci95 >= 0 && r.std >= 0, r.gflops > 0 && r.gbps > 0 && r.throughput > 0,
 Math.abs(r.gflops - 2 * 64 ** 3 / (r.median / 1e3) / 1e9) < 1e-6 * r.gflops,
 r.energy.timeJ > 0 && r.energy.opsJ > 0, tt.memory().numTensors - before].join(" ")`
	// The last output: a run longer than half a second shows a progress bar first.
	state, out := lastOutput(t, ctx, 1, code)
	if want := "matmul 64 true true 25 25 true true true true true true 0"; state != "done" || out != want {
		t.Fatalf("state %q, output %q\nwant %q", state, out, want)
	}
	// The result shows as a table, with the derived figures and the energy note.
	state, out = runCode(t, ctx, 2, "r")
	if state != "done" {
		t.Fatalf("display: state %q, output %q", state, out)
	}
	head := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-2 table.tt-bench thead th")].map((th) => th.textContent)`)
	if got := strings.Join(head, "|"); got != "benchmark|p50|p90|p99|mean ± 95% CI|sd|items/s|GFLOP/s|GB/s|energy (time model)|energy (op model)" {
		t.Errorf("table header %q", got)
	}
	row := eval[string](t, ctx, `document.querySelector("#cell-2 table.tt-bench tbody th").textContent`)
	foot := eval[string](t, ctx, `document.querySelector("#cell-2 table.tt-bench tfoot").textContent`)
	if row != "matmul 64" || !strings.Contains(foot, "25 samples") || !strings.Contains(foot, "Horowitz") {
		t.Errorf("row %q, footer %q", row, foot)
	}
	fmt.Printf("tt.bench display:\n%s\n", eval[string](t, ctx, `document.querySelector("#cell-2 table.tt-bench").innerText`))
	// Bad calls name the function and what was expected.
	for code, want := range map[string]string{
		"tt.bench(42)":                                "tt.bench: expected a function to time",
		"tt.bench(() => 1, {iterations: 0})":          "tt.bench: options.iterations must be at least 1",
		"tt.bench(() => 1, {flops: 'many'})":          "tt.bench: options.flops must be a number",
		"tt.bench(async () => 1)":                     "tt.bench: the function returned a Promise",
		"tt.bench(() => { throw new Error('boom') })": "Error: boom",
		"tt.bench.compare({only: () => 1})":           "tt.bench.compare: expected at least two functions",
	} {
		if state, out := runCode(t, ctx, 2, code); state != "error" || !strings.Contains(out, want) {
			t.Errorf("%s: state %q, output %q; want an error containing %q", code, state, out, want)
		}
	}
}

func TestBench2Compare(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `tt.manualSeed(0);
const a = tt.randn([96, 96]), b = tt.randn([96, 96]);
const using = (name) => () => { tt.kernels.use(name); a.matmul(b); };
const cmp = tt.bench.compare({naive: using("naive"), "wasm-simd": using("wasm-simd")}, {warmup: 2, iterations: 12, flops: 2 * 96 ** 3});
tt.kernels.use("wasm-simd");
const r = cmp.ratios;
[cmp.baseline, cmp.fastest, r.naive.median, r.naive.rounds, r["wasm-simd"].rounds, r["wasm-simd"].median > 1,
 r["wasm-simd"].p10 <= r["wasm-simd"].median && r["wasm-simd"].median <= r["wasm-simd"].p90,
 cmp.results.naive.iterations, cmp.results["wasm-simd"].gflops > cmp.results.naive.gflops].join(" ")`
	state, out := lastOutput(t, ctx, 1, code) // after the progress bar of a slow run
	if want := "naive wasm-simd 1 12 12 true true 12 true"; state != "done" || out != want {
		t.Fatalf("state %q, output %q\nwant %q", state, out, want)
	}
	runCode(t, ctx, 2, "cmp")
	head := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-2 table.tt-bench thead th")].map((th) => th.textContent)`)
	cells := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-2 table.tt-bench tbody tr")].map((tr) => tr.children[1].textContent)`)
	if len(head) < 2 || head[1] != "speed vs naive" || len(cells) != 2 || cells[0] != "1.00× (baseline)" || !strings.Contains(cells[1], "× (") {
		t.Errorf("compare table: header %q, ratio cells %q", head, cells)
	}
	fmt.Printf("tt.bench.compare display:\n%s\n", eval[string](t, ctx, `document.querySelector("#cell-2 table.tt-bench").innerText`))
}

// TestBench2Stop: Stop ends a long benchmark between two samples even
// when the function makes no tt call, without restarting the kernel, and
// a benchmark that runs for more than half a second shows its progress.
func TestBench2Stop(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	runCode(t, ctx, 1, "const kept = 6;")
	startCode(t, ctx, 2, "tt.bench(() => { let s = 0; for (let i = 0; i < 3e6; i++) s += i % 7; return s }, {iterations: 100000})")
	time.Sleep(1200 * time.Millisecond)
	bar := eval[bool](t, ctx, `document.querySelector("#cell-2 .cell-output progress") !== null`)
	start := time.Now()
	clickAction(t, ctx, "■ Stop")
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`#cell-2[data-state="error"]`))); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	fmt.Printf("stop of a tt.bench took %v\n", took.Round(time.Millisecond))
	if took > stopLimit {
		t.Errorf("stopping took %v, want under %v", took, stopLimit)
	}
	if _, out := cellResult(t, ctx, 2); !strings.Contains(out, "KeyboardInterrupt: the cell was stopped") || strings.Contains(out, "restarted") {
		t.Errorf("cell 2 output %q", out)
	}
	if !bar {
		t.Errorf("no progress bar after 1.2 s of benchmarking")
	}
	if state, out := runCode(t, ctx, 1, "kept * 7"); state != "done" || out != "42" {
		t.Errorf("after the stop: state %q, output %q; want the kept variable", state, out)
	}
}

// TestBench2Roofline: tt.plot.roofline (wasm/kernel/plot.go over
// engine/plot) draws the engine's roofline from points given as objects,
// as [name, intensity, gflops] and as tt.bench results with flops and
// bytes, and names what is wrong with a bad call.
func TestBench2Roofline(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := `const u = tt.rand([4096]), v = tt.rand([4096]);
const r = tt.bench(() => u.add(v), {name: "add", warmup: 1, iterations: 5, flops: 4096, bytes: 12 * 4096});
const chart = tt.plot.roofline([r, {name: "matmul", intensity: 20, gflops: 8}, ["relu", 0.125, 0.5]], {peak: 16, bandwidth: 4, title: "Roofline test"});
display(chart);
const pts = Math.abs(r.gflops / r.gbps - 1 / 12) < 1e-9;
[pts, String(chart).length > 0].join(" ")`
	state, out := runCode(t, ctx, 1, code)
	if state != "done" {
		t.Fatalf("state %q, output %q", state, out)
	}
	svg := "#cell-1 svg[data-chart=\"roofline\"]"
	got := eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('%s .tt-point')].map((p) => p.dataset.series + " " + (+p.dataset.x).toPrecision(3) + " " + p.dataset.y)`, svg))
	if len(got) != 3 || !strings.HasPrefix(got[0], "add 0.0833 ") || got[1] != "matmul 20.0 8" || got[2] != "relu 0.125 0.5" {
		t.Errorf("roofline points %q, want add at 1/12 FLOP/byte, matmul at 20 and 8 GFLOP/s, relu at 0.125 and 0.5", got)
	}
	desc := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('%s desc').textContent`, svg))
	if !strings.Contains(desc, "Roofline chart: Roofline test") || !strings.Contains(desc, "Compute ceiling 16 GFLOP/s, memory bandwidth 4 GB/s, ridge point at 4 FLOP/byte") ||
		!strings.Contains(desc, "matmul: 20 FLOP/byte, 8 GFLOP/s, 50% of the roof, compute-bound") {
		t.Errorf("roofline description %q", desc)
	}
	for code, want := range map[string]string{
		"tt.plot.roofline({}, {peak: 1, bandwidth: 1})":                          "tt.plot.roofline: expected (points, {peak, bandwidth})",
		"tt.plot.roofline([], {peak: 1})":                                        "tt.plot.roofline: options peak (GFLOP/s) and bandwidth (GB/s) are required",
		"tt.plot.roofline([], {peak: 'x', bandwidth: 1})":                        "tt.plot.roofline: option peak must be a number",
		"tt.plot.roofline([{name: 'a', gflops: 1}], {peak: 1, bandwidth: 1})":    `point 0 ("a") has neither an intensity nor a gbps number`,
		"tt.plot.roofline([['a', 1]], {peak: 1, bandwidth: 1})":                  "point 0 must be [name, intensity, gflops]",
		"tt.plot.roofline([['a', -1, 2]], {peak: 1, bandwidth: 1})":              "has intensity -1",
		"tt.plot.roofline([{name: 'b', intensity: 2}], {peak: 1, bandwidth: 1})": `point 0 ("b") has no gflops number`,
	} {
		if state, out := runCode(t, ctx, 2, code); state != "error" || !strings.Contains(out, want) {
			t.Errorf("%s: state %q, output %q; want an error containing %q", code, state, out, want)
		}
	}
}
