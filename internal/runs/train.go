package runs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"tinytorch/engine/atomicfile"
	"tinytorch/engine/checkpoint"
	"tinytorch/engine/config"
	"tinytorch/engine/train"
)

// CheckpointFile is the run's checkpoint, rewritten after every epoch and
// when the run stops: the folder's last good training state.
const CheckpointFile = "checkpoints/last.safetensors"

// ConfigKey is the checkpoint metadata key holding the run's resolved
// config, so that `tinytorch eval` can rebuild the model from the
// checkpoint alone.
const ConfigKey = "config"

// Options says what Train runs and where it writes.
type Options struct {
	Config *config.Config
	Logs   string // the folder holding the run folders, "logs"
	Root   string // the repository, for data.dir's default and the git commit; "" for none
	Out    io.Writer
	TTY    bool // Out is a terminal: redraw a progress bar
}

// Train builds what the config describes, makes a run folder under
// o.Logs and trains, writing the folder's files as it goes: config.yaml
// and environment.json first; metrics.jsonl, the charts, train.log and
// the checkpoint after every epoch; run.json last. A cancelled ctx
// (Ctrl+C) stops training after the current step; the run is then
// recorded as Stopped, with a checkpoint that Resume continues from, and
// the error returned wraps context.Canceled. The folder is returned
// whenever one was made.
func Train(ctx context.Context, o Options) (dir string, rec *Record, err error) {
	s, err := Build(o.Config, o.Root)
	if err != nil {
		return "", nil, err
	}
	start := time.Now()
	if dir, err = Create(o.Logs, start); err != nil {
		return "", nil, err
	}
	if err := writeStart(folder(dir), o, s); err != nil {
		return dir, nil, err
	}
	rec = &Record{Config: o.Config.File(), Overrides: o.Config.Overrides(), Model: s.ModelTitle, Params: s.Model.NumParams(), Started: start.UTC()}
	if rec.Overrides == nil {
		rec.Overrides = []string{}
	}
	r := &runner{dir: dir, out: folder(dir), s: s, m: &recorder{}, rec: rec, start: start,
		p: &progress{out: o.Out, tty: o.TTY, start: start, total: o.Config.Epochs * s.Train.Len()}}
	r.p.note("run folder %s: %s, %d parameters; %d training images, %d test images", dir, s.ModelTitle, rec.Params, s.Train.Dataset.Len(), s.Test.Dataset.Len())
	return dir, rec, r.fit(ctx)
}

// runner trains a Setup into a run folder.
type runner struct {
	dir   string // the folder's name, for the progress lines
	out   files  // where its files go
	s     *Setup
	m     *recorder
	p     *progress
	rec   *Record
	start time.Time
	wall0 float64 // the wall time of the sessions before this one (a resumed run)
	// stop, if set, is asked before each step too: the browser's Stop button.
	stop func() bool
	// live are more callbacks: the browser's progress bar and charts.
	live []train.Callback
}

// fit trains to the config's last epoch and records how it ended.
func (r *runner) fit(ctx context.Context) error {
	saveEpoch := train.CallbackFuncs{EpochEnd: func(*train.Progress) error { return r.flush() }}
	r.s.Trainer.Callbacks = append([]train.Callback{r.m, r.p, saveEpoch}, r.live...)
	// ctx stops the run through ShouldStop, which the Trainer asks only
	// before a training step: a stop during an epoch's evaluation lets the
	// evaluation and the epoch's line finish, so the checkpoint (at the
	// next epoch's start) and metrics.jsonl agree. Fit's own context
	// would cut the evaluation short and lose the epoch's line.
	r.s.Trainer.ShouldStop = func() bool { return ctx.Err() != nil || (r.stop != nil && r.stop()) }
	_, fitErr := r.s.Trainer.Fit(context.Background(), r.s.Train, r.s.Test, r.s.Config.Epochs)
	r.rec.Status, r.rec.Error = Finished, ""
	switch {
	case fitErr == nil:
	case errors.Is(fitErr, train.ErrStopped):
		fitErr = fmt.Errorf("%w: %w", context.Canceled, fitErr)
		r.rec.Status = Stopped
		r.p.note("stopped after step %d; resume with: tinytorch resume %s", r.s.Trainer.Position().Step, r.dir)
	default:
		r.rec.Status, r.rec.Error = Failed, fitErr.Error()
		r.p.note("failed: %v", fitErr)
	}
	if err := r.finish(); err != nil {
		return err
	}
	return fitErr
}

// writeStart writes what is known before training: the resolved config
// and the environment.
func writeStart(out files, o Options, s *Setup) error {
	header := fmt.Sprintf("# The resolved config of this run: %s", o.Config.File())
	if ov := o.Config.Overrides(); len(ov) > 0 {
		header += " with the overrides"
		for _, a := range ov {
			header += "\n#   --set " + a
		}
	}
	if err := out.put("config.yaml", append([]byte(header+"\n"), o.Config.Marshal()...)); err != nil {
		return err
	}
	b, err := jsonBytes(environment(o.Root, s.DataFiles))
	if err != nil {
		return err
	}
	return out.put("environment.json", b)
}

// flush writes the files that grow with the run: metrics.jsonl, the
// charts, train.log and the checkpoint (engine/checkpoint's training
// checkpoint, holding the resolved config in its metadata).
func (r *runner) flush() error {
	if err := r.m.write(r.out); err != nil {
		return err
	}
	if err := r.out.put("train.log", r.p.log.Bytes()); err != nil {
		return err
	}
	if r.s.Trainer.Position().Step == 0 {
		return nil // nothing trained yet
	}
	meta := map[string]string{ConfigKey: string(r.s.Config.Marshal())}
	var ckpt bytes.Buffer
	f, err := checkpoint.TrainingFile(r.s.Trainer, r.s.Train, meta)
	if err == nil {
		err = checkpoint.Encode(&ckpt, f)
	}
	if err == nil {
		err = r.out.put(CheckpointFile, ckpt.Bytes())
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	r.rec.Checkpoint = CheckpointFile
	return nil
}

// finish writes the last state of every file, then the record.
func (r *runner) finish() error {
	rec := r.rec
	rec.Epochs, rec.Steps, rec.Metrics = r.m.epochs, r.s.Trainer.Position().Step, r.m.last
	if rec.Metrics == nil {
		rec.Metrics = map[string]float64{}
	}
	rec.Ended = time.Now().UTC()
	rec.WallS = r.wall0 + time.Since(r.start).Seconds()
	if rec.Status == Finished {
		r.p.note("finished: test accuracy %.4f, test loss %.4f, %d steps in %.1f s", rec.Metrics["val_accuracy"], rec.Metrics["val_loss"], rec.Steps, rec.WallS)
	}
	if err := r.flush(); err != nil {
		return err
	}
	b, err := jsonBytes(rec)
	if err == nil {
		err = r.out.put("run.json", b)
	}
	if err != nil {
		return err
	}
	if d, ok := r.out.(folder); ok {
		return atomicfile.SyncDir(string(d))
	}
	return nil
}
