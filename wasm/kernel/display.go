//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
)

// output is one item of a cell's output, shaped like a Jupyter output.
type output map[string]any

// bundle maps MIME types to representations of one value, richest last
// for the page to choose from, as in Jupyter's display data.
type bundle map[string]any

// postOutput sends an output of the current cell to the page, after any
// console text written before it, so the order is kept.
func postOutput(out output) {
	if out["kind"] != "stream" {
		streams.flush()
	}
	post(map[string]any{"type": "output", "id": current, "output": map[string]any(out)})
}

// displayCount numbers display handles.
var displayCount int

// displayFunc is display(...values) in cells. It shows each value and
// returns a handle whose update(value) replaces the last one shown in
// place, for a live chart or a counter.
func displayFunc(_ js.Value, args []js.Value) (any, error) {
	displayCount++
	id := displayCount
	for _, v := range args {
		if out, ok := displayOutput(v); ok {
			out["displayId"] = id
			postOutput(out)
		}
	}
	cell := current
	return object(map[string]binding{
		// update(value) replaces what this display shows.
		"update": func(_ js.Value, args []js.Value) (any, error) {
			out, ok := displayOutput(readArgs("update", args).Value(0))
			if !ok {
				return nil, nil
			}
			out["displayId"] = id
			out["update"] = true
			streams.flush()
			post(map[string]any{"type": "output", "id": cell, "output": map[string]any(out)})
			return nil, nil
		},
	}), nil
}

// displayOutput renders a value for display; undefined shows nothing.
func displayOutput(v js.Value) (output, bool) {
	if v.IsUndefined() {
		return nil, false
	}
	return output{"kind": "display", "data": map[string]any(represent(v))}, true
}

// represent builds the MIME bundle of a value: always text/plain, plus a
// richer form when there is one.
func represent(v js.Value) bundle {
	if t, ok := tensors.unwrap(v); ok {
		return tensorBundle(t)
	}
	if rich := richObject(v); rich != nil {
		return rich
	}
	if s, ok := pairText(v); ok {
		return bundle{"text/plain": s}
	}
	b := bundle{"text/plain": plainText(v)}
	if typeOf(v) == js.TypeObject && !v.InstanceOf(js.Global().Get("Error")) && typeOf(getProp(v, "then")) != js.TypeFunction {
		if tree, ok := jsonTree(v); ok {
			b["application/json"] = tree
		}
	}
	return b
}

// richObject returns the bundle of a value made by tt.html, tt.svg or
// tt.image: an object carrying a __ttBundle field.
func richObject(v js.Value) bundle {
	if typeOf(v) != js.TypeObject {
		return nil
	}
	raw := getProp(v, "__ttBundle")
	if typeOf(raw) != js.TypeObject {
		return nil
	}
	b := bundle{}
	keys := js.Global().Get("Object").Call("keys", raw)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		b[k] = getProp(raw, k)
	}
	return b
}

// plainText is the text form of a value: a tensor as PyTorch prints it, a
// string as itself, an object as indented JSON.
func plainText(v js.Value) string {
	if kindOf(v) == kindBigInt {
		return js.Global().Call("String", v).String() + "n" // as the console writes 10n
	}
	if t, ok := tensors.unwrap(v); ok {
		return t.String()
	}
	if rich := richObject(v); rich != nil {
		if s, ok := rich["text/plain"].(js.Value); ok && typeOf(s) == js.TypeString {
			return s.String()
		}
	}
	switch typeOf(v) {
	case js.TypeString:
		return v.String()
	case js.TypeObject:
		if v.InstanceOf(js.Global().Get("Error")) {
			return v.Call("toString").String()
		}
		if s, ok := stringify(v); ok {
			return s
		}
	}
	return js.Global().Call("String", v).String()
}

// stringify is JSON.stringify(v, null, 2), or false when v cannot be
// serialised (a cycle, a BigInt).
func stringify(v js.Value) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	r := js.Global().Get("JSON").Call("stringify", v, nil, 2)
	if typeOf(r) != js.TypeString {
		return "", false
	}
	return r.String(), true
}

// jsonTree is a JSON copy of v for the page's expandable tree view.
func jsonTree(v js.Value) (js.Value, bool) {
	s, ok := stringify(v)
	if !ok {
		return js.Undefined(), false
	}
	return js.Global().Get("JSON").Call("parse", s), true
}

// errorOutput describes a thrown value with its name, message, the stack
// cut to the frames inside the user's cells, and the line of the cell
// where it happened.
func errorOutput(err error) output {
	out := output{"kind": "error", "name": "Error", "message": "", "stack": "", "line": 0}
	if err == errInterrupted {
		out["name"], out["message"] = "KeyboardInterrupt", "the cell was stopped"
		return out
	}
	e, ok := err.(js.Error)
	if !ok {
		out["message"] = err.Error()
		return out
	}
	if typeOf(e.Value) != js.TypeObject {
		// throw 10n or throw "x": js.Error's own Error() would panic on it.
		out["message"] = plainText(e.Value)
		return out
	}
	out["name"] = getProp(e.Value, "name").String()
	out["message"] = getProp(e.Value, "message").String()
	frames := cellFrames(getProp(e.Value, "stack"))
	if line := getProp(e.Value, "cellLine"); typeOf(line) == js.TypeNumber {
		out["line"] = line.Int()
	} else if len(frames) > 0 {
		out["line"] = frameLine(frames[0])
	}
	// The line note shows where in the cell; the stack adds the calls
	// that led there, inside functions the cells defined.
	var calls []string
	for _, f := range frames {
		if !topLevel(f) {
			calls = append(calls, f)
		}
	}
	out["stack"] = strings.Join(calls, "\n")
	return out
}
