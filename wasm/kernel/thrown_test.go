//go:build js && wasm

package kernel

import (
	"errors"
	"syscall/js"
	"testing"
)

// TestFrameFunction checks the function named in a throw's description:
// a method with its class for a module's proxy, none for a cell's top
// level or an anonymous function.
func TestFrameFunction(t *testing.T) {
	for _, tt := range []struct{ frame, class, want string }{
		{"at Net.forward (cell 3, line 4)", "", "Net.forward"},
		{"at Proxy.forward (cell 3, line 4)", "Net", "Net.forward"},
		{"at eval (cell 2, line 1)", "", ""},
		{"at cell 2, line 1", "", ""},
		{"at Object.myKernel (cell 2, line 5)", "", "myKernel"},
		{"at <anonymous> (cell 2, line 5)", "", ""},
	} {
		if got := frameFunction(tt.frame, tt.class); got != tt.want {
			t.Errorf("frameFunction(%q, %q) = %q, want %q", tt.frame, tt.class, got, tt.want)
		}
	}
}

// TestThrownText checks the description of thrown values that are not
// Errors, and of an Error without a cell in its stack.
func TestThrownText(t *testing.T) {
	e := js.Global().Get("RangeError").New("too big")
	e.Set("stack", "RangeError: too big\n    at f (cell-3.js:7:2)")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errors.New(`the function threw the string "no"`), `the string "no"`},
		{js.Error{Value: js.Global().Get("Object").New()}, "an object, not an Error"},
		{js.Error{Value: e}, "RangeError: too big (line 7 of the cell that defines it, in f)"},
	} {
		if got := thrownText(tt.err, ""); got != tt.want {
			t.Errorf("thrownText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
