//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
)

// tt.exercises.load(notebook, exercise) runs, in this notebook's scope,
// the student's code that passed an exercise's check in another notebook,
// so that a milestone can train with the student's own components (their
// Linear layer, their optimizer). The page keeps that code with the
// exercise's progress in the notebook's record (wasm/page/progress.go:
// "exercises" → id → "code", only while the last check passed); the
// worker reads the record from the same IndexedDB store
// (web/src/worker.js: __ttLoadRecord).
//
// It resolves to a note naming what was run, or to null when the
// exercise has not passed (or was passed before the page kept code):
// the cell then falls back to the engine's component.

// newExercises builds tt.exercises.
func newExercises() js.Value {
	return object(map[string]binding{"load": loadExercise})
}

// loadExercise is tt.exercises.load(notebook, exercise).
func loadExercise(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.exercises.load", args)
	slug := r.NeedString(0, `the notebook's name, such as "03-mlp"`)
	id := r.NeedString(1, `the exercise's id, such as "linear-fn"`)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if r.Len() > 2 {
		return nil, fmt.Errorf("tt.exercises.load(notebook, exercise) takes two strings, got %d arguments", r.Len())
	}
	return promise(func() (any, error) {
		code, err := passedCode(slug, id)
		if err != nil || code == "" {
			return nil, err
		}
		compiled := js.Global().Call("__ttCompile", code, fmt.Sprintf("%s-%s.js", slug, id))
		if _, err := await(js.Global().Call("eval", compiled)); err != nil {
			return nil, fmt.Errorf("tt.exercises.load: your code of exercise %q (%s) failed here: %v", id, slug, errText(err))
		}
		return fmt.Sprintf("your code of exercise %q (%s), which passed its check, is defined here", id, slug), nil
	}), nil
}

// passedCode reads the code that passed exercise id of notebook slug,
// "" when there is none.
func passedCode(slug, id string) (string, error) {
	load := js.Global().Get("__ttLoadRecord")
	if typeOf(load) != js.TypeFunction {
		return "", nil // a worker without the page's storage (node tests)
	}
	rec, err := await(load.Invoke("notebook:" + slug))
	if err != nil {
		return "", fmt.Errorf("tt.exercises.load: reading %s's saved progress: %v", slug, errText(err))
	}
	item := getProp(getProp(rec, "exercises"), id)
	code := getProp(item, "code")
	if !getProp(item, "passed").Truthy() || typeOf(code) != js.TypeString {
		return "", nil
	}
	return code.String(), nil
}
