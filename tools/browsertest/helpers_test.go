//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The helpers every test of the suite uses to drive a notebook page, in
// one place: open a tab and a notebook (waiting for its kernel), type and
// run code, wait for a cell, read its state and output, run all cells,
// press keys and buttons, and save a screenshot. suite_test.go builds the
// site and starts the server and the browser they use.

// newTab opens a tab in the shared browser with a time limit for the test
// of 90 s. Each tab has a browser context of its own, like a fresh
// profile, so the edits one test saves in IndexedDB never reach another,
// and tests that use newTab can run in parallel (t.Parallel).
func newTab(t *testing.T) context.Context {
	t.Helper()
	return newTabWithin(t, 90*time.Second)
}

// newTabWithin is newTab with a time limit of its own, for a test that
// runs a long notebook.
//
// Its pages register no service worker: the worker's install downloads
// and stores the whole app (some 25 MB of wasm, scripts and chapters) in
// every fresh browser context, the largest share of what a tab cost the
// browser, and only the offline and deploy tests need it
// (newOfflineTab).
func newTabWithin(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	ctx := openTab(t, limit)
	// Navigator's serviceWorker is a configurable accessor (WebIDL): with
	// it gone, the page's `"serviceWorker" in navigator` is false, as in
	// a browser without service workers, and it goes on without one.
	onNewDocument(t, ctx, `delete Navigator.prototype.serviceWorker`)
	return ctx
}

// newOfflineTab is newTab for a test of what the service worker does
// (offline reloads, deploys, the first visit): its pages register it.
func newOfflineTab(t *testing.T) context.Context {
	t.Helper()
	return openTab(t, 90*time.Second)
}

// openTab opens a tab in a browser context of its own with a time limit.
func openTab(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	// Tests run in parallel, each in a window of its own, and only one
	// window has the system's focus: focus emulation lets every tab keep
	// its focused element, :focus-visible and key events as if it were
	// the one in front.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if _, err := chromedp.Call(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("emulating focus: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, limit)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

// openNotebook navigates to a notebook page and waits until its kernel
// is ready; it returns the time from navigation to ready, in milliseconds.
func openNotebook(t *testing.T, ctx context.Context, slug string) float64 {
	t.Helper()
	return openNotebookQuery(t, ctx, slug, "")
}

// openNotebookQuery is openNotebook with a query string, such as
// "?quick=1" for a milestone's short setting.
func openNotebookQuery(t *testing.T, ctx context.Context, slug, query string) float64 {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(baseURL+"/"+slug+".html"+query),
		chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`)),
	); err != nil {
		// A boot script or wasm refused by the Content-Security-Policy
		// leaves the kernel unready: say so when the tab watches for it
		// (watchPolicy).
		refused, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__ttCSP || []`))
		t.Fatalf("opening %s: %v; policy violations the document saw: %q", slug, err, refused)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__ttReadyMs`))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// reload reloads the page and waits for the kernel.
func reload(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`))); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates JavaScript in the page and decodes the result.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor waits until an element matches sel; on a time-out it fails the
// test with the state of every cell, to show what happened instead.
func waitFor(t *testing.T, ctx context.Context, sel string, timeout time.Duration) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
		states, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.documentElement.outerHTML.slice(0, 300),
			...[...document.querySelectorAll(".cell")].map((c) => c.id + " " + c.dataset.state + " [" + c.dataset.count + "] " + c.querySelector(".cell-output").innerText.slice(0, 200))]`))
		t.Fatalf("waiting for %s: %v\npage: %q", sel, err, states)
	}
}

// typeIntoCell replaces a cell's code by clicking into its editor,
// selecting all and typing. It fails at once, saying why, when the code
// did not land in the editor (rather than leaving the caller to wait for
// a run that cannot start).
func typeIntoCell(t *testing.T, ctx context.Context, n int, code string) {
	t.Helper()
	var got string
	for try := 0; try < 3; try++ {
		clickIntoEditor(t, ctx, n)
		if err := chromedp.Do(ctx,
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent("\b"),
		); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: code}); err != nil {
			t.Fatal(err)
		}
		// CodeMirror reads typed text from the DOM through a
		// MutationObserver, a moment later: wait for it to land, and
		// type again if it landed wrong (a busy machine).
		for wait := time.Now(); time.Since(wait) < 2*time.Second; time.Sleep(50 * time.Millisecond) {
			if got = cellCode(t, ctx, n); got == code {
				return
			}
		}
	}
	i := 0
	for i < len(got) && i < len(code) && got[i] == code[i] {
		i++
	}
	t.Fatalf("typing into cell %d: its editor holds %.100q, not the code typed (%.100q); they differ from byte %d: %q against %q",
		n, got, code, i, got[i:min(len(got), i+60)], code[i:min(len(code), i+60)])
}

// clickIntoEditor clicks into cell n's editor where a reader sees it: in
// the part of it inside the window and below the sticky header, after
// scrolling its middle to the window's. chromedp.Click clicks the middle
// of the element without scrolling an element that is partly in view, so
// for an editor taller than the window, partly above it after a long
// output, that point was off the window or on the header (its Download
// button took the click, the code was typed nowhere and Ctrl+Enter ran
// nothing). It fails unless the editor then has the focus.
func clickIntoEditor(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	pt := eval[[]float64](t, ctx, fmt.Sprintf(`(async () => {
		const ed = document.querySelector("#cell-%d .cm-content");
		ed.scrollIntoView({block: "center"});
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		const r = ed.getBoundingClientRect();
		const top = Math.max(r.top, document.querySelector("header.site")?.getBoundingClientRect().bottom ?? 0);
		const bottom = Math.min(r.bottom, innerHeight);
		// Right of the gutters: after typing a long line the editor
		// scrolls sideways, the line numbers and fold markers stay in
		// place over the start of the lines, and a click 40 px into the
		// content landed on a fold marker (it folded the code, and the
		// focus went to CodeMirror's scroller, where typing does nothing).
		const scroller = ed.closest(".cm-scroller").getBoundingClientRect();
		const left = Math.max(r.left, ed.closest(".cm-editor").querySelector(".cm-gutters")?.getBoundingClientRect().right ?? r.left);
		const right = Math.min(r.right, scroller.right);
		return [left + Math.min(40, (right - left) / 2), (top + bottom) / 2]; })()`, n))
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(pt[0], pt[1])); err != nil {
		t.Fatal(err)
	}
	focused := fmt.Sprintf(`document.activeElement.matches("#cell-%d .cm-content")`, n)
	if !eval[bool](t, ctx, focused) {
		t.Fatalf("clicking into cell %d's editor at (%.0f, %.0f) focused %s", n, pt[0], pt[1],
			eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 120)`))
	}
}

// cellCode reads a cell's code from its editor.
func cellCode(t *testing.T, ctx context.Context, n int) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#cell-%d .cell-editor").ttEditor.code()`, n))
}

// runCell clicks a cell's Run button and waits for that run to finish; it
// returns the cell's final state ("done" or "error") and its output text.
func runCell(t *testing.T, ctx context.Context, n int) (state, output string) {
	t.Helper()
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#cell-%d .cell-bar button", n)))); err != nil {
		t.Fatalf("running cell %d: %v", n, err)
	}
	waitCount(t, ctx, n, next)
	return cellResult(t, ctx, n)
}

// runCode replaces a cell's code by typing, runs it with Ctrl+Enter and
// waits for the run to finish.
func runCode(t *testing.T, ctx context.Context, n int, code string) (state, output string) {
	t.Helper()
	return runCodeWithin(t, ctx, n, code, 20*time.Second)
}

// runCodeWithin is runCode with a time limit of its own, for long cells
// such as the benchmarks.
func runCodeWithin(t *testing.T, ctx context.Context, n int, code string, limit time.Duration) (state, output string) {
	t.Helper()
	typeIntoCell(t, ctx, n, code)
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d[data-count="%d"]:is([data-state="done"], [data-state="error"])`, n, next), limit)
	return cellResult(t, ctx, n)
}

// startCode types code into a cell and starts it without waiting.
func startCode(t *testing.T, ctx context.Context, n int, code string) {
	t.Helper()
	typeIntoCell(t, ctx, n, code)
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#cell-%d[data-state="running"]`, n))),
	); err != nil {
		t.Fatal(err)
	}
}

// nextCount is the execution count the next run will get.
func nextCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`+(document.documentElement.dataset.execCount || 0) + 1`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitCount waits until cell n has run with execution count count and finished.
func waitCount(t *testing.T, ctx context.Context, n, count int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d[data-count="%d"]:is([data-state="done"], [data-state="error"])`, n, count), 20*time.Second)
}

// cellResult reads a cell's state and output text.
func cellResult(t *testing.T, ctx context.Context, n int) (state, output string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const c = document.querySelector("#cell-%d");
		return [c.dataset.state || "", c.querySelector(".cell-output").innerText.trim()]; })()`, n)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		t.Fatal(err)
	}
	return res[0], res[1]
}

// lastOutput runs code in cell n and returns its state and the text of
// its last output (after the progress bar).
func lastOutput(t *testing.T, ctx context.Context, n int, code string) (state, out string) {
	t.Helper()
	state, _ = runCode(t, ctx, n, code)
	out = eval[string](t, ctx, fmt.Sprintf(`(() => { const o = document.querySelector("#cell-%d .cell-output").lastElementChild;
		return o ? o.innerText.trim() : ""; })()`, n))
	return state, out
}

// lastLine is the last line of a cell's output: its value, after the
// progress bar that a long tt.bench shows.
func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }

// decodeJSON parses a cell's text output as JSON.
func decodeJSON(s string, v any) bool { return json.Unmarshal([]byte(s), v) == nil }

// clickAction presses a toolbar button by its data-action.
func clickAction(t *testing.T, ctx context.Context, action string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`nav.toolbar button[data-action=%q]`, action)))); err != nil {
		t.Fatalf("pressing %s: %v", action, err)
	}
}

// runAllToTheEnd presses Run all and waits until the run is over: the
// first cell has run, no cell is queued or running and no exercise is
// being checked. It waits as long as
// the tab's time limit allows (less 5 s, to report), or a minute. A
// failing cell stops Run all, as in Jupyter; the cells it left unrun are
// reported as errors, so a caller knows every cell either ran or was
// reported.
func runAllToTheEnd(t *testing.T, ctx context.Context) {
	t.Helper()
	limit := time.Minute
	if deadline, ok := ctx.Deadline(); ok {
		limit = time.Until(deadline) - 5*time.Second
	}
	next := nextCount(t, ctx)
	clickAction(t, ctx, "Run all")
	over := fmt.Sprintf(`(() => { const cells = [...document.querySelectorAll(".cell")];
		return +cells[0].dataset.count >= %d && !cells.some((c) => c.dataset.state === "queued" || c.dataset.state === "running" || c.dataset.check === "checking"); })()`, next)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](over, chromedp.WithPollingTimeout(limit))); err != nil {
		states := eval[[]string](t, ctx, `[...document.querySelectorAll(".cell")].map((c) => c.id + " " + (c.dataset.state || "idle"))`)
		t.Fatalf("Run all did not end within %v: %v; cells: %q", limit.Round(time.Second), err, states)
	}
	for _, c := range eval[[]string](t, ctx, `[...document.querySelectorAll(".cell")].filter((c) => !c.dataset.state || c.dataset.state === "idle").map((c) => c.id)`) {
		t.Errorf("%s did not run: Run all stopped at a failing cell", c)
	}
}

// key presses one key, with modifiers if given, as a keyboard does: a
// printable key's keydown carries its text, so the browser types it only
// if no handler cancelled the keydown. (chromedp.KeyEvent sends the text
// as a separate char event, which types even then: after Shift+Enter has
// moved the focus to the next cell, a line break would land there.)
func key(t *testing.T, ctx context.Context, k string, mods ...chromedp.Modifier) {
	t.Helper()
	r := []rune(k)[0]
	v, ok := kb.Keys[r]
	if !ok || len([]rune(k)) != 1 {
		t.Fatalf("key: no key for %q", k)
	}
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: v.Key, Code: v.Code,
		WindowsVirtualKeyCode: v.Windows, NativeVirtualKeyCode: v.Native}
	if v.Shift {
		down.Modifiers |= int64(chromedp.ModifierShift)
	}
	for _, m := range mods {
		down.Modifiers |= int64(m)
	}
	// With Ctrl or Alt held a key types nothing.
	if v.Print && down.Modifiers&int64(chromedp.ModifierCtrl|chromedp.ModifierAlt) == 0 {
		down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, v.Text, v.Unmodified
	}
	up := down
	up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	for _, e := range []input.DispatchKeyEventParams{down, up} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, e); err != nil {
			t.Fatalf("pressing %q: %v", k, err)
		}
	}
}

// hover moves the mouse to the centre of the element sel.
func hover(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	// Scroll first and wait two frames: the scroll event, which hides the
	// tooltip, must come before the pointer moves.
	c := eval[[]float64](t, ctx, fmt.Sprintf(`(async () => { const e = document.querySelector('%s'); e.scrollIntoView({block: "center"});
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`, sel))
	mouseMove(t, ctx, c[0], c[1])
}

// mouseMove moves the mouse to a point of the viewport.
func mouseMove(t *testing.T, ctx context.Context, x, y float64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
		t.Fatal(err)
	}
}

// scrollTo scrolls the page so that the element sel is in the middle of
// the window, and waits a frame for the page to paint.
func scrollTo(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`new Promise((r) => { document.querySelector(%q).scrollIntoView({block: "center"});
		requestAnimationFrame(() => requestAnimationFrame(() => r(true))); })`, sel))
}

// emulateColorScheme makes the tab prefer a light or dark colour scheme,
// as the system setting would.
func emulateColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	features := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
}

// inBothThemes runs test twice, as subtests "light" and "dark", each in a
// new tab that prefers that colour scheme and shows the notebook slug.
func inBothThemes(t *testing.T, slug string, test func(t *testing.T, ctx context.Context, scheme string)) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			ctx := newTab(t)
			emulateColorScheme(t, ctx, scheme)
			openNotebook(t, ctx, slug)
			test(t, ctx, scheme)
		})
	}
}

// onNewDocument runs script in every page the tab loads from now on, before
// the page's own scripts, until the returned function is called.
func onNewDocument(t *testing.T, ctx context.Context, script string) (remove func()) {
	t.Helper()
	res, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams(res)); err != nil {
			t.Error(err)
		}
	}
}

// saveScreenshot writes a PNG of what the window shows now (the viewport,
// as a reader sees it: a full-page capture would draw the sticky header in
// the middle of the page) under the folder named by TT_SCREENSHOTS
// (default: the system's temporary folder) and prints where.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("TT_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("saving screenshot: %v", err)
		return
	}
	fmt.Printf("screenshot: %s\n", path)
}

// The suite asserts what a student would notice, and prints the timings:
// a stop that reaches the running code takes well under a second on an
// idle machine (a restart instead, the fallback, loses the cell's
// variables, which the stop tests check), and a page that freezes holds
// its main thread for the whole training run, seconds. The limits are
// wide so that a busy machine (a CI runner, eight jobs on two cores)
// does not fail them; the figures themselves are for make bench.
const (
	stopLimit   = 10 * time.Second
	freezeLimit = 2000 // ms, the longest main-thread task during training
)
