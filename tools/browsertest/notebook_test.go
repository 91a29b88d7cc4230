//go:build browser

package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestIndexListsNotebooks(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.chapters")))
	if err != nil {
		t.Fatal(err)
	}
	for _, nb := range built.Notebooks {
		label := nb.Chapter
		if label[0] >= '0' && label[0] <= '9' {
			label = "Ch. " + label
		}
		for _, want := range []string{label, nb.Title, nb.Summary} {
			if !strings.Contains(text, want) {
				t.Errorf("index lacks %q; it reads:\n%s", want, text)
			}
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`ol.chapters a[href="01-system.html"]`)),
		chromedp.WaitReady(chromedp.CSS("#cell-1")),
	); err != nil {
		t.Fatalf("following the first chapter link: %v", err)
	}
}

func TestFirstCellRuns(t *testing.T) {
	ctx := newTab(t)
	readyMs := openNotebook(t, ctx, "01-system")
	fmt.Printf("navigation to first cell runnable: %.0f ms (of which building tt in the kernel: %.0f ms)\n", readyMs, eval[float64](t, ctx, `window.__ttKernelSetupMs`))
	fmt.Printf("  kernel start-up, ms since navigation: %s\n", eval[string](t, ctx, `(() => { const k = window.__ttKernelTimes || {}, o = performance.timeOrigin;
		const nav = performance.getEntriesByType("navigation")[0];
		return "page HTML parsed " + Math.round(nav.domInteractive) + ", worker script " + Math.round(k.script - o) + ", kernel wasm compiled " + Math.round(k.compiled - o) +
			", Go started " + Math.round(k.goStarted - o) + ", ready " + Math.round(window.__ttReadyMs); })()`))
	if !eval[bool](t, ctx, `crossOriginIsolated`) {
		t.Errorf("the page is not cross-origin isolated")
	}
	state, out := runCell(t, ctx, 1)
	if state != "done" || !strings.Contains(out, "tensor · shape [2, 2] · float32") {
		t.Fatalf("cell 1: state %q, output %q", state, out)
	}
	cells := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-1 .tensor-table td")].map((td) => td.textContent)`)
	if strings.Join(cells, " ") != "19 22 43 50" {
		t.Errorf("table cells = %v, want 19 22 43 50", cells)
	}
	text := eval[string](t, ctx, `document.querySelector("#cell-1 .tensor-text").textContent`)
	if want := "tensor([[19., 22.],\n        [43., 50.]])"; text != want {
		t.Errorf("printed tensor = %q, want %q", text, want)
	}
	// What a reader sees around the cell, on a laptop and on a phone.
	scrollTo(t, ctx, "#cell-1")
	saveScreenshot(t, ctx, "notebook-1280.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	scrollTo(t, ctx, "#cell-1")
	saveScreenshot(t, ctx, "notebook-first-cell-390.png")
}

func TestErrorShowsLineAndKernelSurvives(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	state, out := runCell(t, ctx, 2)
	want := "Error: matmul: shapes [2, 2] and [1, 3] cannot be multiplied"
	if state != "error" || !strings.HasPrefix(out, want) || !strings.Contains(out, "at line 1 of cell 2") {
		t.Fatalf("cell 2: state %q, output %q; want error, %q … at line 1 of cell 2", state, out, want)
	}
	if state, out := runCell(t, ctx, 1); state != "done" || !strings.Contains(out, "19") {
		t.Fatalf("after the error, cell 1: state %q, output %q", state, out)
	}
	state, out = runCode(t, ctx, 1, "const a = 1;\n\nnull.x")
	if state != "error" || !strings.HasPrefix(out, "TypeError: Cannot read properties of null") || !strings.Contains(out, "at line 3 of cell 1") {
		t.Fatalf("runtime error: state %q, output %q", state, out)
	}
	// The editor draws the highlight a frame or two after the output.
	n, deadline := 0, time.Now().Add(3*time.Second)
	for {
		n = eval[int](t, ctx, `document.querySelectorAll("#cell-1 .tt-error-line").length`)
		if n != 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n != 1 {
		t.Errorf("%d highlighted error lines, want 1", n)
	}
	scrollTo(t, ctx, "#cell-1")
	saveScreenshot(t, ctx, "error-line.png")
	if strings.Contains(out, "wasm") || strings.Contains(out, "worker") {
		t.Errorf("the stack shows the kernel's frames: %q", out)
	}
}

// TestCellSemantics types code into a cell and runs it with Ctrl+Enter,
// covering what a cell shows and how errors read.
func TestCellSemantics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, code, state, output string
	}{
		{"version", "tt.version()", "done", "0.1.0"},
		{"array as a tree", "tt.tensor([[1, 2, 3], [4, 5, 6]]).shape", "done", "Array(2)\n0: 2\n1: 3"},
		{"semicolon hides the value", "1 + 1;", "done", ""},
		{"console and display in order", "console.log('a'); display('b'); console.error('c'); 'd'", "done", "a\nb\nc\nd"},
		{"top-level await", "await new Promise((r) => setTimeout(() => r('later'), 20))", "done", "later"},
		{"tensor text", "tt.tensor([[1, 2, 3]]).matmul(tt.ones(3, 40)).toString()", "done", "tensor([[6., 6., 6.,"},
		{"ragged", "tt.tensor([[1, 2], [3]])", "error", "Error: tt.tensor: ragged array: element at [1] has length 1, expected 2 like its first sibling"},
		{"not a number", "tt.tensor([[1, 'two']])", "error", `Error: tt.tensor: element at [0][1] is the string "two", expected a number`},
		{"syntax error", "const x = 1;\ntt.tensor([1, 2)", "error", "SyntaxError: Unexpected token (line 2, column 16)\n  at line 2 of cell 1"},
		{"autograd", "const w = tt.tensor([2, 3], {requiresGrad: true});\nw.mul(w).sum().backward();\nw.grad.toArray()", "done", "Array(2)\n0: 4\n1: 6"},
		{"no gradient is null", "const v = tt.ones(2, {requiresGrad: true});\n[v.grad, v.gradFn, v.mul(2).gradFn]", "done", "Array(3)\n0: null\n1: null\n2: \"mul\""},
		{"unfold", "tt.arange(16).reshape(1, 1, 4, 4).unfold(2, {stride: 2}).shape", "done", "Array(3)\n0: 1\n1: 4\n2: 4"},
	}
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			state, out := runCode(t, ctx, 1, tc.code)
			if state != tc.state || !strings.HasPrefix(out, tc.output) {
				t.Fatalf("state %q, output %q; want %q, prefix %q", state, out, tc.state, tc.output)
			}
		})
	}
}

// TestSharedScope: a later cell sees an earlier cell's declarations.
func TestSharedScope(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	runCode(t, ctx, 1, "const base = 40; let more = 1; function plus(x) { return x + more } class Box { constructor(v) { this.v = v } }")
	state, out := runCode(t, ctx, 2, "new Box(plus(base)).v + more")
	if state != "done" || out != "42" {
		t.Fatalf("state %q, output %q; want done, 42", state, out)
	}
}

func TestShiftEnterRunsAndMovesOn(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	typeIntoCell(t, ctx, 1, "6 * 7")
	const cell2Code = `document.querySelector("#cell-2 .cm-content").innerText`
	before := eval[string](t, ctx, cell2Code)
	next := nextCount(t, ctx)
	key(t, ctx, "\r", chromedp.ModifierShift)
	waitCount(t, ctx, 1, next)
	if _, out := cellResult(t, ctx, 1); out != "42" {
		t.Errorf("output %q, want 42", out)
	}
	if !eval[bool](t, ctx, `!!document.activeElement.closest("#cell-2")`) {
		t.Errorf("the focus did not move to cell 2")
	}
	// The key that ran cell 1 must not also type a line break in cell 2.
	if after := eval[string](t, ctx, cell2Code); after != before {
		t.Errorf("cell 2's code changed from %q to %q", before, after)
	}
}

// TestMathIsTypeset: TeX in the prose becomes MathML.
func TestMathIsTypeset(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	waitFor(t, ctx, `.math[data-typeset] math`, 5*time.Second)
	if tex := eval[string](t, ctx, `document.querySelector(".math[data-typeset]").dataset.tex`); tex != `c_{ij} = \sum_k a_{ik} b_{kj}` {
		t.Errorf("typeset TeX = %q", tex)
	}
}
