package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one mistake in a config: where it is, the key at fault and what
// is wrong with it, written as the compilers write theirs,
//
//	run.yaml:4:7: optim.lr: "fast" is a string, expected a number
//	--set optim.lr=fast: optim.lr: "fast" is a string, expected a number
type Error struct {
	// Where is the file, or the --set assignment the value came from.
	Where string
	// Line and Col are 1-based; 0 when the position is not known (a
	// syntax error's column, a default value's line).
	Line, Col int
	// Key is the dotted path of the key, "optim.lr"; "" for the document.
	Key string
	// Msg says what is wrong and what was expected.
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Where)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every mistake found in one file or override, in the order of
// the file, so that one run of the command shows them all.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders the errors by position and returns them as an error, or
// nil when there are none.
func (es Errors) sorted() error {
	if len(es) == 0 {
		return nil
	}
	slices.SortStableFunc(es, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return es
}
