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
		fmt.Fprintf(&b, "  results[\"line%d\"] = {ok: String(%d * %d), note: \"a line of a long cell, as a check test's\"};\n", i, i, k)
	}
	fmt.Fprintf(&b, "  return %d;\n})()", k)
	return b.String()
}

// TestRunLongCellAgain types a second (third, …) long program into a cell
// that has run and runs it with Ctrl+Enter, as the check tests did when
// a run sometimes never started.
func TestRunLongCellAgain(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	for k := 1; k <= 6; k++ {
		state, out := runCode(t, ctx, 1, longProgram(k, 120+20*k))
		if state != "done" || out != fmt.Sprint(k) {
			t.Fatalf("run %d of a long cell: %q, %q", k, state, out)
		}
	}
}
