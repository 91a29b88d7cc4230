//go:build js && wasm

package kernel

import (
	"strings"
	"syscall/js"
)

// output is one item of a cell's output, shaped like a Jupyter output.
type output map[string]any

// postOutput sends an output of the current cell to the page.
func postOutput(out output) {
	post(map[string]any{"type": "output", "id": current, "output": map[string]any(out)})
}

// displayFunc is the global display(...values) of cell code.
func displayFunc(this js.Value, args []js.Value) any {
	for _, v := range args {
		if out, ok := displayOutput(v); ok {
			postOutput(out)
		}
	}
	return js.Undefined()
}

// displayOutput renders a value for display; undefined shows nothing.
func displayOutput(v js.Value) (output, bool) {
	if v.IsUndefined() {
		return nil, false
	}
	return output{"kind": "display", "data": map[string]any{"text/plain": plainText(v)}}, true
}

// plainText is the text form of a value: a tensor as PyTorch prints it, a
// string as itself, an object as indented JSON.
func plainText(v js.Value) string {
	if t, ok := tensors.unwrap(v); ok {
		return t.String()
	}
	switch v.Type() {
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
// serialised (a cycle, a function).
func stringify(v js.Value) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	r := js.Global().Get("JSON").Call("stringify", v, nil, 2)
	if r.Type() != js.TypeString {
		return "", false
	}
	return r.String(), true
}

// errorOutput describes a thrown value with its name, message and stack,
// the stack cut to the frames inside the user's cells.
func errorOutput(err error) output {
	name, message, stack := "Error", err.Error(), ""
	if e, ok := err.(js.Error); ok && e.Value.Type() == js.TypeObject {
		name = e.Value.Get("name").String()
		message = e.Value.Get("message").String()
		stack = cellFrames(e.Value.Get("stack"))
	} else if e, ok := err.(js.Error); ok {
		message = plainText(e.Value)
	}
	return output{"kind": "error", "name": name, "message": message, "stack": stack}
}

// cellFrames keeps the stack lines that point into a cell.
func cellFrames(stack js.Value) string {
	if stack.Type() != js.TypeString {
		return ""
	}
	var keep []string
	for _, line := range strings.Split(stack.String(), "\n") {
		if strings.Contains(line, "cell-") && strings.Contains(line, ".js:") {
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	return strings.Join(keep, "\n")
}

// installConsole sends console.log and friends to the current cell's
// output as well as to the real console.
func installConsole(console js.Value) {
	for _, name := range []string{"log", "info", "warn", "error"} {
		stream := "stdout"
		if name == "warn" || name == "error" {
			stream = "stderr"
		}
		original := console.Get(name)
		console.Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
			parts := make([]string, len(args))
			for i, a := range args {
				parts[i] = plainText(a)
			}
			postOutput(output{"kind": "stream", "name": stream, "text": strings.Join(parts, " ") + "\n"})
			anyArgs := make([]any, len(args))
			for i, a := range args {
				anyArgs[i] = a
			}
			original.Invoke(anyArgs...)
			return nil
		}))
	}
}
