package train

import (
	"fmt"
	"io"
	"maps"
	"math"

	"tinytorch/engine/atomicfile"
	"tinytorch/engine/nn"
)

// Saved is what a Checkpoint hands to its save function: the model (read
// its StateDict for a snapshot of the weights), the epoch just finished,
// the optimizer steps so far, and a copy of the epoch's metrics.
type Saved struct {
	Model   nn.Module
	Epoch   int
	Step    int
	Metrics map[string]float64
	// Best is set when the save is due to an improvement of the monitored
	// metric.
	Best bool
}

// Checkpoint is the checkpoint hook: at the end of an epoch it calls Save
// with the model. Without Monitor it saves every Every epochs (every
// epoch when Every is 0). With Monitor it saves only when that metric
// improves on the best so far ("save best"), checked every Every epochs
// (every epoch when Every is 0), like PyTorch Lightning's
// ModelCheckpoint.
//
// The checkpoint file format is the job of Save; StateDictFile writes one
// file atomically with an encoder of your choice, such as
// engine/checkpoint's EncodeStateDict (safetensors). A whole training
// state, to resume from, is engine/checkpoint's SaveTraining.
type Checkpoint struct {
	Save     func(s Saved) error
	Every    int     // epochs between saves (or between checks of Monitor); 0 means 1
	Monitor  string  // metric name such as "val_loss"; empty: save on schedule
	Maximize bool    // true for metrics where higher is better (accuracy)
	MinDelta float64 // smallest change that counts as an improvement

	best float64 // the best value so far, negated when maximizing
	seen bool
}

// OnBatchEnd does nothing.
func (c *Checkpoint) OnBatchEnd(p *Progress) error { return nil }

// OnEpochEnd saves the model when the schedule or an improvement asks.
func (c *Checkpoint) OnEpochEnd(p *Progress) error {
	if c.Save == nil {
		return fmt.Errorf("checkpoint: no save function (Checkpoint.Save is nil)")
	}
	if c.Every < 0 {
		return fmt.Errorf("checkpoint: every %d epochs, expected ≥ 0", c.Every)
	}
	if every := max(c.Every, 1); p.Epoch%every != 0 {
		return nil
	}
	best := false
	if c.Monitor != "" {
		improved, err := c.improved(p.Metrics)
		if err != nil || !improved {
			return err
		}
		best = true
	}
	err := c.Save(Saved{Model: p.Model, Epoch: p.Epoch, Step: p.Step, Metrics: maps.Clone(p.Metrics), Best: best})
	if err != nil {
		return fmt.Errorf("checkpoint: saving epoch %d: %w", p.Epoch, err)
	}
	return nil
}

// improved compares the monitored metric with the best so far and
// records it if better. A NaN never improves.
func (c *Checkpoint) improved(metrics map[string]float64) (bool, error) {
	v, ok := metrics[c.Monitor]
	if !ok {
		return false, fmt.Errorf("checkpoint: metric %q is not recorded; available: %v", c.Monitor, keys(metrics))
	}
	if math.IsNaN(v) {
		return false, nil
	}
	if c.Maximize {
		v = -v
	}
	if c.seen && v >= c.best-c.MinDelta {
		return false, nil
	}
	c.best, c.seen = v, true
	return true, nil
}

// StateDictFile returns a save function for Checkpoint that encodes the
// model's state dict to path with encode, atomically (engine/atomicfile):
// it writes a temporary file in the same directory and renames it over
// path, so that a crash or a full disk mid-write never leaves a truncated
// checkpoint where the previous good one was. The encoding is the
// caller's; engine/checkpoint's safetensors encoder is the project's.
func StateDictFile(path string, encode func(w io.Writer, state []nn.NamedParam) error) func(Saved) error {
	return func(s Saved) error {
		return atomicfile.Write(path, func(w io.Writer) error { return encode(w, s.Model.StateDict()) })
	}
}
