package runs

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tinytorch/engine/config"
	"tinytorch/engine/train"
)

// Run folders are named as the course names them and never reused.
func TestCreate(t *testing.T) {
	logs := filepath.Join(t.TempDir(), "logs")
	now := time.Date(2026, 12, 6, 10, 45, 12, 0, time.UTC)
	want := []string{"run_2026_12_06_104512", "run_2026_12_06_104512_2", "run_2026_12_06_104512_3"}
	for _, w := range want {
		dir, err := Create(logs, now)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(dir) != w {
			t.Errorf("Create = %s, want %s", filepath.Base(dir), w)
		}
		for _, sub := range []string{"charts", "checkpoints"} {
			if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
				t.Errorf("%s/%s: %v", dir, sub, err)
			}
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := Create(filepath.Join(file, "logs"), now); err == nil || !strings.Contains(err.Error(), "cannot make the logs folder") {
		t.Errorf("Create under a file: %v", err)
	}
}

// Adam with beta1: 0 gets β1 = 0, not AdamOptions' default of 0.9.
func TestAdamBeta1Zero(t *testing.T) {
	cfg := config.Default()
	if err := cfg.Set("optim.beta1=0"); err != nil {
		t.Fatal(err)
	}
	m, _, err := BuildModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"adam", "adamw"} {
		cfg.Optim.Name = name
		opt, err := buildOptimizer(cfg.Optim, m.ParamTensors())
		if err != nil {
			t.Fatal(err)
		}
		if got := opt.ParamGroups()[0].Momentum; got != 0 {
			t.Errorf("%s: β1 = %g, want 0", name, got)
		}
	}
}

// On a terminal the progress redraws a bar with the ETA in place; in a
// pipe it writes one plain line per epoch, the same that train.log keeps.
func TestProgress(t *testing.T) {
	for _, tty := range []bool{true, false} {
		var out bytes.Buffer
		p := &progress{out: &out, tty: tty, start: time.Now(), total: 20}
		for b := 1; b <= 10; b++ {
			p.last = time.Time{} // no throttling in the test
			p.OnBatchEnd(&train.Progress{Epoch: 1, Epochs: 2, Batch: b, Batches: 10, Step: b, Loss: 0.5, Metrics: map[string]float64{"accuracy": 0.75}})
		}
		p.OnEpochEnd(&train.Progress{Epoch: 1, Epochs: 2, Step: 10, Metrics: map[string]float64{"loss": 0.5, "accuracy": 0.75, "val_loss": 0.4, "val_accuracy": 0.8, "lr": 0.01}})
		s := out.String()
		line := "epoch 1/2  step 10  loss 0.5000  accuracy 0.7500  test loss 0.4000  test accuracy 0.8000  lr 0.01"
		if !strings.Contains(s, line) || !strings.HasPrefix(p.log.String(), line) || strings.Contains(p.log.String(), "\r") {
			t.Errorf("tty %v: output %q, log %q", tty, s, p.log.String())
		}
		if bar := strings.Contains(s, "[==========>         ] 5/10 loss 0.5000  accuracy 0.7500  ETA "); bar != tty || strings.Contains(s, "\r") != tty {
			t.Errorf("tty %v: bar drawn %v:\n%q", tty, bar, s)
		}
	}
}

// A resumed run keeps the earlier metrics lines up to its checkpoint and
// drops the ones after it.
func TestRecorderLoad(t *testing.T) {
	r := &recorder{}
	var lines []string
	for step := 1; step <= 4; step++ {
		p := &train.Progress{Epoch: (step + 1) / 2, Batch: 2 - step%2, Step: step, Loss: float64(step), LR: 0.1, Metrics: map[string]float64{"accuracy": 0.5}}
		r.OnBatchEnd(p)
		if step%2 == 0 {
			r.OnEpochEnd(&train.Progress{Epoch: step / 2, Step: step, Metrics: map[string]float64{"loss": 1, "val_accuracy": 0.25 * float64(step)}})
		}
	}
	lines = strings.SplitAfter(r.lines.String(), "\n")
	back := &recorder{}
	if err := back.load(r.lines.Bytes(), 3, 1); err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(lines[:4], ""); back.lines.String() != want {
		t.Errorf("kept\n%s\nwant\n%s", back.lines.String(), want)
	}
	if back.epochs != 1 || back.last["val_accuracy"] != 0.5 || len(back.stepX) != 3 || len(back.valAcc) != 1 {
		t.Errorf("loaded %d epochs, last %v, %d steps, %d epoch points", back.epochs, back.last, len(back.stepX), len(back.valAcc))
	}
	if err := back.load([]byte("{\"kind\":\"what\"}\n"), 9, 9); err == nil {
		t.Error("a line of an unknown kind was accepted")
	}
}

// A run stopped in its first epoch writes the charts that have points
// (loss and learning rate by step) and no empty one. (An empty series
// failed the chart, and with it the run's record.)
func TestChartsBeforeTheFirstEpoch(t *testing.T) {
	dir, err := Create(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	for step := 1; step <= 3; step++ {
		r.OnBatchEnd(&train.Progress{Epoch: 1, Batch: step, Step: step, Loss: 1 / float64(step), LR: 0.1})
	}
	if err := r.write(folder(dir)); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"loss.svg": true, "lr.svg": true, "accuracy.svg": false} {
		_, err := os.Stat(filepath.Join(dir, "charts", name))
		if (err == nil) != want {
			t.Errorf("%s written: %v, want %v", name, err == nil, want)
		}
	}
}
