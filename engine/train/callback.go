package train

import (
	"fmt"
	"math"
	"time"

	"tinytorch/engine/nn"
)

// Progress is what callbacks receive after each batch and each epoch.
// Counters count from 1, as they are displayed.
type Progress struct {
	Epoch, Epochs  int // current epoch and total
	Batch, Batches int // current batch within the epoch and batches per epoch (0 if unknown)
	Step           int // optimizer steps taken by the trainer so far
	// Loss is this batch's loss in OnBatchEnd, the epoch's mean training
	// loss in OnEpochEnd.
	Loss float64
	// Metrics holds running means over the epoch so far ("loss",
	// "accuracy", …); in OnEpochEnd also the validation values
	// ("val_loss", "val_accuracy", …) and "lr".
	Metrics map[string]float64
	// LR is the first parameter group's learning rate.
	LR float64
	// SamplesPerSec is the training throughput of the epoch so far.
	SamplesPerSec float64
	// Elapsed is the time since Fit started.
	Elapsed time.Duration
	// Stop, set by a callback, ends training after this batch or epoch;
	// Fit then returns without error and History.StoppedEarly is set.
	Stop bool
	// Model is the model being trained, for callbacks that save or
	// inspect it (Checkpoint). Callbacks must not replace its parameters.
	Model nn.Module
}

// Callback observes training. Returning an error aborts Fit with it.
type Callback interface {
	OnBatchEnd(p *Progress) error
	OnEpochEnd(p *Progress) error
}

// TrainEnder is implemented by callbacks that want to know when Fit ends,
// successfully or not (to flush a log, for example). Fit calls OnTrainEnd
// with the history so far; its error is returned only when training
// itself succeeded.
type TrainEnder interface {
	OnTrainEnd(h *History) error
}

// CallbackFuncs adapts plain functions to Callback; a nil function is
// skipped. It is how the notebook kernel streams progress to the page.
type CallbackFuncs struct {
	BatchEnd func(p *Progress) error
	EpochEnd func(p *Progress) error
	TrainEnd func(h *History) error
}

// OnTrainEnd calls TrainEnd.
func (c CallbackFuncs) OnTrainEnd(h *History) error {
	if c.TrainEnd == nil {
		return nil
	}
	return c.TrainEnd(h)
}

// OnBatchEnd calls BatchEnd.
func (c CallbackFuncs) OnBatchEnd(p *Progress) error {
	if c.BatchEnd == nil {
		return nil
	}
	return c.BatchEnd(p)
}

// OnEpochEnd calls EpochEnd.
func (c CallbackFuncs) OnEpochEnd(p *Progress) error {
	if c.EpochEnd == nil {
		return nil
	}
	return c.EpochEnd(p)
}

// EarlyStopping ends training when a monitored metric has not improved
// for Patience epochs, Keras's EarlyStopping.
type EarlyStopping struct {
	Monitor  string  // metric name, such as "val_loss"
	Patience int     // epochs without improvement to tolerate
	MinDelta float64 // smallest change that counts as an improvement
	Maximize bool    // true for metrics where higher is better (accuracy)

	best float64
	seen bool
	wait int
}

// OnBatchEnd does nothing.
func (e *EarlyStopping) OnBatchEnd(p *Progress) error { return nil }

// OnEpochEnd compares the metric with the best so far and sets p.Stop
// after Patience epochs without improvement.
func (e *EarlyStopping) OnEpochEnd(p *Progress) error {
	v, ok := p.Metrics[e.Monitor]
	if !ok {
		return fmt.Errorf("earlyStopping: metric %q is not recorded; available: %v", e.Monitor, keys(p.Metrics))
	}
	if e.Maximize {
		v = -v
	}
	if !e.seen || v < e.best-e.MinDelta {
		e.best, e.seen, e.wait = v, true, 0
		return nil
	}
	e.wait++
	if e.wait > e.Patience || math.IsNaN(v) {
		p.Stop = true
	}
	return nil
}
