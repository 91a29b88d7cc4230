//go:build js && wasm

package kernel

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/optim"
	"tinytorch/engine/train"
)

// Bindings of engine/train: tt.train.fit(model, loader, {epochs,
// optimizer, loss, callbacks, …}), tt.train.Trainer({model, optimizer,
// loss, …}) with fit(loader, {epochs}) and evaluate(loader),
// tt.train.batches(x, y, {batchSize, shuffle}), tt.train.Accuracy, and the
// built-in callbacks tt.train.earlyStopping, tt.train.checkpoint and
// tt.train.logger. Training runs in Go, inside one call, and shows a live
// progress bar and loss/accuracy chart (at most ten messages a second);
// the Stop button ends it between two batches (train.Trainer.ShouldStop
// reads the kernel's interrupt flag), keeping the model as it is.
//
// This file holds tt.train, the Trainer and fit; what fit trains on is in
// train_loaders.go, the callbacks in train_callbacks.go, and what a run
// shows in its cell in train_view.go.

var (
	loaderKind   = newKind("loader")
	trainerKind  = newKind("Trainer")
	metricKind   = newKind("metric")
	callbackKind = newKind("callback")
)

// loaderAdapters let other binding files (data.go, for
// tt.data.DataLoader) turn their JavaScript objects into data.Loaders.
// Objects of the shared object table whose Go value is a data.Loader
// need no adapter, nor do JavaScript iterables of [x, y] batches.
var loaderAdapters []func(js.Value) (data.Loader, bool)

// newTrain builds tt.train.
func newTrain() js.Value {
	loaderKind.build(map[string]binding{
		"len": kindMethod(loaderKind, "len", func(l data.Loader, _ js.Value, _ *argReader) (any, error) { return l.Len(), nil }),
		"toString": kindMethod(loaderKind, "toString", func(l data.Loader, _ js.Value, _ *argReader) (any, error) {
			return fmt.Sprintf("Loader(%d batches)", l.Len()), nil
		}),
	}, map[string]binding{
		"length": kindMethod(loaderKind, "length", func(l data.Loader, _ js.Value, _ *argReader) (any, error) { return l.Len(), nil }),
	})
	// for (const [x, y] of loader): each loop is the next epoch.
	setSymbolMethod(loaderKind.proto, "iterator", function("loader[Symbol.iterator]",
		kindMethod(loaderKind, "loader[Symbol.iterator]", func(l data.Loader, _ js.Value, _ *argReader) (any, error) {
			epoch := 0
			if tl, ok := l.(*tensorLoader); ok {
				epoch = tl.epoch
				tl.epoch++
			}
			arr := js.Global().Get("Array").New()
			for b, err := range l.Batches(epoch) {
				if err != nil {
					return nil, err
				}
				arr.Call("push", []any{tensors.wrap(b.X), tensors.wrap(b.Y)})
			}
			return callMethod(js.Global().Get("Reflect").Call("get", arr, js.Global().Get("Symbol").Get("iterator")), "call", arr)
		})))
	trainerKind.build(map[string]binding{
		"fit":      kindMethod(trainerKind, "trainer.fit", trainerFit),
		"evaluate": kindMethod(trainerKind, "trainer.evaluate", trainerEvaluate),
		"toString": kindMethod(trainerKind, "toString", func(tb *trainerBinding, _ js.Value, _ *argReader) (any, error) {
			return fmt.Sprintf("Trainer(model=%s, optimizer=%s, loss=%s, steps=%d)", tb.t.Model.Base().TypeName(),
				optimizerName(tb.t.Optimizer), lossName(tb.t.Loss), tb.steps), nil
		}),
	}, map[string]binding{
		"history": kindMethod(trainerKind, "history", func(tb *trainerBinding, _ js.Value, _ *argReader) (any, error) {
			if tb.history.IsUndefined() {
				return nil, nil
			}
			return tb.history, nil
		}),
		"model":     kindMethod(trainerKind, "model", func(tb *trainerBinding, _ js.Value, _ *argReader) (any, error) { return tb.modelObj, nil }),
		"optimizer": kindMethod(trainerKind, "optimizer", func(tb *trainerBinding, _ js.Value, _ *argReader) (any, error) { return tb.optObj, nil }),
	})
	metricKind.build(map[string]binding{
		"toString": kindMethod(metricKind, "toString", func(m train.Metric, _ js.Value, _ *argReader) (any, error) { return m.Name(), nil }),
	}, nil)
	callbackKind.build(map[string]binding{
		"toString": kindMethod(callbackKind, "toString", func(c train.Callback, _ js.Value, _ *argReader) (any, error) { return callbackName(c), nil }),
	}, nil)
	return object(map[string]binding{
		"fit":           fitFunc,
		"Trainer":       trainerConstructor,
		"batches":       batchesFunc,
		"Accuracy":      accuracyConstructor,
		"earlyStopping": earlyStoppingFunc,
		"checkpoint":    checkpointFunc,
		"logger":        loggerFunc,
	})
}

// accuracyConstructor is tt.train.Accuracy({threshold}).
func accuracyConstructor(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.train.Accuracy", args)
	th := r.Options(0, "threshold").Float("threshold", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return metricKind.wrap(train.Metric(train.Accuracy{Threshold: float32(th)})), nil
}

// trainerBinding is a tt.train.Trainer: the engine's Trainer plus the
// JavaScript objects it was given and the last run's history.
type trainerBinding struct {
	t         *train.Trainer
	callbacks []train.Callback // the user's, without the live display
	modelObj  js.Value
	optObj    js.Value
	history   js.Value
	steps     int
}

// The options of the trainer and of a fit, in the order an error lists
// them.
var (
	trainerOptions = []string{"optimizer", "loss", "scheduler", "schedulePerBatch", "metrics", "clipGradNorm",
		"callbacks", "earlyStopping", "onBatchEnd", "onEpochEnd"}
	fitOptions = []string{"epochs", "valLoader", "progress", "chart"}
)

// trainerConstructor is tt.train.Trainer({model, optimizer, loss,
// scheduler, metrics, clipGradNorm, callbacks, earlyStopping, onBatchEnd,
// onEpochEnd, schedulePerBatch}).
func trainerConstructor(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.train.Trainer", args)
	o := r.Options(0)
	o.Known("model")
	tb := newTrainerBinding(o, o.Value("model"))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return trainerKind.wrap(tb), nil
}

// newTrainerBinding reads the trainer's options; the reader keeps what
// goes wrong.
func newTrainerBinding(o *optReader, model js.Value) *trainerBinding {
	r, name := o.r, o.r.name
	o.Known(trainerOptions...)
	m, ok := moduleOf(model)
	if !ok && r.ok() {
		r.keep(fmt.Errorf("%s: expected a model such as tt.nn.Sequential(…), got %s", name, describeJS(model)))
	}
	optObj := o.Value("optimizer")
	opt, ok := optimizerOf(optObj)
	if !ok && r.ok() {
		r.keep(fmt.Errorf("%s: options.optimizer is required, such as {optimizer: tt.optim.SGD(model.parameters(), {lr: 0.1})}; got %s", name, describeJS(optObj)))
	}
	if !o.Has("loss") && r.ok() {
		r.keep(fmt.Errorf("%s: options.loss is required, such as {loss: tt.nn.CrossEntropyLoss()}", name))
	}
	var crit loss.Criterion
	if r.ok() {
		var err error
		crit, err = criterionOf(name+": options.loss", o.Value("loss"))
		r.keep(err)
	}
	t := &train.Trainer{Model: m, Optimizer: opt, Loss: crit, ShouldStop: interrupts.requested}
	if s := o.Value("scheduler"); !missing(s) && r.ok() {
		if t.Scheduler, ok = schedulerOf(s); !ok {
			r.keep(fmt.Errorf("%s: options.scheduler must be a scheduler such as tt.optim.lrScheduler.StepLR(opt, {stepSize: 10}), got %s", name, describeJS(s)))
		}
		_, t.SchedulePerBatch = t.Scheduler.(*optim.OneCycleLR) // OneCycleLR steps per batch
	}
	t.SchedulePerBatch = o.Bool("schedulePerBatch", t.SchedulePerBatch)
	t.ClipGradNorm = o.Float("clipGradNorm", 0)
	if metrics := o.Value("metrics"); r.ok() {
		var err error
		t.Metrics, err = metricsOf(name, metrics, crit)
		r.keep(err)
	}
	tb := &trainerBinding{t: t, modelObj: model, optObj: optObj, history: js.Undefined()}
	if es := o.Value("earlyStopping"); !missing(es) && r.ok() {
		cb, err := earlyStoppingOf(name+": options.earlyStopping", es)
		r.keep(err)
		tb.callbacks = append(tb.callbacks, cb)
	}
	if cb := jsCallbacks(o.Value("onBatchEnd"), o.Value("onEpochEnd")); cb != nil {
		tb.callbacks = append(tb.callbacks, cb)
	}
	if callbacks := o.Value("callbacks"); r.ok() {
		list, err := callbacksOf(name, callbacks, model)
		r.keep(err)
		tb.callbacks = append(tb.callbacks, list...)
	}
	return tb
}

// metricsOf reads metrics: ["accuracy"] or tt.train.Accuracy objects. By
// default a classification loss reports accuracy.
func metricsOf(name string, v js.Value, crit loss.Criterion) ([]train.Metric, error) {
	if v.IsUndefined() || v.IsNull() {
		if isClassification(crit) {
			threshold := float32(0)
			if _, ok := crit.(loss.BCE); ok {
				threshold = 0.5 // probabilities, not logits
			}
			return []train.Metric{train.Accuracy{Threshold: threshold}}, nil
		}
		return nil, nil
	}
	if !isArray(v) {
		return nil, fmt.Errorf("%s: options.metrics must be an array such as [\"accuracy\"], got %s", name, describeJS(v))
	}
	var out []train.Metric
	for i := 0; i < v.Length(); i++ {
		m := v.Index(i)
		if x, ok := objects.get(m); ok {
			if metric, ok := x.(train.Metric); ok {
				out = append(out, metric)
				continue
			}
		}
		if typeOf(m) == js.TypeString && (m.String() == "accuracy" || m.String() == "acc") {
			out = append(out, train.Accuracy{})
			continue
		}
		return nil, fmt.Errorf("%s: metric %d is %s; known metrics: \"accuracy\", tt.train.Accuracy({threshold})", name, i, describeJS(m))
	}
	return out, nil
}

// fitFunc is tt.train.fit(model, loader, {epochs, optimizer, loss,
// scheduler, valLoader, metrics, …}): a Trainer made for one run. It
// returns the history: per-epoch arrays (loss, accuracy, valLoss,
// valAccuracy, lr), stepLoss, and a chart when displayed.
func fitFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.train.fit", args)
	o := r.Options(2)
	o.Known(fitOptions...)
	tb := newTrainerBinding(o, r.Value(0))
	return tb.fit(o, r.Value(1))
}

// trainerFit is trainer.fit(loader, {epochs, valLoader, progress, chart}).
func trainerFit(tb *trainerBinding, _ js.Value, r *argReader) (any, error) {
	return tb.fit(r.Options(1), r.Value(0))
}

// trainerEvaluate is trainer.evaluate(loader): the loss and metrics over
// the data, in evaluation mode and without a graph.
func trainerEvaluate(tb *trainerBinding, _ js.Value, r *argReader) (any, error) {
	data, err := loaderOf(r.name, r.Value(0))
	if err != nil {
		return nil, err
	}
	m, err := tb.t.Evaluate(context.Background(), data)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range m {
		out[camelCase(k)] = v
	}
	return out, nil
}

// fit reads fit's options {epochs, valLoader, progress, chart}, runs the
// training and shows it live.
func (tb *trainerBinding) fit(o *optReader, batches js.Value) (any, error) {
	r, name := o.r, o.r.name
	o.Known(fitOptions...)
	epochs := o.Int("epochs", 1)
	if epochs <= 0 && r.ok() {
		r.failf("epochs must be positive, got %d", epochs)
	}
	showProgress, showChart, valData := o.Bool("progress", true), o.Bool("chart", true), o.Value("valLoader")
	if err := r.Err(); err != nil {
		return nil, err
	}
	loader, err := loaderOf(name, batches)
	if err != nil {
		return nil, err
	}
	var val data.Loader
	if !missing(valData) {
		if val, err = loaderOf(name+": valLoader", valData); err != nil {
			return nil, err
		}
	}
	rec := &shapeRecorder{Loader: loader}
	view := newTrainView(epochs, loader.Len(), len(tb.t.Metrics) > 0, showProgress, showChart)
	tb.t.Callbacks = append(append([]train.Callback{}, tb.callbacks...), view)
	hist, err := tb.t.Fit(context.Background(), rec, val, epochs)
	tb.steps += view.done
	if rec.shape != nil && typeOf(tb.modelObj) == js.TypeObject {
		tb.modelObj.Set("_inputShape", intsToJS(rec.shape))
	}
	stopped := errors.Is(err, train.ErrStopped)
	view.finish(err, stopped)
	if hist != nil {
		tb.history = historyObject(hist, view)
	}
	switch {
	case stopped:
		return nil, errInterrupted
	case err != nil:
		var div *train.DivergedError
		if errors.As(err, &div) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return tb.history, nil
}
