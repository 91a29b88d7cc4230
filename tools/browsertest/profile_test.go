//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// profileStep is a cell that profiles one training step of a small MLP
// written with tensors alone (checkProfileModules profiles a tt.nn one).
const profileStep = `tt.manualSeed(0);
const x = tt.rand(32, 784), y = tt.randint(0, 10, [32]);
const W1 = tt.randn(784, 64).mul(0.05).requiresGrad_(), W2 = tt.randn(64, 10).mul(0.1).requiresGrad_();
const step = () => {
  const loss = x.matmul(W1).relu().matmul(W2).logSoftmax(1).gather(1, y.reshape(32, 1)).mean().neg();
  W1.zeroGrad(); W2.zeroGrad();
  loss.backward();
  tt.profile.phase('optimizer', () => tt.noGrad(() => { W1.sub_(W1.grad.mul(0.1)); W2.sub_(W2.grad.mul(0.1)); }));
};
step();
const report = tt.profile(step);
display(report);
display(report.chart('ops'));
report.downloadTrace()`

// TestProfileTrainingStep profiles a training step in a cell and finds
// the table, the bar chart and the trace download.
func TestProfileTrainingStep(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	if state, out := runCode(t, ctx, 1, profileStep); state != "done" {
		t.Fatalf("state %q, output %q", state, out)
	}
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-1 .tt-profile-table tbody th")].map((th) => th.textContent)`)
	for _, want := range []string{"matmul", "matmulBackward", "relu", "sub_"} {
		if !contains(rows, want) {
			t.Errorf("the op table has no row %s: %v", want, rows)
		}
	}
	if caption := eval[string](t, ctx, `document.querySelector("#cell-1 .tt-profile-table caption").textContent`); caption != "Ops, by total time" {
		t.Errorf("table caption %q", caption)
	}
	series := eval[[]string](t, ctx, `[...document.querySelectorAll('#cell-1 svg.tt-chart[data-chart="bar"] .tt-legend-item')].map((g) => g.dataset.series)`)
	if strings.Join(series, " ") != "forward backward optimizer" {
		t.Errorf("bar chart legend %v, want forward backward optimizer", series)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#cell-1 button[data-download="trace.json"]`))); err != nil {
		t.Fatal(err)
	}
	text := waitDownload(t, ctx, "trace.json")
	var trace struct {
		TraceEvents []struct {
			Name string `json:"name"`
			Ph   string `json:"ph"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal([]byte(text), &trace); err != nil {
		t.Fatalf("the trace is not JSON: %v", err)
	}
	names := map[string]bool{}
	for _, e := range trace.TraceEvents {
		names[e.Ph+" "+e.Name] = true
	}
	for _, want := range []string{"X matmul", "X matmulBackward", "X backward", "X optimizer", "C live tensor memory"} {
		if !names[want] {
			t.Errorf("the trace lacks %q", want)
		}
	}

	// An async function: the report arrives when it settles, and the
	// profile covers both steps.
	code := "const r2 = await tt.profile(async () => { step(); await new Promise((r) => setTimeout(r, 10)); step(); });\n" +
		"[r2.byOp().find((o) => o.name === 'matmul').calls, r2.phases().map((p) => p.phase).join(' ')].join(' / ')"
	if state, out := runCode(t, ctx, 2, code); state != "done" || out != "4 / forward backward optimizer" {
		t.Errorf("async profile: state %q, output %q; want 4 matmuls in forward, backward and optimizer phases", state, out)
	}
	// A failure inside is the cell's error, and the next profile works.
	if state, out := runCode(t, ctx, 2, "tt.profile(() => { throw new Error('inside') })"); state != "error" || !strings.Contains(out, "inside") {
		t.Errorf("a throwing function: state %q, output %q", state, out)
	}
	if state, out := runCode(t, ctx, 2, "tt.profile(() => tt.ones(2, 3).exp()).numOps"); state != "done" || out != "1" {
		t.Errorf("after a failed profile: state %q, output %q, want 1", state, out)
	}
	checkProfileModules(t, ctx)
}

// profileModel is a cell that profiles a training step of a tt.nn model,
// whose ops carry module paths.
const profileModel = `tt.manualSeed(0);
const net = tt.nn.Sequential(tt.nn.Linear(20, 16), tt.nn.ReLU(), tt.nn.Linear(16, 4));
const opt = tt.optim.SGD(net.parameters(), {lr: 0.1});
const xs = tt.rand(8, 20), ys = tt.randint(0, 4, [8]);
const netReport = tt.profile(() => {
  opt.zeroGrad();
  tt.nn.CrossEntropyLoss().call(net.call(xs), ys).backward();
  tt.profile.phase('optimizer', () => opt.step());
});
netReport`

// checkProfileModules profiles a tt.nn model in cell 2 and checks that
// the module table lists its layers by path and type, and that the ops
// name their modules.
func checkProfileModules(t *testing.T, ctx context.Context) {
	t.Helper()
	if state, out := runCode(t, ctx, 2, profileModel); state != "done" {
		t.Fatalf("profiling a tt.nn model: state %q, output %q", state, out)
	}
	captions := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-2 .tt-profile-table caption")].map((c) => c.textContent)`)
	if len(captions) != 2 || !strings.HasPrefix(captions[1], "Modules") {
		t.Fatalf("tables %q, want the ops and the modules", captions)
	}
	modules := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-2 .tt-profile-table")[1].querySelectorAll("tbody th")].map((th) => th.textContent)`)
	for _, want := range []string{"Sequential", "0 (Linear)", "1 (ReLU)", "2 (Linear)", "(outside modules)"} {
		if !contains(modules, want) {
			t.Errorf("the module table has no row %q: %v", want, modules)
		}
	}
	code := `const ms = new Set(netReport.events().filter((e) => e.name === 'matmulBackward').map((e) => e.module));
[...ms].sort().join(', ') + ' / ' + netReport.byModule().filter((m) => m.type === 'Linear').map((m) => m.module + ' ' + m.paramBytes).join(', ')`
	if state, out := runCode(t, ctx, 1, code); state != "done" || out != "0 (Linear), 2 (Linear) / 0 (Linear) 1344, 2 (Linear) 272" &&
		out != "0 (Linear), 2 (Linear) / 2 (Linear) 272, 0 (Linear) 1344" {
		t.Errorf("module paths of the events and parameter bytes: state %q, output %q; want both Linear layers, with (20·16+16)·4 and (16·4+4)·4 bytes", state, out)
	}
}

// TestProfileChartInteraction: hovering shows the value under the
// pointer, a legend entry hides and shows its series (by mouse and by
// keyboard), and a live line chart keeps both after updates.
func TestProfileChartInteraction(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	code := "display(tt.plot.bar(['matmul', 'relu'], {forward: [3, 1], backward: [5, 2]}, {stacked: true, title: 'Time'}));\n" +
		"const c = tt.plot.line({loss: [3, 2]}, {title: 'Loss'});\nconst h = display(c);\n" +
		"for (let i = 2; i < 6; i++) { c.append('loss', i, 3 / i); h.update(c); }"
	if state, out := runCode(t, ctx, 1, code); state != "done" {
		t.Fatalf("state %q, output %q", state, out)
	}
	bar := `#cell-1 svg[data-chart="bar"]`
	hover(t, ctx, bar+` .tt-series[data-series="backward"] rect[data-category="matmul"]`)
	if tip := tooltip(t, ctx); tip != "matmul — backward: 5" {
		t.Errorf("tooltip over a bar: %q", tip)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(bar+` .tt-legend-item[data-series="backward"]`))); err != nil {
		t.Fatal(err)
	}
	hidden := func() string {
		return eval[string](t, ctx, fmt.Sprintf(`document.querySelector('%s .tt-series[data-series="backward"]').getAttribute("display") + " " +
			document.querySelector('%s .tt-legend-item[data-series="backward"]').getAttribute("aria-pressed")`, bar, bar))
	}
	if got := hidden(); got != "none false" {
		t.Errorf("after clicking the legend entry: display, aria-pressed = %q, want none false", got)
	}
	// Keyboard: the entry is focusable and Enter shows the series again.
	eval[bool](t, ctx, fmt.Sprintf(`(document.querySelector('%s .tt-legend-item[data-series="backward"]').focus(), true)`, bar))
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if got := hidden(); got != "null true" {
		t.Errorf("after Enter on the legend entry: display, aria-pressed = %q, want null true", got)
	}

	// The live line chart, updated four times: the read-out gives the
	// value at the nearest x.
	line := `#cell-1 svg[data-chart="line"]`
	if n := eval[int](t, ctx, `document.querySelectorAll('#cell-1 svg[data-chart="line"]').length`); n != 1 {
		t.Fatalf("%d line charts, want 1 updated in place", n)
	}
	if pts := eval[string](t, ctx, `document.querySelector('#cell-1 svg[data-chart="line"] .tt-series').dataset.x`); pts != "0 1 2 3 4 5" {
		t.Errorf("line chart x values %q, want 0 1 2 3 4 5", pts)
	}
	eval[bool](t, ctx, `(async () => { document.querySelector('#cell-1 svg[data-chart="line"]').scrollIntoView({block: "center"});
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); return true; })()`)
	rect := eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector('%s .tt-plot').dataset.plotRect.split(" ").map(Number);
		const m = document.querySelector('%s').getScreenCTM(); const d = document.querySelector('%s .tt-plot').dataset.xDomain.split(" ").map(Number);
		const p = new DOMPoint(r[0] + r[2] * (3.2 - d[0]) / (d[1] - d[0]), r[1] + r[3] / 2).matrixTransform(m);
		return [p.x, p.y]; })()`, line, line, line))
	mouseMove(t, ctx, rect[0], rect[1])
	if tip := tooltip(t, ctx); tip != "x = 3\nloss: 1" {
		t.Errorf("tooltip over the line chart: %q, want x = 3, loss: 1", tip)
	}
	// Hiding the series survives an update.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(line+` .tt-legend-item[data-series="loss"]`))); err != nil {
		t.Fatal(err)
	}
	if state, out := runCode(t, ctx, 2, "c.append('loss', 6, 0.5); h.update(c); 'ok'"); state != "done" {
		t.Fatalf("update from another cell: %q %q", state, out)
	}
	if got := eval[string](t, ctx, `String(document.querySelector('#cell-1 svg[data-chart="line"] .tt-series').getAttribute("display"))`); got != "none" {
		t.Errorf("after an update the hidden series has display %q, want none", got)
	}

	// tt.plot.timeline takes spans as objects or arrays.
	code = `tt.plot.timeline([{row: 'layer 1', start: 0, duration: 2, label: 'fc1', kind: 'forward'}, ['layer 2', 2, 1, 'fc2', 'forward'],
  ['layer 2', 3, 2, 'fc2', 'backward'], {row: 'layer 1', start: 5, duration: 4, label: 'fc1', kind: 'backward'}], {title: 'Step', timeUnit: 'ms'})`
	if state, out := runCode(t, ctx, 2, code); state != "done" {
		t.Fatalf("tt.plot.timeline: state %q, output %q", state, out)
	}
	tl := `#cell-2 svg[data-chart="timeline"]`
	got := eval[string](t, ctx, fmt.Sprintf(`[...new Set([...document.querySelectorAll('%s [data-row]')].map((e) => e.dataset.row))].join(' ') + ' / ' +
		[...document.querySelectorAll('%s .tt-legend-item')].map((e) => e.dataset.series).join(' ') + ' / ' + document.querySelector('%s title').textContent`, tl, tl, tl))
	if got != "layer 1 layer 2 / forward backward / Step" {
		t.Errorf("timeline rows / legend / title: %q, want layer 1 layer 2 / forward backward / Step", got)
	}
	if state, out := runCode(t, ctx, 2, "tt.plot.timeline([{row: 'a', start: 0}])"); state != "error" || !strings.Contains(out, "tt.plot.timeline: span 0 needs a row name (string), a start and a duration (numbers)") {
		t.Errorf("a span without a duration: state %q, output %q", state, out)
	}
}

// tooltip returns the chart tooltip's text, "" when it is hidden.
func tooltip(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `(() => { const e = document.querySelector(".tt-tooltip"); return e && !e.hidden ? e.textContent : ""; })()`)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
