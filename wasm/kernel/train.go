//go:build js && wasm

package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
		"len": methodOf(loaderKind, "len", func(l data.Loader, _ js.Value, _ []js.Value) (any, error) { return l.Len(), nil }),
		"toString": methodOf(loaderKind, "toString", func(l data.Loader, _ js.Value, _ []js.Value) (any, error) {
			return fmt.Sprintf("Loader(%d batches)", l.Len()), nil
		}),
	}, map[string]binding{
		"length": methodOf(loaderKind, "length", func(l data.Loader, _ js.Value, _ []js.Value) (any, error) { return l.Len(), nil }),
	})
	// for (const [x, y] of loader): each loop is the next epoch.
	setSymbolMethod(loaderKind.proto, "iterator", function("loader[Symbol.iterator]",
		methodOf(loaderKind, "loader[Symbol.iterator]", func(l data.Loader, _ js.Value, _ []js.Value) (any, error) {
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
		"fit":      methodOf(trainerKind, "fit", trainerFit),
		"evaluate": methodOf(trainerKind, "evaluate", trainerEvaluate),
		"toString": methodOf(trainerKind, "toString", func(tb *trainerBinding, _ js.Value, _ []js.Value) (any, error) {
			return fmt.Sprintf("Trainer(model=%s, optimizer=%s, loss=%s, steps=%d)", tb.t.Model.Base().TypeName(),
				strings.TrimPrefix(fmt.Sprintf("%T", tb.t.Optimizer), "*optim."), lossName(tb.t.Loss), tb.steps), nil
		}),
	}, map[string]binding{
		"history": methodOf(trainerKind, "history", func(tb *trainerBinding, _ js.Value, _ []js.Value) (any, error) {
			if tb.history.IsUndefined() {
				return nil, nil
			}
			return tb.history, nil
		}),
		"model":     methodOf(trainerKind, "model", func(tb *trainerBinding, _ js.Value, _ []js.Value) (any, error) { return tb.modelObj, nil }),
		"optimizer": methodOf(trainerKind, "optimizer", func(tb *trainerBinding, _ js.Value, _ []js.Value) (any, error) { return tb.optObj, nil }),
	})
	metricKind.build(map[string]binding{
		"toString": methodOf(metricKind, "toString", func(m train.Metric, _ js.Value, _ []js.Value) (any, error) { return m.Name(), nil }),
	}, nil)
	callbackKind.build(map[string]binding{
		"toString": methodOf(callbackKind, "toString", func(c train.Callback, _ js.Value, _ []js.Value) (any, error) { return callbackName(c), nil }),
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
	th, err := numOpt("tt.train.Accuracy", args, 0, 0, "threshold", 0)
	if err != nil {
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

// The options each call accepts; any other name is an error, so that a
// misspelt option (such as callback for callbacks) is not silently
// ignored.
var (
	trainerOptions = []string{"optimizer", "loss", "scheduler", "schedulePerBatch", "metrics", "clipGradNorm",
		"callbacks", "earlyStopping", "onBatchEnd", "onEpochEnd"}
	fitOptions = []string{"epochs", "valLoader", "progress", "chart"}
)

// trainerConstructor is tt.train.Trainer({model, optimizer, loss,
// scheduler, metrics, clipGradNorm, callbacks, earlyStopping, onBatchEnd,
// onEpochEnd, schedulePerBatch}).
func trainerConstructor(_ js.Value, args []js.Value) (any, error) {
	o := opts(args, 0)
	if err := checkOptions("tt.train.Trainer", o, []string{"model"}, trainerOptions); err != nil {
		return nil, err
	}
	tb, err := newTrainerBinding("tt.train.Trainer", getProp(o, "model"), o)
	if err != nil {
		return nil, err
	}
	return trainerKind.wrap(tb), nil
}

// newTrainerBinding reads the trainer's options.
func newTrainerBinding(name string, model, o js.Value) (*trainerBinding, error) {
	m, ok := moduleOf(model)
	if !ok {
		return nil, fmt.Errorf("%s: expected a model such as tt.nn.Sequential(…), got %s", name, describeJS(model))
	}
	opt, ok := optimizerOf(getProp(o, "optimizer"))
	if !ok {
		return nil, fmt.Errorf("%s: options.optimizer is required, such as {optimizer: tt.optim.SGD(model.parameters(), {lr: 0.1})}; got %s", name, describeJS(getProp(o, "optimizer")))
	}
	if getProp(o, "loss").IsUndefined() {
		return nil, fmt.Errorf("%s: options.loss is required, such as {loss: tt.nn.CrossEntropyLoss()}", name)
	}
	crit, err := criterionOf(name+": options.loss", getProp(o, "loss"))
	if err != nil {
		return nil, err
	}
	t := &train.Trainer{Model: m, Optimizer: opt, Loss: crit, ShouldStop: interrupts.requested}
	if s := getProp(o, "scheduler"); !s.IsUndefined() && !s.IsNull() {
		if t.Scheduler, ok = schedulerOf(s); !ok {
			return nil, fmt.Errorf("%s: options.scheduler must be a scheduler such as tt.optim.lrScheduler.StepLR(opt, {stepSize: 10}), got %s", name, describeJS(s))
		}
		_, t.SchedulePerBatch = t.Scheduler.(*optim.OneCycleLR) // OneCycleLR steps per batch
	}
	if v := getProp(o, "schedulePerBatch"); typeOf(v) == js.TypeBoolean {
		t.SchedulePerBatch = v.Bool()
	}
	if t.ClipGradNorm, err = floatArg(name, []js.Value{getProp(o, "clipGradNorm")}, 0, "clipGradNorm", 0); err != nil {
		return nil, err
	}
	if t.Metrics, err = metricsOf(name, getProp(o, "metrics"), crit); err != nil {
		return nil, err
	}
	tb := &trainerBinding{t: t, modelObj: model, optObj: getProp(o, "optimizer"), history: js.Undefined()}
	if es := getProp(o, "earlyStopping"); !es.IsUndefined() && !es.IsNull() {
		cb, err := earlyStoppingOf(name+": options.earlyStopping", es)
		if err != nil {
			return nil, err
		}
		tb.callbacks = append(tb.callbacks, cb)
	}
	if cb := jsCallbacks(o); cb != nil {
		tb.callbacks = append(tb.callbacks, cb)
	}
	list, err := callbacksOf(name, getProp(o, "callbacks"), model)
	if err != nil {
		return nil, err
	}
	tb.callbacks = append(tb.callbacks, list...)
	return tb, nil
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
	const name = "tt.train.fit"
	o := opts(args, 2)
	if err := checkOptions(name, o, fitOptions, trainerOptions); err != nil {
		return nil, err
	}
	tb, err := newTrainerBinding(name, arg(args, 0), o)
	if err != nil {
		return nil, err
	}
	return tb.fit(name, arg(args, 1), o)
}

// trainerFit is trainer.fit(loader, {epochs, valLoader, progress, chart}).
func trainerFit(tb *trainerBinding, _ js.Value, args []js.Value) (any, error) {
	o := opts(args, 1)
	if err := checkOptions("trainer.fit", o, fitOptions); err != nil {
		return nil, err
	}
	return tb.fit("trainer.fit", arg(args, 0), o)
}

// trainerEvaluate is trainer.evaluate(loader): the loss and metrics over
// the data, in evaluation mode and without a graph.
func trainerEvaluate(tb *trainerBinding, _ js.Value, args []js.Value) (any, error) {
	data, err := loaderOf("trainer.evaluate", arg(args, 0))
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

// fit runs the training and shows it live.
func (tb *trainerBinding) fit(name string, batches js.Value, o js.Value) (any, error) {
	loader, err := loaderOf(name, batches)
	if err != nil {
		return nil, err
	}
	var val data.Loader
	if v := getProp(o, "valLoader"); !v.IsUndefined() && !v.IsNull() {
		if val, err = loaderOf(name+": valLoader", v); err != nil {
			return nil, err
		}
	}
	epochs, err := intArg(name, []js.Value{getProp(o, "epochs")}, 0, "epochs", 1)
	if err != nil {
		return nil, err
	}
	if epochs <= 0 {
		return nil, fmt.Errorf("%s: epochs must be positive, got %d", name, epochs)
	}
	showProgress, err := boolArg(name, []js.Value{getProp(o, "progress")}, 0, "progress", true)
	if err != nil {
		return nil, err
	}
	showChart, err := boolArg(name, []js.Value{getProp(o, "chart")}, 0, "chart", true)
	if err != nil {
		return nil, err
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
