//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
	"testing"
)

// bigInt makes the JavaScript BigInt of a decimal string.
func bigInt(s string) js.Value { return js.Global().Call("BigInt", s) }

// TestToInt checks the integer converter on every kind of value a cell
// may pass: before value.go a BigInt panicked syscall/js ("bad type flag").
func TestToInt(t *testing.T) {
	cases := []struct {
		v    js.Value
		want int
		err  string
	}{
		{js.ValueOf(3), 3, ""},
		{js.ValueOf(-2), -2, ""},
		{bigInt("10"), 10, ""},
		{bigInt("9007199254740992"), 1 << 53, ""},
		{bigInt("9007199254740993"), 0, "beyond ±2^53"},
		{js.ValueOf(2.5), 0, "n must be an integer, got the number 2.5"},
		{js.ValueOf(1e300), 0, "got the number 1e+300"},
		{js.Global().Get("NaN"), 0, "got the number NaN"},
		{js.Global().Get("Infinity"), 0, "got the number Infinity"},
		{js.ValueOf("3"), 0, `got the string "3"`},
		{js.Null(), 0, "got null"},
		{js.Undefined(), 0, "got undefined"},
		{js.ValueOf([]any{1}), 0, "got an array"},
		{js.ValueOf(map[string]any{}), 0, "got an object"},
		{js.Global().Get("Symbol").Invoke("s"), 0, "got a symbol"},
		{js.Global().Get("Float32Array").New(2), 0, "got a Float32Array"},
	}
	for _, c := range cases {
		got, err := toInt("n", c.v)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("toInt(%s) = %d, %v; want %d", describeJS(c.v), got, err, c.want)
			}
		} else if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("toInt(%s) error %v; want one containing %q", describeJS(c.v), err, c.err)
		}
	}
	if _, err := toSize("size", js.ValueOf(-1)); err == nil || !strings.Contains(err.Error(), "size must be ≥ 0, got -1") {
		t.Errorf("toSize(-1) error %v", err)
	}
	if k := kindOf(bigInt("1")); k != kindBigInt {
		t.Errorf("kindOf(1n) = %d, want kindBigInt", k)
	}
	if typ := typeOf(bigInt("1")); typ != js.TypeSymbol {
		t.Errorf("typeOf(1n) = %v, want a symbol (a type no binding reads)", typ)
	}
}

// TestWithoutBigInts checks the boundary: BigInts at any depth of arrays
// and plain objects become numbers, other values stay the same objects,
// and a BigInt too large to be exact is refused with its place.
func TestWithoutBigInts(t *testing.T) {
	plain := js.ValueOf(map[string]any{"lr": 0.1})
	nested := js.Global().Get("JSON").Call("parse", `{"w": [[1, 2]], "b": 3}`)
	nested.Get("w").Index(0).SetIndex(1, bigInt("7"))
	args := []js.Value{bigInt("2"), plain, nested, js.ValueOf("s")}
	out, err := withoutBigInts(args)
	if err != nil {
		t.Fatal(err)
	}
	if typeOf(out[0]) != js.TypeNumber || out[0].Int() != 2 {
		t.Errorf("argument 1 became %s, want the number 2", describeJS(out[0]))
	}
	if !out[1].Equal(plain) {
		t.Errorf("an object without BigInts was copied")
	}
	if got := out[2].Get("w").Index(0).Index(1); typeOf(got) != js.TypeNumber || got.Int() != 7 {
		t.Errorf("nested BigInt became %s, want the number 7", describeJS(got))
	}
	if typeOf(nested.Get("w").Index(0).Index(1)) != js.TypeSymbol {
		t.Errorf("the cell's own array was changed; it must be copied")
	}
	_, err = withoutBigInts([]js.Value{js.ValueOf(1), js.ValueOf([]any{bigInt("36893488147419103232")})})
	if err == nil || !strings.Contains(err.Error(), "argument 2[0] is the BigInt 36893488147419103232n, beyond ±2^53") {
		t.Errorf("a huge BigInt: error %v", err)
	}
}
