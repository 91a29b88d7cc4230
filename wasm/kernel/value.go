//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"
)

// The one place where a JavaScript value becomes a Go value. Every reader
// of arguments and options (args.go) and every binding goes through the
// converters here, which check the value's kind before reading it:
// syscall/js panics when a value is read as the wrong kind (Int on a
// string, Type on a BigInt), and a panic must never reach a cell.
//
// A converter takes what (the argument's name, for the message) and the
// value, and returns the Go value or an error "what must be …, got …"; the
// caller puts the function's name in front.

// jsKind is what a JavaScript value is, as the bindings tell values apart:
// JavaScript's typeof, with arrays, typed arrays and tensors (live or
// disposed) split off from other objects.
type jsKind int

const (
	kindUndefined jsKind = iota
	kindNull
	kindBool
	kindNumber
	kindBigInt
	kindString
	kindSymbol
	kindFunction
	kindArray
	kindTypedArray
	kindTensor
	kindDisposedTensor
	kindObject
)

// maxSafeInteger is 2^53, JavaScript's Number.MAX_SAFE_INTEGER + 1: up to
// it every integer is exact as a number, so a BigInt no larger than it
// may stand where a number is meant.
const maxSafeInteger = 1 << 53

// kindOf tells what v is. It never panics, BigInt included.
func kindOf(v js.Value) jsKind {
	t, ok := jsType(v)
	switch {
	case !ok:
		return kindBigInt
	case t == js.TypeUndefined:
		return kindUndefined
	case t == js.TypeNull:
		return kindNull
	case t == js.TypeBoolean:
		return kindBool
	case t == js.TypeNumber:
		return kindNumber
	case t == js.TypeString:
		return kindString
	case t == js.TypeSymbol:
		return kindSymbol
	case t == js.TypeFunction:
		return kindFunction
	}
	switch {
	case isArray(v):
		return kindArray
	case isTypedArray(v):
		return kindTypedArray
	case tensors != nil && hasPrototype(tensors.proto, v):
		if _, live := tensors.unwrap(v); live {
			return kindTensor
		}
		return kindDisposedTensor
	}
	return kindObject
}

// jsType is v.Type() without its panic: syscall/js knows no BigInt (its
// Type panics with "bad type flag"), so ok is false for a BigInt.
func jsType(v js.Value) (t js.Type, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return v.Type(), true
}

// missing reports whether an optional value was left out (undefined or
// null, as JavaScript's ?? operator treats them).
func missing(v js.Value) bool {
	// typeOf, not kindOf: kindOf asks JavaScript what kind of object v is.
	t := typeOf(v)
	return t == js.TypeUndefined || t == js.TypeNull
}

// describeJS names a JavaScript value for an error message.
func describeJS(v js.Value) string {
	switch kindOf(v) {
	case kindUndefined:
		return "undefined"
	case kindNull:
		return "null"
	case kindBool:
		return strconv.FormatBool(v.Bool())
	case kindNumber:
		return "the number " + formatNumber(v.Float())
	case kindBigInt:
		return "the BigInt " + js.Global().Call("String", v).String() + "n"
	case kindString:
		s := v.String()
		if len(s) > 40 {
			s = s[:37] + "…"
		}
		return fmt.Sprintf("the string %q", s)
	case kindSymbol:
		return "a symbol"
	case kindFunction:
		return "a function"
	case kindArray:
		return "an array"
	case kindTypedArray:
		return "a " + v.Get("constructor").Get("name").String()
	case kindTensor:
		return "a tensor"
	case kindDisposedTensor:
		return "a disposed tensor"
	}
	return "an object"
}

// formatNumber writes a number as JavaScript would (1e10, 2.5, NaN,
// Infinity).
func formatNumber(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// toFloat reads a number. NaN and ±Infinity are numbers (a fill value or
// a clamp bound may be one); a BigInt is accepted while it is exact.
func toFloat(what string, v js.Value) (float64, error) {
	switch kindOf(v) {
	case kindNumber:
		return v.Float(), nil
	case kindBigInt:
		return bigIntToFloat(what, v)
	}
	return 0, fmt.Errorf("%s must be a number, got %s", what, describeJS(v))
}

// toInt reads an integer: a number with no fraction, or a BigInt, whose
// size is at most 2^53 (beyond it numbers are not exact).
func toInt(what string, v js.Value) (int, error) {
	x, err := toFloat(what, v)
	if err != nil && kindOf(v) == kindBigInt {
		return 0, err // too large to be exact: say so
	}
	if err != nil || x != math.Trunc(x) || math.Abs(x) > maxSafeInteger {
		return 0, fmt.Errorf("%s must be an integer, got %s", what, describeJS(v))
	}
	return int(x), nil
}

// toSize reads a size or a count: an integer ≥ 0.
func toSize(what string, v js.Value) (int, error) {
	n, err := toInt(what, v)
	if err == nil && n < 0 {
		err = fmt.Errorf("%s must be ≥ 0, got %d", what, n)
	}
	return n, err
}

// bigIntToFloat turns a BigInt into a number when it is exact.
// The comparison is the boundary's own (normalizeBigInts), made on the
// BigInt: Number() would round 2^53 + 1 down to 2^53.
func bigIntToFloat(what string, v js.Value) (float64, error) {
	x, err := withoutBigInt(v)
	if err != nil {
		return 0, fmt.Errorf("%s is %s, beyond ±2^53 where numbers are exact", what, describeJS(v))
	}
	return x.Float(), nil
}

// toBool reads true or false.
func toBool(what string, v js.Value) (bool, error) {
	if kindOf(v) != kindBool {
		return false, fmt.Errorf("%s must be true or false, got %s", what, describeJS(v))
	}
	return v.Bool(), nil
}

// elements lists the items of an array or typed array (nil, false for
// anything else).
func elements(v js.Value) ([]js.Value, bool) {
	if k := kindOf(v); k != kindArray && k != kindTypedArray {
		return nil, false
	}
	out := make([]js.Value, v.Length())
	for i := range out {
		out[i] = v.Index(i)
	}
	return out, true
}

// toInts reads integers from a list of values; what names them all.
func toInts(what string, list []js.Value) ([]int, error) {
	out := make([]int, len(list))
	for i, v := range list {
		n, err := toInt(what, v)
		if err != nil {
			return nil, fmt.Errorf("%s must be integers, got %s at position %d", what, describeJS(v), i)
		}
		out[i] = n
	}
	return out, nil
}

// normalizeBigInts is a JavaScript function that replaces the BigInts in
// a call's arguments, at any depth of arrays, plain objects and BigInt
// typed arrays, by numbers, so that the Go side, whose syscall/js cannot
// read a BigInt, only ever sees numbers. It returns undefined when there
// was none (the common case: nothing is copied), the new arguments
// otherwise, or a message when a BigInt is too large to be exact.
// The walk copies an array or object only when something in it changed,
// and stops at class instances (tensors, layers) and at depth 32.
var normalizeBigInts = js.Global().Get("Function").New("...args", `
const safe = 2n ** 53n;
const fix = (v, depth, path) => {
  if (typeof v === "bigint") {
    if (v > safe || v < -safe) throw path + " is the BigInt " + v + "n, beyond ±2^53 where numbers are exact";
    return Number(v);
  }
  if (v === null || typeof v !== "object" || depth > 32) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    return Array.from(v, (x, i) => fix(x, depth + 1, path + "[" + i + "]"));
  }
  if (Array.isArray(v)) {
    let out = v;
    for (let i = 0; i < v.length; i++) {
      const x = v[i], y = fix(x, depth + 1, path + "[" + i + "]");
      if (!Object.is(x, y)) { if (out === v) out = v.slice(); out[i] = y; }
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  let out = v;
  for (const key of Object.keys(v)) {
    const x = v[key], y = fix(x, depth + 1, path + "." + key);
    if (!Object.is(x, y)) { if (out === v) out = {...v}; out[key] = y; }
  }
  return out;
};
try {
  let out;
  for (let i = 0; i < args.length; i++) {
    const y = fix(args[i], 0, "argument " + (i + 1));
    if (!Object.is(args[i], y)) { if (!out) out = Array.from(args); out[i] = y; }
  }
  return out;
} catch (message) {
  if (typeof message === "string") return message;
  throw message;
}`)

// withoutBigInts returns args with every BigInt made a number (see
// normalizeBigInts), or an error naming the first BigInt too large to be
// exact. Calls without objects or BigInts, most calls, cost no JavaScript.
func withoutBigInts(args []js.Value) ([]js.Value, error) {
	need := false
	for _, a := range args {
		if t, ok := jsType(a); !ok || t == js.TypeObject {
			need = true
			break
		}
	}
	if !need {
		return args, nil
	}
	// The arguments go as they are: a JavaScript array of them would cost
	// a call into JavaScript per argument.
	list := make([]any, len(args))
	for i, a := range args {
		list[i] = a
	}
	out := normalizeBigInts.Invoke(list...)
	switch t, _ := jsType(out); t {
	case js.TypeUndefined:
		return args, nil
	case js.TypeString:
		return nil, fmt.Errorf("%s", out.String())
	}
	fixed := make([]js.Value, out.Length())
	for i := range fixed {
		fixed[i] = out.Index(i)
	}
	return fixed, nil
}

// withoutBigInt is withoutBigInts for one value, such as what a callback
// of the cell returned.
func withoutBigInt(v js.Value) (js.Value, error) {
	out, err := withoutBigInts([]js.Value{v})
	if err != nil {
		return js.Undefined(), err
	}
	return out[0], nil
}

// textOf is String(v), for a label or a category name, with the cases
// that throw turned into errors: a disposed tensor, whose toString fails,
// and any object whose toString throws.
func textOf(what string, v js.Value) (string, error) {
	if kindOf(v) == kindDisposedTensor {
		return "", fmt.Errorf("%s is a disposed tensor: it was freed by dispose() or tt.tidy, so it cannot be used again", what)
	}
	s, err := callJS(js.Global().Get("String"), v)
	if err != nil {
		return "", fmt.Errorf("%s cannot be written as text: %v", what, err)
	}
	return s.String(), nil
}

// typeOf is v.Type() for code that only tells the plain JavaScript types
// apart: it never panics, and reports a BigInt (which syscall/js cannot
// read) as a symbol, a type that no binding accepts, so a BigInt that got
// past the boundary is refused as a wrong type, never read.
func typeOf(v js.Value) js.Type {
	t, ok := jsType(v)
	if !ok {
		return js.TypeSymbol
	}
	return t
}

// reflectGet is JavaScript's Reflect.get.
var reflectGet = js.Global().Get("Reflect").Get("get")

// getProp is v[key] for a value the cell gave. It reads through
// Reflect.get, a call, whose exception syscall/js catches and turns into
// a panic (js.Error) that function() recovers: Value.Get does not catch,
// so a getter that throws (an options object's, or a tensor getter called
// on a fake tensor) would unwind JavaScript's exception through Go's
// frames and crash the kernel ("traceback did not unwind completely").
func getProp(v js.Value, key string) js.Value {
	if t := typeOf(v); t != js.TypeObject && t != js.TypeFunction {
		return js.Undefined() // a primitive has no options to read
	}
	return reflectGet.Invoke(v, key)
}

// classNameOf is the name of a JavaScript class (a cell's module,
// optimizer or autograd function), or fallback for an anonymous one.
func classNameOf(class js.Value, fallback string) string {
	if n := getProp(class, "name"); kindOf(n) == kindString && n.String() != "" {
		return n.String()
	}
	return fallback
}
