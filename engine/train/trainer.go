package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// Trainer holds what a training run needs besides the data. Model,
// Optimizer and Loss are required; the rest is optional.
type Trainer struct {
	Model     nn.Module
	Optimizer optim.Optimizer
	Loss      loss.Criterion

	// Scheduler, if set, is stepped after every epoch, or after every
	// batch when SchedulePerBatch is set (as OneCycleLR expects).
	Scheduler        optim.Scheduler
	SchedulePerBatch bool
	// Metrics are computed on training and validation batches, besides
	// the loss; usually []Metric{Accuracy{}}.
	Metrics   []Metric
	Callbacks []Callback
	// ClipGradNorm > 0 clips the global gradient norm before each step.
	ClipGradNorm float64
	// ShouldStop is polled between batches; returning true ends the run
	// with ErrStopped. The notebook kernel wires it to its interrupt flag.
	ShouldStop func() bool

	step  int    // optimizer steps so far, across Fit calls
	guard *guard // copies of the model before a step, reused across Fit calls

	// Where the run stands (position.go): the current epoch (counting
	// from 0), the batches done in it and its sums so far; resume, if set,
	// is where the next Fit starts.
	epoch, batch int
	acc          *accumulator
	resume       *Position
}

// ErrStopped is returned (wrapped) by Fit when ShouldStop asked it to end.
var ErrStopped = errors.New("training stopped")

// DivergedError reports a NaN or infinite loss, gradient or updated
// parameter. The model keeps its parameters (and buffers) from the step
// before: Fit restores them.
type DivergedError struct {
	// What diverged: "loss", "gradient norm", or a parameter or buffer
	// after the optimizer step, such as `parameter "0.weight" after the
	// optimizer step` (a finite gradient times a huge learning rate can
	// overflow the weights).
	What         string
	Value        float64 // the NaN or infinite value
	Step         int     // the step that failed (1-based)
	Epoch, Batch int     // 0 for a step run by Trainer.Step
	LR           float64
}

// Error explains what happened and what to try. A step run by
// Trainer.Step, outside Fit, has no epoch (Epoch is 0) and names only the
// step.
func (e *DivergedError) Error() string {
	where := fmt.Sprintf("step %d", e.Step)
	if e.Epoch > 0 {
		where += fmt.Sprintf(" (epoch %d, batch %d)", e.Epoch, e.Batch)
	}
	return fmt.Sprintf("train: %s is %v at %s; training stopped and the model keeps its parameters from step %d. "+
		"The learning rate (%g) is probably too high: try a lower one, such as %.3g",
		e.What, e.Value, where, e.Step-1, e.LR, e.LR/10)
}

// Fit trains for the given number of epochs on trainData, evaluating on
// valData (may be nil) after each epoch, and returns the history. On an
// error the history so far is returned with it.
//
// After ResumeAt (which engine/checkpoint's LoadTraining calls), Fit
// continues the interrupted run instead: from the saved epoch and batch
// up to epochs in all, so the history holds only the steps and epochs
// run now.
func (t *Trainer) Fit(ctx context.Context, trainData, valData data.Loader, epochs int) (*History, error) {
	if t.Model == nil || t.Optimizer == nil || t.Loss == nil {
		return nil, errors.New("train: Trainer needs a Model, an Optimizer and a Loss")
	}
	if epochs <= 0 {
		return nil, fmt.Errorf("train: epochs %d, expected > 0", epochs)
	}
	from, err := t.startAt(epochs)
	if err != nil {
		return nil, err
	}
	r := &run{t: t, ctx: ctx, hist: newHistory(), start: time.Now(), epochs: epochs, from: from}
	t.guard = guardFor(t.guard, t.Model)
	r.guard = t.guard
	defer t.Model.Train(true)
	err = r.runEpochs(trainData, valData)
	if endErr := r.trainEnd(); err == nil {
		err = endErr
	}
	return r.hist, err
}

// runEpochs runs the epochs until the last one, an error, or a callback's
// request to stop.
func (r *run) runEpochs(trainData, valData data.Loader) error {
	for epoch := r.from.Epoch; epoch < r.epochs; epoch++ {
		p, err := r.trainEpoch(trainData, epoch)
		if err != nil {
			return err
		}
		if err := r.endEpoch(p, valData); err != nil {
			return err
		}
		if p.Stop {
			r.hist.StoppedEarly = epoch < r.epochs-1
			break
		}
	}
	return nil
}

// trainEnd tells the callbacks that implement TrainEnder that the run is
// over, and returns the first error one of them reports.
func (r *run) trainEnd() error {
	var first error
	for _, c := range r.t.Callbacks {
		if e, ok := c.(TrainEnder); ok {
			if err := e.OnTrainEnd(r.hist); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// run is the state of one Fit call.
type run struct {
	t      *Trainer
	ctx    context.Context
	hist   *History
	start  time.Time
	epochs int
	guard  *guard   // the model before the current step
	from   Position // where the run starts: epoch 0, batch 0 unless resumed
}

// trainEpoch runs one epoch of training steps and returns the progress at
// its end.
func (r *run) trainEpoch(batches data.Loader, epoch int) (*Progress, error) {
	t := r.t
	t.Model.Train(true)
	acc, skip := r.epochStart(epoch)
	p := &Progress{Epoch: epoch + 1, Epochs: r.epochs, Batches: batches.Len(), Model: t.Model, Batch: skip, Step: t.step}
	epochStart := time.Now()
	for b, err := range batchesFrom(batches, epoch, skip) {
		if err != nil {
			return nil, fmt.Errorf("train: epoch %d, batch %d: %w", epoch+1, p.Batch+1, err)
		}
		if err := r.interrupted(); err != nil {
			return nil, err
		}
		p.Batch++
		lossValue, err := r.trainStep(b, acc, p)
		if err != nil {
			return nil, err
		}
		r.hist.StepLoss = append(r.hist.StepLoss, lossValue)
		t.batch = p.Batch
		r.fillProgress(p, acc, lossValue, epochStart)
		for _, c := range t.Callbacks {
			if err := c.OnBatchEnd(p); err != nil {
				return nil, err
			}
		}
		if p.Stop {
			break
		}
	}
	if t.Scheduler != nil && !t.SchedulePerBatch {
		if err := t.Scheduler.Step(); err != nil {
			return nil, err
		}
	}
	t.epochDone(epoch)
	return p, nil
}

// interrupted reports a cancelled context or a ShouldStop request.
func (r *run) interrupted() error {
	if err := r.ctx.Err(); err != nil {
		return fmt.Errorf("train: stopped after step %d: %w", r.t.step, err)
	}
	if r.t.ShouldStop != nil && r.t.ShouldStop() {
		return fmt.Errorf("train: %w after step %d", ErrStopped, r.t.step)
	}
	return nil
}

// trainStep does forward, loss, backward and the optimizer step for one
// batch, refusing to step on a non-finite loss or gradient, and undoing a
// step that left a non-finite parameter.
func (r *run) trainStep(b data.Batch, acc *accumulator, p *Progress) (float64, error) {
	t := r.t
	r.guard.save()
	// The step's activations go back to the buffer pool once it is done
	// (tensor.BeginStep): the next step's land in warm memory, and Go need
	// not clear fresh buffers for them.
	defer tensor.BeginStep()()
	t.Optimizer.ZeroGrad()
	out, err := nn.Call(t.Model, b.X)
	if err != nil {
		return 0, err
	}
	l, err := t.lossOf(out, b.Y)
	if err != nil {
		return 0, err
	}
	value, err := scalar(l)
	if err != nil {
		return 0, err
	}
	if err := r.checkFinite("loss", value, p); err != nil {
		return 0, err
	}
	if err := l.Backward(); err != nil {
		return 0, err
	}
	if err := r.clipOrCheckGrads(p); err != nil {
		return 0, err
	}
	// The optimizer phase of a profile (engine/profile), if one is recorded.
	if err := inPhase(PhaseOptimizer, t.Optimizer.Step); err != nil {
		return 0, err
	}
	if what, v, bad := r.guard.firstNonFinite(); bad {
		return 0, r.checkFinite(what, v, p)
	}
	t.step++
	p.Step = t.step
	if t.Scheduler != nil && t.SchedulePerBatch {
		if err := t.Scheduler.Step(); err != nil {
			return 0, err
		}
	}
	return value, acc.add(value, out, b.Y)
}

// lossOf computes the loss of out against target. A loss written
// outside package loss runs as user code, which may keep what it is
// given and computes (tensor.UserCode).
func (t *Trainer) lossOf(out, target *tensor.Tensor) (l *tensor.Tensor, err error) {
	if builtIn(t.Loss, lossPackage) {
		return t.Loss.Forward(out, target)
	}
	out.MarkHeld()
	tensor.UserCode(func() { l, err = t.Loss.Forward(out, target) })
	return l, err
}

// builtIn reports whether v's type is declared in the package pkg.
func builtIn(v any, pkg string) bool {
	ty := reflect.TypeOf(v)
	if ty.Kind() == reflect.Pointer {
		ty = ty.Elem()
	}
	return ty.PkgPath() == pkg
}

// lossPackage and trainPackage are the import paths of engine/loss and
// of this package, whose losses and metrics keep no tensor.
var (
	lossPackage  = reflect.TypeFor[loss.MSE]().PkgPath()
	trainPackage = reflect.TypeFor[Accuracy]().PkgPath()
)

// clipOrCheckGrads clips the gradient norm if asked, and in any case
// refuses a non-finite gradient.
func (r *run) clipOrCheckGrads(p *Progress) error {
	params := r.t.Model.ParamTensors()
	var norm float64
	if r.t.ClipGradNorm > 0 {
		var err error
		if norm, err = optim.ClipGradNorm(params, r.t.ClipGradNorm); err != nil {
			return err
		}
	} else if gradsFinite(params) {
		return nil
	} else {
		norm = optim.GradNorm(params) // for the error: NaN or infinite
	}
	return r.checkFinite("gradient norm", norm, p)
}

// gradsFinite reports whether every gradient of params is finite, which
// is when their norm is (see guard.firstNonFinite): without clipping, the
// norm is needed only for the error, and each gradient is checked in parts
// on the goroutines that computed it (allFinite) instead of summed on one.
func gradsFinite(params []*tensor.Tensor) bool {
	for _, p := range params {
		if g := p.PeekGrad(); g != nil && !allFinite(g.Values()) {
			return false
		}
	}
	return true
}

// checkFinite returns a DivergedError for a NaN or infinite value, after
// restoring the parameters and buffers that this step changed (the
// forward pass updates BatchNorm's running statistics, the optimizer the
// weights).
func (r *run) checkFinite(what string, v float64, p *Progress) error {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		return nil
	}
	r.guard.restore()
	return &DivergedError{What: what, Value: v, Step: r.t.step + 1, Epoch: p.Epoch, Batch: p.Batch, LR: firstLR(r.t.Optimizer)}
}

// fillProgress updates the per-batch fields of p.
func (r *run) fillProgress(p *Progress, acc *accumulator, lossValue float64, epochStart time.Time) {
	p.Loss = lossValue
	p.Metrics = acc.means("")
	p.LR = firstLR(r.t.Optimizer)
	p.Elapsed = time.Since(r.start)
	if s := time.Since(epochStart).Seconds(); s > 0 {
		p.SamplesPerSec = float64(acc.samples) / s
	}
}

// endEpoch evaluates on the validation data, records the epoch in the
// history and calls the epoch callbacks.
func (r *run) endEpoch(p *Progress, valData data.Loader) error {
	m := p.Metrics
	if m == nil {
		m = map[string]float64{}
	}
	p.Loss = m["loss"]
	if valData != nil {
		val, err := r.t.evaluate(r.ctx, valData, "val_")
		if err != nil {
			return err
		}
		for k, v := range val {
			m[k] = v
		}
	}
	m["lr"] = firstLR(r.t.Optimizer)
	p.Metrics = m
	for _, k := range keys(m) {
		r.hist.add(k, m[k])
	}
	for _, c := range r.t.Callbacks {
		if err := c.OnEpochEnd(p); err != nil {
			return err
		}
	}
	return nil
}

// Evaluate computes the loss and metrics over the loader's batches in
// evaluation mode and without recording a graph, then restores the
// model's mode. The keys are "loss" and the metrics' names.
func (t *Trainer) Evaluate(ctx context.Context, batches data.Loader) (map[string]float64, error) {
	return t.evaluate(ctx, batches, "")
}

func (t *Trainer) evaluate(ctx context.Context, batches data.Loader, prefix string) (map[string]float64, error) {
	wasTraining := t.Model.Training()
	t.Model.Eval()
	defer t.Model.Train(wasTraining)
	acc := newAccumulator(t.Metrics)
	var err error
	tensor.NoGrad(func() {
		for b, e := range batches.Batches(0) {
			if err = e; err != nil {
				return
			}
			if err = ctx.Err(); err != nil {
				return
			}
			if err = t.evalBatch(b, acc); err != nil {
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return acc.means(prefix), nil
}

// evalBatch adds one batch's loss and metrics to acc.
func (t *Trainer) evalBatch(b data.Batch, acc *accumulator) error {
	out, err := nn.Call(t.Model, b.X)
	if err != nil {
		return err
	}
	l, err := t.Loss.Forward(out, b.Y)
	if err != nil {
		return err
	}
	v, err := scalar(l)
	if err != nil {
		return err
	}
	return acc.add(v, out, b.Y)
}

// scalar reads a loss's value; a loss with reduction None is an error here.
func scalar(l *tensor.Tensor) (float64, error) {
	v, err := l.Item()
	if err != nil {
		return 0, fmt.Errorf("train: the loss has shape %s, expected a scalar (use reduction mean or sum)", tensor.FormatShape(l.Shape()))
	}
	return float64(v), nil
}

// firstLR returns the first parameter group's learning rate.
func firstLR(opt optim.Optimizer) float64 {
	if g := opt.ParamGroups(); len(g) > 0 {
		return g[0].LR
	}
	return 0
}
