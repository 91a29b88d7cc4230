//go:build js && wasm

package kernel

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/tensor"
)

// Error messages as a cell reads them. The engine's messages are written
// for Go and for JavaScript at once; two things need changing on the way
// to a cell: the engine's Go names (use Detach, inside NoGrad), which a
// JavaScript user must read as tt's names, and the prefixes, which pile
// up when a binding names itself in front of the engine's own name for
// the same op ("tt.nn.init.xavierUniform_: init: …"): a cell sees one.

// goNames maps the Go API's names in engine messages to tt's.
var goNames = strings.NewReplacer(
	"use Detach for a copy", "use detach() for a copy",
	"or Clone before modifying", "or clone() before modifying",
	"; Clone it first", "; clone() it first",
	"inside NoGrad", "inside tt.noGrad",
	"(RetainGraph in Go, {retainGraph: true} in a cell)", "(backward({retainGraph: true}))",
	"setRequiresGrad: ", "requiresGrad_: ",
	"(Detach, then SetRequiresGrad)", "(detach(), then requiresGrad_())",
)

// enginePrefix matches a prefix that names an engine package or a Go
// function of one ("init: ", "nn: ", "tensor.Zeros: ").
var enginePrefix = regexp.MustCompile(`^(tensor|nn|init|loss|optim|data|train|plot|profile|kernels|bench)(\.[A-Za-z]+)?: `)

// opPrefix matches the first prefix of a message, the op that failed.
var opPrefix = regexp.MustCompile(`^([A-Za-z_][\w.]*): `)

// cellMessage rewrites an error message for a cell: tt's names, and one
// prefix. A second prefix is dropped when it names an engine package or
// Go function, or the same op as the first (tt.arange: arange: …).
func cellMessage(msg string) string {
	msg = goNames.Replace(msg)
	first := opPrefix.FindStringSubmatch(msg)
	if first == nil {
		return msg
	}
	op := first[1]
	short := strings.ToLower(strings.TrimSuffix(op[strings.LastIndex(op, ".")+1:], "_"))
	rest := msg[len(first[0]):]
	for {
		if m := enginePrefix.FindString(rest); m != "" {
			rest = rest[len(m):]
			continue
		}
		if m := opPrefix.FindStringSubmatch(rest); m != nil && strings.ToLower(strings.TrimSuffix(m[1], "_")) == short {
			rest = rest[len(m[0]):]
			continue
		}
		return op + ": " + rest
	}
}

// recovered turns a panic recovered in the binding named name into the
// error a cell sees. An exception thrown by the cell's own code passes
// through; a tensor over the memory budget is an ordinary error (the
// engine panics with it where an op cannot return one: budget.go);
// anything else is a bug, reported as an internal error.
func recovered(name string, r any) error {
	if e, ok := r.(js.Error); ok {
		// Something the cell wrote threw while a binding read it (a
		// getter, a toString): the cell sees its own exception.
		return asJSError(e)
	}
	if err, ok := r.(error); ok {
		var size *tensor.SizeError
		if errors.As(err, &size) {
			// The op inside that asked (full inside pad) is a detail:
			// the message names the function the cell called.
			inner := *size
			inner.Op = ""
			return fmt.Errorf("%s: %w", name, &inner)
		}
	}
	return fmt.Errorf("%s: internal error: %v", name, r)
}

// checkFields are the fields of a check failure's .check that the page
// shows (tt.check's Failure sets them; EXERCISES.md §3), in order.
var checkFields = []string{"name", "case", "input", "expected", "got", "index", "mistake"}

// checkResult is the "checked" message that ends an exercise's check
// (runRequest.check). A check passes when it completes: summary is the
// value it returned, as text ("✓ passed" for none). It fails when it
// throws: error is the thrown value described as an error output
// (errorOutput: name, message, the stack inside the student's cells),
// and fields holds the thrown error's .check fields that are set, as
// strings, when it has them.
func checkResult(id int, value js.Value, err error, took time.Duration) (msg map[string]any) {
	msg = map[string]any{"type": "checked", "id": id, "ok": err == nil,
		"interrupted": err == errInterrupted || isInterruptError(err),
		"ms":          float64(took.Microseconds()) / 1000}
	defer func() { // a getter or toString of the check's value that throws
		if r := recover(); r != nil {
			msg["ok"], msg["summary"] = false, ""
			msg["error"] = map[string]any(errorOutput(asJSError(r)))
		}
	}()
	if err != nil {
		msg["error"] = map[string]any(errorOutput(err)) // js.ValueOf takes no named map type
		msg["fields"] = failureFields(err)
		return msg
	}
	msg["summary"] = checkSummary(value)
	return msg
}

// checkSummary is a passing check's value as the line the page shows.
func checkSummary(v js.Value) string {
	switch kindOf(v) {
	case kindUndefined:
		return "✓ passed"
	case kindString:
		return v.String()
	}
	return js.Global().Call("String", v).String()
}

// failureFields reads the .check fields of a thrown error: the ones set,
// as strings (a number or an array as JavaScript writes it).
func failureFields(err error) map[string]any {
	out := map[string]any{}
	e, ok := err.(js.Error)
	if !ok || typeOf(e.Value) != js.TypeObject {
		return out
	}
	check := getProp(e.Value, "check")
	if typeOf(check) != js.TypeObject {
		return out
	}
	for _, name := range checkFields {
		v := getProp(check, name)
		switch kindOf(v) {
		case kindUndefined, kindNull:
			continue
		case kindString:
			if v.String() != "" {
				out[name] = v.String()
			}
		default:
			out[name] = js.Global().Call("String", v).String()
		}
	}
	return out
}
