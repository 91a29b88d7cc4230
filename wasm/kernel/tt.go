//go:build js && wasm

package kernel

import "syscall/js"

// newTT builds the tt object that cells use. Each engine package has its
// own binding file; this file only gathers them.
func newTT() js.Value {
	return object(map[string]binding{
		"version": func(js.Value, []js.Value) (any, error) { return Version, nil },
		"tensor":  tensors.create,
	})
}
