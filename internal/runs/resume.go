package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/config"
)

// ResumeOptions says where Resume finds the data and writes progress.
type ResumeOptions struct {
	Root string
	Out  io.Writer
	TTY  bool
}

// ErrFinished is Resume's error for a run that has no epoch left.
var ErrFinished = errors.New("the run is finished: nothing is left to train")

// Resume continues the run in dir from its checkpoint, in the same
// folder: it rebuilds the setup from the folder's config.yaml, restores
// the training state (engine/checkpoint.LoadTraining: weights, optimizer,
// scheduler, random generators, the position in the epoch), keeps the
// metrics.jsonl lines up to the checkpoint's step and trains on. The
// result, metrics.jsonl included, is the one an uninterrupted run gives,
// bit for bit. It works on a run stopped by a signal and on one killed
// outright (no run.json) whose checkpoint survived.
func Resume(ctx context.Context, dir string, o ResumeOptions) (*Record, error) {
	cfg, err := config.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return nil, err
	}
	s, err := Build(cfg, o.Root)
	if err != nil {
		return nil, err
	}
	ckpt := filepath.Join(dir, filepath.FromSlash(CheckpointFile))
	if _, err := os.Stat(ckpt); err != nil {
		return nil, fmt.Errorf("%s has no checkpoint to resume from (%w)", dir, err)
	}
	if err := checkpoint.LoadTraining(ckpt, s.Trainer, s.Train); err != nil {
		return nil, err
	}
	pos := s.Trainer.Position()
	if pos.Epoch >= cfg.Epochs {
		return nil, fmt.Errorf("%s: %w (%d of %d epochs done)", dir, ErrFinished, pos.Epoch, cfg.Epochs)
	}
	rec, err := ReadRecord(dir)
	if errors.Is(err, fs.ErrNotExist) {
		rec, err = &Record{Config: filepath.Join(dir, "config.yaml"), Overrides: []string{}, Model: s.ModelTitle, Params: s.Model.NumParams()}, nil
	}
	if err != nil {
		return nil, err
	}
	m := &recorder{}
	if old, err := os.ReadFile(filepath.Join(dir, "metrics.jsonl")); err == nil {
		if err := m.load(old, pos.Step, pos.Epoch); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	p := &progress{out: o.Out, tty: o.TTY, start: start, total: cfg.Epochs * s.Train.Len(), done0: pos.Step}
	if old, err := os.ReadFile(filepath.Join(dir, "train.log")); err == nil {
		p.log.Write(old)
	}
	rec.Resumes++
	r := &runner{dir: dir, out: folder(dir), s: s, m: m, p: p, rec: rec, start: start, wall0: rec.WallS}
	p.note("resuming %s at epoch %d, batch %d (step %d)", dir, pos.Epoch+1, pos.Batch, pos.Step)
	return rec, r.fit(ctx)
}

// load keeps the lines of an earlier session's metrics.jsonl up to the
// checkpoint (steps ≤ step, epochs ≤ epochs): lines written after the
// checkpoint (a run killed between the two writes) are dropped, since
// the resumed run writes them again.
func (r *recorder) load(old []byte, step, epochs int) error {
	for n, line := range bytes.Split(old, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var v map[string]any
		if err := json.Unmarshal(line, &v); err != nil {
			return fmt.Errorf("metrics.jsonl line %d: %w", n+1, err)
		}
		f := func(k string) float64 { x, _ := v[k].(float64); return x }
		switch v["kind"] {
		case "step":
			if int(f("step")) > step {
				continue
			}
			r.stepX, r.stepLoss, r.stepLR = append(r.stepX, f("step")), append(r.stepLoss, f("loss")), append(r.stepLR, f("lr"))
		case "epoch":
			if int(f("epoch")) > epochs {
				continue
			}
			r.epochs, r.last = int(f("epoch")), map[string]float64{}
			for k, x := range v {
				if x, ok := x.(float64); ok && k != "epoch" && k != "step" {
					r.last[k] = x
				}
			}
			r.epochStep, r.valLoss = append(r.epochStep, f("step")), append(r.valLoss, f("val_loss"))
			r.epochX = append(r.epochX, f("epoch"))
			r.trainAcc, r.valAcc = append(r.trainAcc, f("accuracy")), append(r.valAcc, f("val_accuracy"))
		default:
			return fmt.Errorf("metrics.jsonl line %d: kind %v, expected step or epoch", n+1, v["kind"])
		}
		r.lines.Write(line)
		r.lines.WriteByte('\n')
	}
	return nil
}
