package train

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tinytorch/engine/nn"
)

// scores is a callback that replaces the epoch's "score" metric by the
// given values, to drive a Checkpoint with a known sequence.
func scores(values ...float64) Callback {
	return CallbackFuncs{EpochEnd: func(p *Progress) error {
		p.Metrics["score"] = values[p.Epoch-1]
		return nil
	}}
}

func TestCheckpointSchedule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      Checkpoint
		scores []float64
		want   []int // the epochs saved
		best   bool
	}{
		{"every epoch", Checkpoint{}, []float64{1, 2, 3, 4, 5}, []int{1, 2, 3, 4, 5}, false},
		{"every 2 epochs", Checkpoint{Every: 2}, []float64{1, 2, 3, 4, 5}, []int{2, 4}, false},
		{"best, minimizing", Checkpoint{Monitor: "score"}, []float64{3, 1, 2, 0.5, 0.7}, []int{1, 2, 4}, true},
		{"best, maximizing", Checkpoint{Monitor: "score", Maximize: true}, []float64{3, 1, 4, 0.5, 4.05}, []int{1, 3, 5}, true},
		{"best with min delta", Checkpoint{Monitor: "score", Maximize: true, MinDelta: 0.1}, []float64{3, 1, 4, 0.5, 4.05}, []int{1, 3}, true},
		{"best, checked every 2 epochs", Checkpoint{Monitor: "score", Every: 2}, []float64{3, 1, 2, 0.5, 0.1}, []int{2, 4}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, batches := regression(0.1)
			var saved []int
			c := tc.c
			c.Save = func(s Saved) error {
				if s.Model != tr.Model || s.Best != tc.best || s.Metrics["score"] != tc.scores[s.Epoch-1] || s.Step != 2*s.Epoch {
					t.Errorf("saved %+v", s)
				}
				saved = append(saved, s.Epoch)
				return nil
			}
			tr.Callbacks = []Callback{scores(tc.scores...), &c}
			must(tr.Fit(context.Background(), batches, nil, 5))
			if !slices.Equal(saved, tc.want) {
				t.Fatalf("saved epochs %v, want %v", saved, tc.want)
			}
		})
	}
}

// The state dict a "save best" checkpoint takes restores the model as it
// was at its best epoch, not as training left it.
func TestCheckpointStateRestoresBestModel(t *testing.T) {
	tr, batches := regression(0.1)
	var best []nn.NamedParam
	atEpoch := map[int][]float32{}
	tr.Callbacks = []Callback{
		scores(3, 1, 2, 5, 4),
		CallbackFuncs{EpochEnd: func(p *Progress) error { atEpoch[p.Epoch] = values(p.Model.Parameters()); return nil }},
		&Checkpoint{Monitor: "score", Save: func(s Saved) error { best = s.Model.StateDict(); return nil }},
	}
	must(tr.Fit(context.Background(), batches, nil, 5))
	fresh, _ := regression(0.1)
	if slices.Equal(values(fresh.Model.Parameters()), atEpoch[2]) {
		t.Fatal("a fresh model already has the parameters of epoch 2: the test cannot tell")
	}
	if err := fresh.Model.LoadStateDict(best); err != nil {
		t.Fatal(err)
	}
	if got := values(fresh.Model.Parameters()); !slices.Equal(got, atEpoch[2]) || slices.Equal(got, atEpoch[5]) {
		t.Fatalf("restored parameters %v, want those of epoch 2 %v (not of epoch 5 %v)", got, atEpoch[2], atEpoch[5])
	}
}

func TestCheckpointErrors(t *testing.T) {
	for _, tc := range []struct {
		c    Checkpoint
		want string
	}{
		{Checkpoint{}, "no save function"},
		{Checkpoint{Save: func(Saved) error { return nil }, Monitor: "val_loss"}, `metric "val_loss" is not recorded; available: [loss lr]`},
		{Checkpoint{Save: func(Saved) error { return errors.New("disk full") }}, "checkpoint: saving epoch 1: disk full"},
		{Checkpoint{Save: func(Saved) error { return nil }, Every: -1}, "every -1 epochs"},
	} {
		tr, batches := regression(0.1)
		tr.Callbacks = []Callback{&tc.c}
		if _, err := tr.Fit(context.Background(), batches, nil, 2); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}

// encodeJSON is a test encoding of a state dict: name → values.
func encodeJSON(w io.Writer, state []nn.NamedParam) error {
	m := map[string][]float32{}
	for _, p := range state {
		m[p.Name] = p.Tensor.Data()
	}
	return json.NewEncoder(w).Encode(m)
}

// StateDictFile writes the state dict through a temporary file and a
// rename: afterwards only the checkpoint is in the directory, and a failed
// write leaves the previous checkpoint as it was.
func TestStateDictFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "best.json")
	tr, batches := regression(0.1)
	tr.Callbacks = []Callback{&Checkpoint{Save: StateDictFile(path, encodeJSON)}}
	must(tr.Fit(context.Background(), batches, nil, 2))
	var got map[string][]float32
	if err := json.Unmarshal(must(os.ReadFile(path)), &got); err != nil {
		t.Fatal(err)
	}
	for _, p := range tr.Model.StateDict() {
		if !slices.Equal(got[p.Name], p.Tensor.Data()) {
			t.Fatalf("file has %s = %v, the model %v", p.Name, got[p.Name], p.Tensor.Data())
		}
	}
	before := must(os.ReadFile(path))
	failing := func(w io.Writer, state []nn.NamedParam) error {
		io.WriteString(w, "{half")
		return errors.New("encoder failed")
	}
	tr.Callbacks = []Callback{&Checkpoint{Save: StateDictFile(path, failing)}}
	if _, err := tr.Fit(context.Background(), batches, nil, 1); err == nil || !strings.Contains(err.Error(), "encoder failed") {
		t.Fatalf("error %v, want the encoder's", err)
	}
	if after := must(os.ReadFile(path)); !bytes.Equal(after, before) {
		t.Fatalf("a failed save changed the checkpoint to %q", after)
	}
	if entries := must(os.ReadDir(dir)); len(entries) != 1 {
		t.Fatalf("directory holds %v, want only best.json", entries)
	}
}

func TestLoggerJSONLines(t *testing.T) {
	tr, batches := regression(0.1)
	var out bytes.Buffer
	tr.Callbacks = []Callback{must(Logger(&out, JSONLines))}
	hist := must(tr.Fit(context.Background(), batches, batches, 3))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], `{"epoch":1,"step":2,"elapsed_s":`) {
		t.Fatalf("log %q", out.String())
	}
	for i, line := range lines {
		var rec map[string]float64
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		for _, k := range []string{"loss", "val_loss", "lr"} {
			if rec[k] != hist.Epochs[k][i] {
				t.Errorf("line %d: %s %v, history has %v", i+1, k, rec[k], hist.Epochs[k][i])
			}
		}
		if rec["epoch"] != float64(i+1) || rec["step"] != float64(2*(i+1)) {
			t.Errorf("line %d: %q", i+1, line)
		}
	}
}

func TestLoggerCSV(t *testing.T) {
	tr, batches := regression(0.1)
	var out bytes.Buffer
	tr.Callbacks = []Callback{must(Logger(&out, CSV))}
	hist := must(tr.Fit(context.Background(), batches, batches, 2))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || lines[0] != "epoch,step,elapsed_s,loss,lr,val_loss" {
		t.Fatalf("log %q", out.String())
	}
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		loss := must(strconv.ParseFloat(f[3], 64))
		val := must(strconv.ParseFloat(f[5], 64))
		if len(f) != 6 || f[0] != strconv.Itoa(i+1) || f[1] != strconv.Itoa(2*(i+1)) || loss != hist.Epochs["loss"][i] || val != hist.Epochs["val_loss"][i] {
			t.Errorf("row %d %q, history loss %v val_loss %v", i+1, line, hist.Epochs["loss"][i], hist.Epochs["val_loss"][i])
		}
	}
	if _, err := Logger(&out, "xml"); err == nil || !strings.Contains(err.Error(), `format "xml", expected "jsonl" or "csv"`) {
		t.Fatalf("error %v", err)
	}
}

// OnTrainEnd is called once, with the history, also when training fails.
func TestTrainEndCalledOnceWithHistory(t *testing.T) {
	for _, lr := range []float64{0.1, 1e40} {
		tr, batches := regression(lr)
		var ends []int
		tr.Callbacks = []Callback{CallbackFuncs{TrainEnd: func(h *History) error { ends = append(ends, len(h.StepLoss)); return nil }}}
		hist, err := tr.Fit(context.Background(), batches, nil, 2)
		if len(ends) != 1 || ends[0] != len(hist.StepLoss) || (lr == 0.1) != (err == nil) {
			t.Fatalf("lr %g: OnTrainEnd calls %v for %d steps, error %v", lr, ends, len(hist.StepLoss), err)
		}
	}
}

// A panicking encoder leaves the previous checkpoint and no temporary file.
func TestStateDictFilePanicLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "best.json")
	os.WriteFile(path, []byte("previous"), 0o644)
	tr, _ := regression(0.1)
	save := StateDictFile(path, func(w io.Writer, state []nn.NamedParam) error {
		io.WriteString(w, "{half")
		panic("encoder bug")
	})
	func() {
		defer func() {
			if r := recover(); r != "encoder bug" {
				t.Errorf("recovered %v, want the encoder's panic", r)
			}
		}()
		save(Saved{Model: tr.Model})
	}()
	if b := must(os.ReadFile(path)); string(b) != "previous" {
		t.Errorf("the checkpoint is now %q", b)
	}
	if entries := must(os.ReadDir(dir)); len(entries) != 1 {
		t.Errorf("directory holds %v, want only best.json", entries)
	}
}
