//go:build browser

package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// longProgram is a cell of about n lines that returns its number k.
func longProgram(k, n int) string {
	var b strings.Builder
	b.WriteString("(() => {\n  const results = {};\n")
	for i := range n {
		fmt.Fprintf(&b, "  results[\"line%d\"] = {ok: String(%d * %d), note: \"a line of a long cell\"};\n", i, i, k)
	}
	fmt.Fprintf(&b, "  return %d;\n})()", k)
	return b.String()
}

// TestRunLongCellAgain types a second long program into a cell that has
// run and runs it with Ctrl+Enter, with the page scrolled as a long
// output leaves it: the editor, taller than the window, partly above it,
// its middle under the sticky header. typeIntoCell clicked the middle of
// the editor, which was then the header's Download button: the program
// was typed nowhere and the run never started (the check tests' "stuck
// execution count", seen on long cells).
func TestRunLongCellAgain(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	for k := 1; k <= 4; k++ {
		if k > 1 {
			eval[bool](t, ctx, `(() => { const r = document.querySelector("#cell-1 .cm-content").getBoundingClientRect();
				const header = document.querySelector("header.site").getBoundingClientRect();
				scrollBy(0, r.top + r.height / 2 - header.height / 2); return true; })()`)
		}
		state, out := runCode(t, ctx, 1, longProgram(k, 100+20*k))
		if state != "done" || out != fmt.Sprint(k) {
			t.Fatalf("run %d of a long cell: %q, %q", k, state, out)
		}
	}
}

// TestRunDuringItsCheck: Ctrl+Enter on an exercise cell whose check is
// under way (its run is over) queues a new run of the cell, which starts
// when the check ends. The page dropped it: the cell was still the one
// "running", and the key only announced that.
func TestRunDuringItsCheck(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, fixtureSlug)
	// A double that takes 2 s, so that its check (which calls it) does.
	typeIntoCell(t, ctx, 2, "function double(x) {\n  const t0 = performance.now();\n  while (performance.now() - t0 < 2000) {}\n  return 2 * x;\n}")
	pressExercise(t, ctx, "double", "check")
	waitFor(t, ctx, exSel("double")+`[data-check="checking"][data-state="done"]`, 10*time.Second)
	typeIntoCell(t, ctx, 2, doubleCode+"\n'again'")
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	if s := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.check`, exSel("double"))); s != "checking" {
		t.Fatalf("the check ended (%s) before the second run was asked for: the test proves nothing", s)
	}
	waitCount(t, ctx, 2, next)
	if state, out := cellResult(t, ctx, 2); state != "done" || !strings.Contains(out, "again") {
		t.Errorf("the run asked for during the check: %q, %q", state, out)
	}
	if s := waitCheck(t, ctx, "double"); s != "passed" {
		t.Errorf("the check under way when the cell was run again ended %s, want passed", s)
	}
}
