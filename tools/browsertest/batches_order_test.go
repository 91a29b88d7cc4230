//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// TestBatchesOrderMatchesNative: given a seed, tt.train.batches and
// tt.data.DataLoader visit the rows in the order Go's data.DataLoader
// visits them natively with that seed, epoch after epoch (each for…of
// loop is the next epoch): one seed gives one order, in the browser and in
// a native program.
func TestBatchesOrderMatchesNative(t *testing.T) {
	t.Parallel()
	const n, batch, seed = 10, 4, 7
	x, err := tensor.Zeros(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := data.NewTensorDataset(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	native := &data.DataLoader{Dataset: ds, BatchSize: batch, Shuffle: true, Seed: seed}
	var want []string
	for epoch := range 2 {
		var batches []string
		for idx := range native.IndexBatches(epoch) {
			batches = append(batches, strings.Trim(strings.Join(strings.Fields(fmt.Sprint(idx)), ","), "[]"))
		}
		want = append(want, strings.Join(batches, "|"))
	}

	ctx := newTab(t)
	openNotebook(t, ctx, "03-mlp")
	code := fmt.Sprintf(`const n = %d, x = tt.arange(n).reshape(n, 1), y = tt.arange(n);
const rows = (loader) => [...loader].map((b) => (Array.isArray(b) ? b[1] : b.y).toArray().join(",")).join("|");
const a = tt.train.batches(x, y, {batchSize: %d, shuffle: true, seed: %d});
const d = tt.data.DataLoader(tt.data.TensorDataset(x, y), {batchSize: %[2]d, shuffle: true, seed: %[3]d});
JSON.stringify([rows(a), rows(a), rows(d), rows(d)])`, n, batch, seed)
	state, out := runCode(t, ctx, 1, code)
	var got []string
	if state != "done" || json.Unmarshal([]byte(out), &got) != nil || len(got) != 4 {
		t.Fatalf("state %q, output %q", state, out)
	}
	for i, who := range []string{"tt.train.batches", "tt.data.DataLoader"} {
		for epoch := range 2 {
			if g := got[2*i+epoch]; g != want[epoch] {
				t.Errorf("%s, epoch %d: rows %s, want %s as data.DataLoader natively", who, epoch, g, want[epoch])
			}
		}
	}
	if want[0] == want[1] {
		t.Errorf("epochs 0 and 1 have the same order %s; each epoch should draw its own", want[0])
	}
}
