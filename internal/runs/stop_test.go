package runs

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tinytorch/engine/config"
	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/train"
)

// cancelOnRead cancels a context when an item is read: a stop that
// arrives during the evaluation of the test set.
type cancelOnRead struct {
	data.Dataset
	cancel func()
}

func (c *cancelOnRead) Item(i int) (data.Sample, error) {
	c.cancel()
	return c.Dataset.Item(i)
}

// A stop during an epoch's evaluation lets the evaluation and the epoch's
// line finish: the record says stopped, metrics.jsonl ends with the
// epoch's line, and the checkpoint stands at the next epoch's start,
// where resume picks up. (When Fit got the context itself, the evaluation
// was cut short and the epoch's line lost, while the checkpoint had
// moved past it.)
func TestStopDuringEvaluationKeepsTheEpochLine(t *testing.T) {
	cfg := config.Default()
	cfg.Epochs = 3
	pix, labels := make([]uint8, 64*784), make([]uint8, 64)
	for i := range pix {
		pix[i] = uint8(i * 7)
	}
	for i := range labels {
		labels[i] = uint8(i % 10)
	}
	set, err := data.NewImageSet("synthetic", pix, labels, data.DigitClasses, 1, 28, 28)
	if err != nil {
		t.Fatal(err)
	}
	model, title, err := BuildModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := buildOptimizer(cfg.Optim, model.ParamTensors())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &Setup{Config: cfg, ModelTitle: title, Model: model, Optimizer: opt,
		Train:   &data.DataLoader{Dataset: set, BatchSize: 16, Shuffle: true, Seed: 1},
		Test:    &data.DataLoader{Dataset: &cancelOnRead{Dataset: set, cancel: cancel}, BatchSize: 32},
		Trainer: &train.Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Metrics: []train.Metric{train.Accuracy{}}}}
	dir, err := Create(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{dir: dir, out: folder(dir), s: s, m: &recorder{}, p: &progress{out: io.Discard, start: time.Now()}, rec: &Record{}, start: time.Now()}
	err = r.fit(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("fit: %v, want a stop (context.Canceled)", err)
	}
	if r.rec.Status != Stopped || r.rec.Epochs != 1 || r.rec.Steps != 4 {
		t.Errorf("record: %s, %d epochs, %d steps; want stopped, 1 and 4", r.rec.Status, r.rec.Epochs, r.rec.Steps)
	}
	metrics, _ := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
	if last := string(lastLine(metrics)); !strings.HasPrefix(last, `{"kind":"epoch","epoch":1,"step":4,`) || !strings.Contains(last, `"val_accuracy"`) {
		t.Errorf("metrics.jsonl ends with %s, want epoch 1's line with its test accuracy", last)
	}
	if p := s.Trainer.Position(); p.Epoch != 1 || p.Batch != 0 || p.Step != 4 {
		t.Errorf("position %+v, want epoch 1, batch 0, step 4", p)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(CheckpointFile))); err != nil {
		t.Errorf("no checkpoint: %v", err)
	}
}

func lastLine(b []byte) []byte {
	s := strings.TrimRight(string(b), "\n")
	return []byte(s[strings.LastIndexByte(s, '\n')+1:])
}
