//go:build js && wasm

package page

import (
	"encoding/json"
	"reflect"
	"testing"

	nbformat "tinytorch/internal/notebook"
)

// The page reads an exercise's data with its own copy of
// nbformat.ExerciseData's shape: every field the build writes must come
// back, so a field added there and forgotten here fails this test.
func TestExerciseDataMatchesNotebook(t *testing.T) {
	written := nbformat.ExerciseData{ID: "relu", Title: "ReLU's backward", Check: "tt.check.that(true)",
		Solution: "function f() {}", Hints: []string{"<p>one</p>", "<p>two</p>"}}
	raw, err := json.Marshal(written)
	if err != nil {
		t.Fatal(err)
	}
	var read exerciseData
	if err := json.Unmarshal(raw, &read); err != nil {
		t.Fatal(err)
	}
	back, _ := json.Marshal(read)
	var a, b map[string]any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(back, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the page reads %s\nof what the build writes: %s", back, raw)
	}
}
