//go:build js && wasm

package kernel

import (
	"reflect"
	"strings"
	"syscall/js"
	"testing"
	"time"
)

// TestCellMessage checks the rewriting of engine messages for a cell:
// Go's names become tt's, and a second prefix that names an engine
// package, a Go function or the same op is dropped.
func TestCellMessage(t *testing.T) {
	cases := []struct{ in, want string }{
		{"tt.nn.init.xavierUniform_: init: fan in and fan out need 2 dimensions", "tt.nn.init.xavierUniform_: fan in and fan out need 2 dimensions"},
		{"tt.zeros: tensor.Zeros: dimension 0 of shape [-1] is negative", "tt.zeros: dimension 0 of shape [-1] is negative"},
		{"tt.arange: arange: cannot go from 0 to 1 in steps of 0", "tt.arange: cannot go from 0 to 1 in steps of 0"},
		{"Linear: nn: tensor.Zeros: shape [2] needs", "Linear: shape [2] needs"},
		{"tt.oneHot: numClasses must be an integer, got an array", "tt.oneHot: numClasses must be an integer, got an array"},
		{"select: index 3 is out of range", "select: index 3 is out of range"},
		{"add_: a leaf; modify it inside NoGrad (as an optimizer step does)", "add_: a leaf; modify it inside tt.noGrad (as an optimizer step does)"},
		{"setRequiresGrad: computed by mul; use Detach for a copy outside the graph", "requiresGrad_: computed by mul; use detach() for a copy outside the graph"},
		{"backward: released; retain the graph (RetainGraph in Go, {retainGraph: true} in a cell)", "backward: released; retain the graph (backward({retainGraph: true}))"},
		{"add_: an expanded view; Clone it first", "add_: an expanded view; clone() it first"},
		{"no prefix at all", "no prefix at all"},
	}
	for _, c := range cases {
		if got := cellMessage(c.in); got != c.want {
			t.Errorf("cellMessage(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestCheckResult checks the "checked" message of an exercise's check: a
// pass carries the returned summary, a failure the thrown message and the
// .check fields that are set.
func TestCheckResult(t *testing.T) {
	eval := func(src string) js.Value { return js.Global().Call("eval", src) }
	thrown := func(src string) error {
		return js.Error{Value: eval("(() => { try { " + src + " } catch (e) { return e; } })()")}
	}
	pass := checkResult(3, eval(`"✓ 24 cases"`), nil, time.Millisecond)
	if pass["ok"] != true || pass["summary"] != "✓ 24 cases" || pass["type"] != "checked" || pass["id"] != 3 {
		t.Errorf("pass: %v", pass)
	}
	if got := checkResult(3, js.Undefined(), nil, 0)["summary"]; got != "✓ passed" {
		t.Errorf("a check returning nothing: %q", got)
	}
	if got := checkResult(3, eval("42"), nil, 0)["summary"]; got != "42" {
		t.Errorf("a check returning 42: %q", got)
	}
	plain := checkResult(3, js.Undefined(), thrown(`throw new Error("double(2) should be 4, got 3")`), 0)
	if plain["ok"] != false || plain["error"].(map[string]any)["message"] != "double(2) should be 4, got 3" || len(plain["fields"].(map[string]any)) != 0 {
		t.Errorf("plain Error: %v", plain)
	}
	structured := checkResult(3, js.Undefined(), thrown(`const e = new Error("wrong"); e.check = {name: "f", case: "broadcast", input: "", expected: 1.5, got: "2", index: "[1, 0]", mistake: null}; throw e;`), 0)
	want := map[string]any{"name": "f", "case": "broadcast", "expected": "1.5", "got": "2", "index": "[1, 0]"}
	if got := structured["fields"].(map[string]any); !reflect.DeepEqual(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	str := checkResult(3, js.Undefined(), asJSError(js.Error{Value: js.ValueOf("just a string")}), 0)
	if str["ok"] != false || !strings.Contains(str["error"].(map[string]any)["message"].(string), "just a string") {
		t.Errorf("a thrown string: %v", str)
	}
	if stopped := checkResult(3, js.Undefined(), errInterrupted, 0); stopped["interrupted"] != true || stopped["ok"] != false {
		t.Errorf("a stopped check: %v", stopped)
	}
	// Every message can be posted: js.ValueOf takes only plain maps,
	// slices and basic values (it panics on a named map type).
	for _, msg := range []map[string]any{pass, plain, structured, str} {
		js.ValueOf(msg)
	}
}
