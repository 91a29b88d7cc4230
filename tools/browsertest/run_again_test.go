//go:build browser

package browsertest

import (
	"fmt"
	"strings"
	"testing"
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
