package runs

import (
	"context"
	"io"
	"time"

	"tinytorch/engine/train"
)

// MemoryOptions says how TrainInMemory runs.
type MemoryOptions struct {
	// Name is the run folder's name (runs.FolderStamp), for the progress
	// lines and the record.
	Name string
	Out  io.Writer // the plain progress lines; nil for none
	// Stop, if set, is asked before each step, as a signal stops the CLI.
	Stop func() bool
	// Live are more callbacks, such as the browser's progress bar.
	Live []train.Callback
}

// TrainInMemory trains s (from Assemble) as Train does, writing the run
// folder's files into a Memory instead of onto a disk: the same
// config.yaml, environment.json, metrics.jsonl, charts, train.log,
// checkpoint and run.json, with the same bytes where they hold no
// timings. The browser's tt.train.run calls it and keeps the files in
// its own storage. A stop (o.Stop) records the run as Stopped and
// returns a nil error; other errors record it as Failed and are returned.
func TrainInMemory(ctx context.Context, s *Setup, o MemoryOptions) (Memory, *Record, error) {
	mem := Memory{}
	if err := writeStart(mem, Options{Config: s.Config}, s); err != nil {
		return nil, nil, err
	}
	start := time.Now()
	rec := &Record{Config: s.Config.File(), Overrides: s.Config.Overrides(), Model: s.ModelTitle, Params: s.Model.NumParams(), Started: start.UTC()}
	if rec.Overrides == nil {
		rec.Overrides = []string{}
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	r := &runner{dir: o.Name, out: mem, s: s, m: &recorder{}, rec: rec, start: start, stop: o.Stop, live: o.Live,
		p: &progress{out: out, start: start, total: s.Config.Epochs * s.Train.Len()}}
	r.p.note("run %s: %s, %d parameters; %d training images, %d test images", o.Name, s.ModelTitle, rec.Params, s.Train.Dataset.Len(), s.Test.Dataset.Len())
	err := r.fit(ctx)
	if rec.Status == Stopped {
		err = nil
	}
	return mem, rec, err
}
