package check

import (
	"fmt"
	"strings"
)

// Failure is the report of a failed check, the fields tt.check.Failure
// carries in its .check: which function and case, the case's input
// (short), expected against got at the first differing element, its index
// and the mistake named, if any.
type Failure struct {
	Name     string // the student's function, such as "reluBackward"
	Case     string // the case, such as "negative values"
	Input    string // the case's inputs, short
	What     string // what differs: "the output", "the gradient of input 2"
	Expected string
	Got      string
	Index    string // the first differing element, "[1, 0]"; empty for a shape
	Mistake  string
	Hint     string
	// Detail is a further line, such as what the student's code threw.
	Detail string
}

// FromMismatch makes the failure of a case from a mismatch.
func FromMismatch(name, caseName, input, what string, m *Mismatch) Failure {
	f := Failure{Name: name, Case: caseName, Input: input, What: what, Mistake: m.Mistake, Hint: m.Hint}
	if m.Index == nil {
		f.Expected, f.Got = "shape "+FormatShape(m.WantShape), "shape "+FormatShape(m.GotShape)
	} else {
		f.Expected, f.Got, f.Index = FormatNumber(m.Want), FormatNumber(m.Got), FormatShape(m.Index)
	}
	if f.Mistake == WrongShape {
		f.Mistake = "" // the expected and got shapes say it already
	}
	return f
}

// Message is the failure as a student reads it, over a few lines:
//
//	reluBackward: the output differs on the case "negative values"
//	  input: x = [3, 4] [-0.2, -0.5, …]
//	  at [1, 0]: expected 0, got -0.53
//	  likely mistake: wrong sign: every element has the opposite sign
func (f Failure) Message() string {
	var b strings.Builder
	b.WriteString(f.Name + ": ")
	switch {
	case f.What != "" && f.Case != "":
		fmt.Fprintf(&b, "%s differs on the case %q", f.What, f.Case)
	case f.What != "":
		b.WriteString(f.What + " differs")
	case f.Case != "":
		fmt.Fprintf(&b, "fails on the case %q", f.Case)
	default:
		b.WriteString("fails")
	}
	if f.Input != "" {
		b.WriteString("\n  input: " + f.Input)
	}
	switch {
	case f.Index != "":
		fmt.Fprintf(&b, "\n  at %s: expected %s, got %s", f.Index, f.Expected, f.Got)
	case f.Expected != "" || f.Got != "":
		fmt.Fprintf(&b, "\n  expected %s, got %s", f.Expected, f.Got)
	}
	if f.Detail != "" {
		b.WriteString("\n  " + f.Detail)
	}
	if f.Mistake != "" {
		b.WriteString("\n  likely mistake: " + f.Mistake)
		if f.Hint != "" {
			b.WriteString(" (" + f.Hint + ")")
		}
	}
	return b.String()
}
