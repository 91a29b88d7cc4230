//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
	"testing"
)

// jsonValue parses JSON into a JavaScript value, for test arguments.
func jsonValue(s string) js.Value { return js.Global().Get("JSON").Call("parse", s) }

// TestReaderKeepsFirstError checks that the reader keeps the first error
// and that reads after it return their zero value or default.
func TestReaderKeepsFirstError(t *testing.T) {
	r := readArgs("f", []js.Value{js.ValueOf("x"), js.ValueOf(2.5), js.ValueOf(3)})
	if n := r.Int(0, "a", 7); n != 7 {
		t.Errorf("a failed read returned %d, want the default 7", n)
	}
	if n := r.Int(2, "c", 0); n != 0 {
		t.Errorf("a read after an error returned %d, want 0", n)
	}
	r.Int(1, "b", 0) // a second error is not kept
	err := r.Err()
	if err == nil || err.Error() != `f: a must be an integer, got the string "x"` {
		t.Errorf("error %v, want the first one, named", err)
	}
	if _, err := r.Done(1, nil); err == nil {
		t.Errorf("Done returned no error after a failed read")
	}
}

// TestReaderArguments checks each typed read on a good value, a missing
// one and a wrong one.
func TestReaderArguments(t *testing.T) {
	args := []js.Value{js.ValueOf(3), js.ValueOf(0.5), js.ValueOf(true), js.ValueOf("s"), js.Null(), jsonValue("[2, 3]")}
	r := readArgs("f", args)
	if got := r.Int(0, "n", 0); got != 3 {
		t.Errorf("Int = %d", got)
	}
	if got := r.Float(1, "x", 0); got != 0.5 {
		t.Errorf("Float = %v", got)
	}
	if got := r.Bool(2, "b", false); !got {
		t.Errorf("Bool = %v", got)
	}
	if got := r.String(3, "s", ""); got != "s" {
		t.Errorf("String = %q", got)
	}
	if got := r.Int(4, "null", 9); got != 9 {
		t.Errorf("Int of null = %d, want the default", got)
	}
	if got := r.Size(9, "beyond", 4); got != 4 {
		t.Errorf("Size of a missing argument = %d, want the default", got)
	}
	if got := r.Ints(5, "shape"); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Errorf("Ints of an array = %v", got)
	}
	if got := r.Dims(4); got != nil {
		t.Errorf("Dims of null = %v, want nil (every dim)", got)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	spread := readArgs("f", []js.Value{js.ValueOf(4), js.ValueOf(5), jsonValue("{}")})
	if got := spread.Ints(0, "shape"); len(got) != 2 || got[1] != 5 {
		t.Errorf("Ints of separate arguments before an options object = %v", got)
	}
	for _, c := range []struct {
		read func(r *argReader)
		want string
	}{
		{func(r *argReader) { r.NeedInt(7, "dim") }, "f: missing dim (argument 8)"},
		{func(r *argReader) { r.Size(0, "n", 0) }, "f: n must be ≥ 0, got -1"},
		{func(r *argReader) { r.Bool(0, "flag", false) }, "f: flag must be true or false, got the number -1"},
		{func(r *argReader) { r.String(0, "label", "") }, "f: label must be a string, got the number -1"},
		{func(r *argReader) { r.Func(0, "fn") }, "f: fn must be a function, got the number -1"},
	} {
		r := readArgs("f", []js.Value{js.ValueOf(-1)})
		c.read(r)
		if err := r.Err(); err == nil || err.Error() != c.want {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// TestReaderOptions checks options given as an object, positionally and
// both, and that an unknown key is rejected with the known ones listed.
func TestReaderOptions(t *testing.T) {
	cases := []struct {
		args []js.Value
		lr   float64
		mom  float64
		err  string
	}{
		{[]js.Value{js.ValueOf(0), jsonValue(`{"lr": 0.5, "momentum": 0.9}`)}, 0.5, 0.9, ""},
		{[]js.Value{js.ValueOf(0), js.ValueOf(0.25)}, 0.25, 0, ""},
		{[]js.Value{js.ValueOf(0), js.ValueOf(0.25), jsonValue(`{"momentum": 0.8}`)}, 0.25, 0.8, ""},
		{[]js.Value{js.ValueOf(0)}, 0.01, 0, ""},
		{[]js.Value{js.ValueOf(0), js.Undefined(), jsonValue(`{"lr": 0.3}`)}, 0.3, 0, ""},
		{[]js.Value{js.ValueOf(0), jsonValue(`{"lr": 0.5, "momentun": 0.9}`)}, 0, 0,
			`tt.optim.SGD: unknown option "momentun" (known: lr, momentum, nesterov)`},
		{[]js.Value{js.ValueOf(0), js.ValueOf(0.1), jsonValue(`{"lr": 0.5}`)}, 0, 0,
			"tt.optim.SGD: lr is given twice, as argument 2 and as an option"},
		{[]js.Value{js.ValueOf(0), js.ValueOf(0.1), js.ValueOf(0.2)}, 0, 0,
			"tt.optim.SGD: 3 arguments, expected at most 2 (lr) and an options object"},
		{[]js.Value{js.ValueOf(0), jsonValue(`{"lr": "fast"}`)}, 0, 0,
			`tt.optim.SGD: lr must be a number, got the string "fast"`},
	}
	for _, c := range cases {
		r := readArgs("tt.optim.SGD", c.args)
		o := r.Options(1, "lr")
		lr, mom := o.Float("lr", 0.01), o.Float("momentum", 0)
		o.Bool("nesterov", false)
		err := r.Err()
		switch {
		case c.err == "" && (err != nil || lr != c.lr || mom != c.mom):
			t.Errorf("lr, momentum = %v, %v, %v; want %v, %v", lr, mom, err, c.lr, c.mom)
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("error %v, want %q", err, c.err)
		}
	}
	// Without positional keys, a value that is not an options object is
	// refused rather than ignored.
	r := readArgs("tt.tensor", []js.Value{jsonValue("[1]"), js.ValueOf(5)})
	r.Options(1).Bool("requiresGrad", false)
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "argument 2 must be an options object {…}, got the number 5") {
		t.Errorf("error %v", err)
	}
	// Known declares keys that only some paths read.
	r = readArgs("f", []js.Value{jsonValue(`{"epochs": 2}`)})
	o := r.Options(0)
	o.Int("totalSteps", 0)
	o.Known("epochs")
	if err := r.Err(); err != nil {
		t.Errorf("a key declared known was refused: %v", err)
	}
}
