//go:build js && wasm

package kernel

import (
	"errors"
	"strconv"
	"strings"
	"syscall/js"
)

// thrownText describes what a cell's own code threw — a Function's
// forward, a module's method, an optimizer's step, a kernel, a function
// under tt.check — in one wording for all of them:
//
//	TypeError: x.mul is not a function (line 4 of the cell that defines it, in Net.forward)
//
// The line matters because the error the cell finally sees is thrown
// again by the binding that called the code (fit, apply, a check), at the
// line that called it. The line is named within "the cell that defines
// it", not by the cell's number, which moving cells on the page changes.
// class, when not empty, replaces "Proxy", V8's name for the receiver of a
// cell module's method (the module's proxy). A thrown value that is not an
// Error is described: the string "no", an object, not an Error.
func thrownText(err error, class string) string {
	var jsErr js.Error
	if !errors.As(err, &jsErr) {
		// asJSError's "the function threw …" for a thrown primitive.
		return strings.TrimPrefix(err.Error(), "the function threw ")
	}
	v := jsErr.Value
	if typeOf(v) != js.TypeObject || !v.InstanceOf(js.Global().Get("Error")) {
		return describeJS(v) + ", not an Error"
	}
	what := stringOf(getProp(v, "name")) + ": " + stringOf(getProp(v, "message"))
	if frames := cellFrames(getProp(v, "stack")); len(frames) > 0 {
		if line := frameLine(frames[0]); line > 0 {
			what += " (line " + strconv.Itoa(line) + " of the cell that defines it"
			if fn := frameFunction(frames[0], class); fn != "" {
				what += ", in " + fn
			}
			what += ")"
		}
	}
	return what
}

// frameFunction is the function a frame kept by cellFrames names, "at
// Net.forward (cell 3, line 4)", or "" for a cell's top level or an
// anonymous function.
func frameFunction(frame, class string) string {
	if topLevel(frame) || !strings.HasPrefix(frame, "at ") {
		return ""
	}
	name, _, ok := strings.Cut(strings.TrimPrefix(frame, "at "), " (")
	if !ok || strings.ContainsAny(name, "<> ") {
		return ""
	}
	if class != "" {
		name = strings.Replace(name, "Proxy.", class+".", 1)
	}
	return strings.TrimPrefix(name, "Object.")
}
