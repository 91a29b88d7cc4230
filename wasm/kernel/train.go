//go:build js && wasm

package kernel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/loss"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// Bindings of engine/train: tt.train.fit(model, loader, {epochs,
// optimizer, loss, callbacks, …}), tt.train.Trainer({model, optimizer,
// loss, …}) with fit(loader, {epochs}) and evaluate(loader),
// tt.train.batches(x, y, {batchSize, shuffle}), tt.train.Accuracy, and the
// built-in callbacks tt.train.earlyStopping, tt.train.checkpoint and
// tt.train.logger. Training runs in Go, inside
// one call, and shows a live progress bar and loss/accuracy chart (at most
// ten messages a second); the Stop button ends it between two batches
// (train.Trainer.ShouldStop reads the kernel's interrupt flag), keeping
// the model as it is.

var (
	loaderKind   = newKind("loader")
	trainerKind  = newKind("Trainer")
	metricKind   = newKind("metric")
	callbackKind = newKind("callback")
)

// loaderAdapters let other binding files (such as a future data.go for
// tt.data.DataLoader) turn their JavaScript objects into train.Loaders.
// Objects of the shared object table whose Go value is a train.Loader
// need no adapter, nor do JavaScript iterables of [x, y] batches.
var loaderAdapters []func(js.Value) (train.Loader, bool)

// newTrain builds tt.train.
func newTrain() js.Value {
	loaderKind.build(map[string]binding{
		"len": methodOf(loaderKind, "len", func(l train.Loader, _ js.Value, _ []js.Value) (any, error) { return l.Len(), nil }),
		"toString": methodOf(loaderKind, "toString", func(l train.Loader, _ js.Value, _ []js.Value) (any, error) {
			return fmt.Sprintf("Loader(%d batches)", l.Len()), nil
		}),
	}, map[string]binding{
		"length": methodOf(loaderKind, "length", func(l train.Loader, _ js.Value, _ []js.Value) (any, error) { return l.Len(), nil }),
	})
	// for (const [x, y] of loader): each loop is the next epoch.
	setSymbolMethod(loaderKind.proto, "iterator", function("loader[Symbol.iterator]",
		methodOf(loaderKind, "loader[Symbol.iterator]", func(l train.Loader, _ js.Value, _ []js.Value) (any, error) {
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

// tensorLoader is tt.train.batches(x, y, {batchSize, shuffle, dropLast,
// seed}): minibatches of the rows of two tensors. Shuffling draws a fresh
// permutation every epoch from a generator seeded by (seed, epoch), so a
// rerun after tt.manualSeed gives the same batches.
type tensorLoader struct {
	x, y      *tensor.Tensor
	batchSize int
	shuffle   bool
	dropLast  bool
	seed      uint64
	epoch     int // the next epoch of a JavaScript for…of loop
}

// Len returns the number of batches per epoch.
func (l *tensorLoader) Len() int {
	n := l.x.Shape()[0]
	if l.dropLast {
		return n / l.batchSize
	}
	return (n + l.batchSize - 1) / l.batchSize
}

// Batches yields one epoch's batches.
func (l *tensorLoader) Batches(epoch int) iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		n := l.x.Shape()[0]
		var order []int
		if l.shuffle {
			order = tensor.NewGenerator(l.seed ^ (uint64(epoch)+1)*0x9E3779B97F4A7C15).Perm(n)
		}
		for b := 0; b < l.Len(); b++ {
			start := b * l.batchSize
			size := min(l.batchSize, n-start)
			var batch train.Batch
			var err error
			if order == nil {
				if batch.X, err = l.x.Narrow(0, start, size); err == nil {
					batch.Y, err = l.y.Narrow(0, start, size)
				}
			} else {
				idx := make([]float32, size)
				for i := range idx {
					idx[i] = float32(order[start+i])
				}
				var index *tensor.Tensor
				if index, err = tensor.New(idx, size); err == nil {
					if batch.X, err = l.x.IndexSelect(0, index); err == nil {
						batch.Y, err = l.y.IndexSelect(0, index)
					}
				}
			}
			if !yield(batch, err) || err != nil {
				return
			}
		}
	}
}

// batchesFunc is tt.train.batches(x, y, {batchSize = 32, shuffle = false,
// dropLast = false, seed}).
func batchesFunc(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.train.batches"
	x, err := tensors.operand(name+": x", arg(args, 0))
	if err != nil {
		return nil, err
	}
	y, err := tensors.operand(name+": y", arg(args, 1))
	if err != nil {
		return nil, err
	}
	if x.Dim() == 0 || y.Dim() == 0 || x.Shape()[0] != y.Shape()[0] {
		return nil, fmt.Errorf("%s: x of shape %v and y of shape %v: expected the same number of rows (first dimension)", name, x.Shape(), y.Shape())
	}
	bs, err := intOpt(name, args, 2, 99, "batchSize", 32)
	if err != nil {
		return nil, err
	}
	if bs <= 0 {
		return nil, fmt.Errorf("%s: batchSize must be positive, got %d", name, bs)
	}
	l := &tensorLoader{x: x, y: y, batchSize: bs}
	if l.shuffle, err = boolOpt(name, args, 2, "shuffle", false); err != nil {
		return nil, err
	}
	if l.dropLast, err = boolOpt(name, args, 2, "dropLast", false); err != nil {
		return nil, err
	}
	seed, err := intOpt(name, args, 2, 99, "seed", -1)
	if err != nil {
		return nil, err
	}
	if seed < 0 { // from the default generator, so tt.manualSeed fixes it
		l.seed = uint64(tensor.DefaultGenerator().Uint32())
	} else {
		l.seed = uint64(seed)
	}
	if l.Len() == 0 {
		return nil, fmt.Errorf("%s: %d rows give no batch of %d with dropLast", name, x.Shape()[0], bs)
	}
	return objects.wrap(loaderKind, train.Loader(l)), nil
}

// jsLoader adapts a JavaScript iterable of batches — [x, y] pairs or
// {x, y} objects — to train.Loader. Its length, if any, is the number of
// batches (an array's length, or a length property).
type jsLoader struct{ obj js.Value }

// Len returns the length property, or 0 when it has none.
func (l jsLoader) Len() int {
	if n := l.obj.Get("length"); n.Type() == js.TypeNumber {
		return n.Int()
	}
	return 0
}

// Batches iterates the object once.
func (l jsLoader) Batches(int) iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		fn := js.Global().Get("Reflect").Call("get", l.obj, js.Global().Get("Symbol").Get("iterator"))
		it, err := callMethod(fn, "call", l.obj)
		if err != nil {
			yield(train.Batch{}, err)
			return
		}
		for i := 0; ; i++ {
			r, err := callMethod(it, "next")
			if err != nil {
				yield(train.Batch{}, err)
				return
			}
			if r.Get("done").Truthy() {
				return
			}
			b, err := batchOf(fmt.Sprintf("batch %d", i+1), r.Get("value"))
			if !yield(b, err) || err != nil {
				return
			}
		}
	}
}

// batchOf reads one batch: [x, y] or {x, y}.
func batchOf(name string, v js.Value) (train.Batch, error) {
	var xv, yv js.Value
	switch {
	case isArray(v) && v.Length() == 2:
		xv, yv = v.Index(0), v.Index(1)
	case v.Type() == js.TypeObject && !v.Get("x").IsUndefined():
		xv, yv = v.Get("x"), v.Get("y")
	default:
		return train.Batch{}, fmt.Errorf("%s is %s, expected [x, y] or {x, y}", name, describeJS(v))
	}
	x, err := tensors.operand(name+": x", xv)
	if err != nil {
		return train.Batch{}, err
	}
	y, err := tensors.operand(name+": y", yv)
	return train.Batch{X: x, Y: y}, err
}

// loaderOf reads a data argument: a loader object, [x, y] (one batch), or
// any iterable of batches.
func loaderOf(name string, v js.Value) (train.Loader, error) {
	if x, ok := objects.get(v); ok {
		if l, ok := x.(train.Loader); ok {
			return l, nil
		}
	}
	for _, adapt := range loaderAdapters {
		if l, ok := adapt(v); ok {
			return l, nil
		}
	}
	if isArray(v) && v.Length() == 2 {
		if _, ok := tensors.unwrap(v.Index(0)); ok {
			b, err := batchOf(name, v)
			return train.Batches{b}, err
		}
	}
	if v.Type() == js.TypeObject && js.Global().Get("Reflect").Call("has", v, js.Global().Get("Symbol").Get("iterator")).Bool() {
		return jsLoader{v}, nil
	}
	return nil, fmt.Errorf("%s: expected a loader such as tt.train.batches(x, y, {batchSize: 32}), [x, y] or an iterable of [x, y] batches, got %s", name, describeJS(v))
}

// shapeRecorder remembers the shape of the first input it yields, for the
// model's summary.
type shapeRecorder struct {
	train.Loader
	shape []int
}

// Batches passes the batches through.
func (r *shapeRecorder) Batches(epoch int) iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		for b, err := range r.Loader.Batches(epoch) {
			if r.shape == nil && err == nil && b.X != nil {
				r.shape = b.X.Shape()
			}
			if !yield(b, err) {
				return
			}
		}
	}
}

// accuracyConstructor is tt.train.Accuracy({threshold}).
func accuracyConstructor(_ js.Value, args []js.Value) (any, error) {
	th, err := numOpt("tt.train.Accuracy", args, 0, 0, "threshold", 0)
	if err != nil {
		return nil, err
	}
	return objects.wrap(metricKind, train.Metric(train.Accuracy{Threshold: float32(th)})), nil
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

// checkOptions rejects option names that are not in any of the known
// lists, naming the known ones.
func checkOptions(name string, o js.Value, known ...[]string) error {
	all := slices.Concat(known...)
	for _, key := range optionKeys(o) {
		if !slices.Contains(all, key) {
			return fmt.Errorf("%s: unknown option %q (known: %s)", name, key, strings.Join(all, ", "))
		}
	}
	return nil
}

// trainerConstructor is tt.train.Trainer({model, optimizer, loss,
// scheduler, metrics, clipGradNorm, callbacks, earlyStopping, onBatchEnd,
// onEpochEnd, schedulePerBatch}).
func trainerConstructor(_ js.Value, args []js.Value) (any, error) {
	o := opts(args, 0)
	if err := checkOptions("tt.train.Trainer", o, []string{"model"}, trainerOptions); err != nil {
		return nil, err
	}
	tb, err := newTrainerBinding("tt.train.Trainer", o.Get("model"), o)
	if err != nil {
		return nil, err
	}
	return objects.wrap(trainerKind, tb), nil
}

// newTrainerBinding reads the trainer's options.
func newTrainerBinding(name string, model, o js.Value) (*trainerBinding, error) {
	m, ok := moduleOf(model)
	if !ok {
		return nil, fmt.Errorf("%s: expected a model such as tt.nn.Sequential(…), got %s", name, describeJS(model))
	}
	opt, ok := optimizerOf(o.Get("optimizer"))
	if !ok {
		return nil, fmt.Errorf("%s: options.optimizer is required, such as {optimizer: tt.optim.SGD(model.parameters(), {lr: 0.1})}; got %s", name, describeJS(o.Get("optimizer")))
	}
	if o.Get("loss").IsUndefined() {
		return nil, fmt.Errorf("%s: options.loss is required, such as {loss: tt.nn.CrossEntropyLoss()}", name)
	}
	crit, err := criterionOf(name+": options.loss", o.Get("loss"))
	if err != nil {
		return nil, err
	}
	t := &train.Trainer{Model: m, Optimizer: opt, Loss: crit, ShouldStop: interrupts.requested}
	if s := o.Get("scheduler"); !s.IsUndefined() && !s.IsNull() {
		if t.Scheduler, ok = schedulerOf(s); !ok {
			return nil, fmt.Errorf("%s: options.scheduler must be a scheduler such as tt.optim.lrScheduler.StepLR(opt, {stepSize: 10}), got %s", name, describeJS(s))
		}
		_, t.SchedulePerBatch = t.Scheduler.(*optim.OneCycleLR) // OneCycleLR steps per batch
	}
	if v := o.Get("schedulePerBatch"); v.Type() == js.TypeBoolean {
		t.SchedulePerBatch = v.Bool()
	}
	if t.ClipGradNorm, err = floatArg(name, []js.Value{o.Get("clipGradNorm")}, 0, "clipGradNorm", 0); err != nil {
		return nil, err
	}
	if t.Metrics, err = metricsOf(name, o.Get("metrics"), crit); err != nil {
		return nil, err
	}
	tb := &trainerBinding{t: t, modelObj: model, optObj: o.Get("optimizer"), history: js.Undefined()}
	if es := o.Get("earlyStopping"); !es.IsUndefined() && !es.IsNull() {
		cb, err := earlyStoppingOf(name+": options.earlyStopping", es)
		if err != nil {
			return nil, err
		}
		tb.callbacks = append(tb.callbacks, cb)
	}
	if cb := jsCallbacks(o); cb != nil {
		tb.callbacks = append(tb.callbacks, cb)
	}
	list, err := callbacksOf(name, o.Get("callbacks"), model)
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
		if m.Type() == js.TypeString && (m.String() == "accuracy" || m.String() == "acc") {
			out = append(out, train.Accuracy{})
			continue
		}
		return nil, fmt.Errorf("%s: metric %d is %s; known metrics: \"accuracy\", tt.train.Accuracy({threshold})", name, i, describeJS(m))
	}
	return out, nil
}

// jsCallbacks wraps options.onBatchEnd and options.onEpochEnd, functions of
// a progress object; returning false (or setting p.stop) ends training.
func jsCallbacks(o js.Value) train.Callback {
	batch, epoch := o.Get("onBatchEnd"), o.Get("onEpochEnd")
	if batch.Type() != js.TypeFunction && epoch.Type() != js.TypeFunction {
		return nil
	}
	return funcCallback(batch, epoch, js.Undefined())
}

// funcCallback adapts JavaScript functions (any may be undefined) to a
// train.Callback. onTrainEnd receives the history's arrays.
func funcCallback(batch, epoch, end js.Value) train.Callback {
	call := func(fn js.Value, p *train.Progress) error {
		if fn.Type() != js.TypeFunction {
			return nil
		}
		obj := js.ValueOf(progressObject(p))
		r, err := callJS(fn, obj)
		if err != nil {
			return err
		}
		if (r.Type() == js.TypeBoolean && !r.Bool()) || obj.Get("stop").Truthy() {
			p.Stop = true
		}
		return nil
	}
	return train.CallbackFuncs{
		BatchEnd: func(p *train.Progress) error { return call(batch, p) },
		EpochEnd: func(p *train.Progress) error { return call(epoch, p) },
		TrainEnd: func(h *train.History) error {
			if end.Type() != js.TypeFunction {
				return nil
			}
			_, err := callJS(end, historyArrays(h))
			return err
		},
	}
}

// progressObject is what a JavaScript callback receives.
func progressObject(p *train.Progress) map[string]any {
	metrics := map[string]any{}
	for k, v := range p.Metrics {
		metrics[camelCase(k)] = v
	}
	return map[string]any{
		"epoch": p.Epoch, "epochs": p.Epochs, "batch": p.Batch, "batches": p.Batches, "step": p.Step,
		"loss": p.Loss, "metrics": metrics, "lr": p.LR, "samplesPerSec": p.SamplesPerSec,
		"elapsedMs": float64(p.Elapsed.Microseconds()) / 1000, "stop": false,
	}
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
func (tb *trainerBinding) fit(name string, data js.Value, o js.Value) (any, error) {
	loader, err := loaderOf(name, data)
	if err != nil {
		return nil, err
	}
	var val train.Loader
	if v := o.Get("valLoader"); !v.IsUndefined() && !v.IsNull() {
		if val, err = loaderOf(name+": valLoader", v); err != nil {
			return nil, err
		}
	}
	epochs, err := intArg(name, []js.Value{o.Get("epochs")}, 0, "epochs", 1)
	if err != nil {
		return nil, err
	}
	if epochs <= 0 {
		return nil, fmt.Errorf("%s: epochs must be positive, got %d", name, epochs)
	}
	showProgress, err := boolArg(name, []js.Value{o.Get("progress")}, 0, "progress", true)
	if err != nil {
		return nil, err
	}
	showChart, err := boolArg(name, []js.Value{o.Get("chart")}, 0, "chart", true)
	if err != nil {
		return nil, err
	}
	rec := &shapeRecorder{Loader: loader}
	view := newTrainView(epochs, loader.Len(), len(tb.t.Metrics) > 0, showProgress, showChart)
	tb.t.Callbacks = append(append([]train.Callback{}, tb.callbacks...), view)
	hist, err := tb.t.Fit(context.Background(), rec, val, epochs)
	tb.steps += view.done
	if rec.shape != nil && tb.modelObj.Type() == js.TypeObject {
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

// historyObject converts a History for JavaScript: an array per metric,
// in camelCase (valLoss), the loss of every step, and a chart of the
// per-epoch curves that display() shows.
func historyObject(h *train.History, view *trainView) js.Value {
	obj := historyArrays(h)
	obj.Set("samplesPerSec", view.samplesPerSec)
	obj.Set("seconds", time.Since(view.start).Seconds())
	epochs := len(h.Epochs["loss"])
	xs := make([]float64, epochs)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	lossSeries, accSeries := map[string][]float64{}, map[string][]float64{}
	for _, name := range h.Names {
		switch {
		case strings.HasSuffix(name, "loss"):
			lossSeries[camelCase(name)] = h.Epochs[name]
		case strings.HasSuffix(name, "accuracy"):
			accSeries[camelCase(name)] = h.Epochs[name]
		}
	}
	svg := chartSVG("loss", xs, lossSeries, chartOptions{XLabel: "epoch"})
	if epochs <= 1 { // one epoch: the loss of every step says more
		svg = lineChartSVG("loss per step", map[string][]float64{"train": h.StepLoss})
	}
	if len(accSeries) > 0 && epochs > 1 {
		svg += chartSVG("accuracy", xs, accSeries, chartOptions{XLabel: "epoch", YMin: 0, YMax: 1})
	}
	text := fmt.Sprintf("History(%d epochs", epochs)
	for _, name := range h.Names {
		if v, ok := h.Last(name); ok && name != "lr" {
			text += fmt.Sprintf(", %s %.4g", camelCase(name), v)
		}
	}
	b := map[string]any{"text/html": chartRow(svg), "text/plain": text + ")"}
	js.Global().Get("Object").Call("defineProperty", obj, "__ttBundle", map[string]any{"value": b, "enumerable": false})
	return obj
}

// historyArrays is the data of a History for JavaScript: an array per
// metric in camelCase (valLoss), stepLoss and stoppedEarly.
func historyArrays(h *train.History) js.Value {
	obj := js.Global().Get("Object").New()
	for _, name := range h.Names {
		obj.Set(camelCase(name), floatsToJS(h.Epochs[name]))
	}
	obj.Set("stepLoss", floatsToJS(h.StepLoss))
	obj.Set("stoppedEarly", h.StoppedEarly)
	return obj
}

// chartRow lays charts side by side.
func chartRow(svgs string) string {
	return `<div class="tt-train-chart" style="display:flex;flex-wrap:wrap;gap:8px">` + svgs + `</div>`
}

// trainView is the live display of a run: a progress bar and a chart of
// the training loss (and accuracy) that grows in place, with the
// validation values at each epoch's end. Both are posted together at most
// five times a second (ten messages), and once more at the end.
type trainView struct {
	bar                 *progressBar
	chartID, cell       int
	showChart           bool
	epochs, perEpoch    int
	total, done, bucket int
	hasAcc              bool
	// Chart points: x in epochs, mean loss over the bucket of steps,
	// accuracy so far in the epoch, validation values at epoch ends.
	xs                         []float64
	loss, acc, valLoss, valAcc []float64
	sum                        float64
	count                      int
	start, lastPost            time.Time
	samplesPerSec              float64
	label                      string
}

// updateEvery is the time between two live updates of the display.
const updateEvery = 200 * time.Millisecond

func newTrainView(epochs, perEpoch int, hasAcc, progress, chart bool) *trainView {
	v := &trainView{epochs: epochs, perEpoch: perEpoch, hasAcc: hasAcc, showChart: chart, start: time.Now(), cell: current}
	v.total = epochs * perEpoch
	if perEpoch == 0 {
		v.total = epochs // unknown length: the bar moves per epoch
	}
	v.bucket = max(1, (v.total+199)/200) // at most about 200 points
	if progress {
		v.bar = newProgress(fmt.Sprintf("epoch 1/%d", epochs), float64(v.total))
	}
	if chart {
		displayCount++
		v.chartID = displayCount
	}
	return v
}

// OnBatchEnd adds the step's loss to the current point.
func (v *trainView) OnBatchEnd(p *train.Progress) error {
	v.done++
	v.sum += p.Loss
	v.count++
	v.samplesPerSec = p.SamplesPerSec
	if v.count >= v.bucket {
		v.addPoint(p)
	}
	v.label = progressLabel(p, false)
	v.maybePost(false)
	return nil
}

// OnEpochEnd closes the epoch's last point and adds validation values.
func (v *trainView) OnEpochEnd(p *train.Progress) error {
	if v.count > 0 {
		v.addPoint(p)
	}
	if len(v.xs) == 0 || v.xs[len(v.xs)-1] != float64(p.Epoch) {
		v.xs = append(v.xs, float64(p.Epoch))
		nan := math.NaN()
		v.loss, v.acc, v.valLoss, v.valAcc = append(v.loss, p.Metrics["loss"]), append(v.acc, nan), append(v.valLoss, nan), append(v.valAcc, nan)
	}
	last := len(v.xs) - 1
	if a, ok := p.Metrics["accuracy"]; ok {
		v.acc[last] = a
	}
	if l, ok := p.Metrics["val_loss"]; ok {
		v.valLoss[last] = l
	}
	if a, ok := p.Metrics["val_accuracy"]; ok {
		v.valAcc[last] = a
	}
	v.label = progressLabel(p, true)
	v.maybePost(false)
	return nil
}

// addPoint closes the current bucket of steps.
func (v *trainView) addPoint(p *train.Progress) {
	x := float64(p.Epoch)
	if p.Batches > 0 {
		x = float64(p.Epoch-1) + float64(p.Batch)/float64(p.Batches)
	}
	acc := math.NaN()
	if a, ok := p.Metrics["accuracy"]; ok {
		acc = a
	}
	v.xs = append(v.xs, x)
	v.loss = append(v.loss, v.sum/float64(v.count))
	v.acc = append(v.acc, acc)
	v.valLoss = append(v.valLoss, math.NaN())
	v.valAcc = append(v.valAcc, math.NaN())
	v.sum, v.count = 0, 0
}

// progressLabel reads "epoch 3/10 · loss 0.3121 · accuracy 0.901 ·
// 8,411 samples/s".
func progressLabel(p *train.Progress, epochEnd bool) string {
	s := fmt.Sprintf("epoch %d/%d · loss %.4f", p.Epoch, p.Epochs, p.Metrics["loss"])
	if a, ok := p.Metrics["accuracy"]; ok {
		s += fmt.Sprintf(" · accuracy %.3f", a)
	}
	if epochEnd {
		if l, ok := p.Metrics["val_loss"]; ok {
			s += fmt.Sprintf(" · val loss %.4f", l)
		}
		if a, ok := p.Metrics["val_accuracy"]; ok {
			s += fmt.Sprintf(" · val accuracy %.3f", a)
		}
	}
	return s + fmt.Sprintf(" · %s samples/s", commas(int(p.SamplesPerSec)))
}

// maybePost posts the bar and the chart when an update is due.
func (v *trainView) maybePost(force bool) {
	now := time.Now()
	if !force && now.Sub(v.lastPost) < updateEvery {
		return
	}
	v.lastPost = now
	if v.bar != nil {
		v.bar.label = v.label
		done := float64(v.done)
		if v.perEpoch == 0 {
			done = float64(len(v.valLoss)) // epochs
		}
		v.bar.done = min(done, v.bar.total)
		v.bar.post(true)
	}
	if v.showChart && len(v.xs) > 0 {
		v.postChart()
	}
}

// postChart replaces the chart in place.
func (v *trainView) postChart() {
	xmax := float64(v.epochs)
	series := func(train, val []float64) map[string][]float64 {
		m := map[string][]float64{"train": train}
		for _, x := range val {
			if !math.IsNaN(x) {
				m["val"] = val
				break
			}
		}
		return m
	}
	svg := chartSVG("loss", v.xs, series(v.loss, v.valLoss), chartOptions{XLabel: "epoch", XMax: xmax})
	if v.hasAcc {
		svg += chartSVG("accuracy", v.xs, series(v.acc, v.valAcc), chartOptions{XLabel: "epoch", XMax: xmax, YMin: 0, YMax: 1})
	}
	out := output{"kind": "display", "displayId": v.chartID, "update": true,
		"data": map[string]any{"text/html": chartRow(svg), "text/plain": v.label}}
	streams.flush()
	post(map[string]any{"type": "output", "id": v.cell, "output": map[string]any(out)})
}

// finish posts the final state: complete, stopped, or failed.
func (v *trainView) finish(err error, stopped bool) {
	switch {
	case stopped:
		v.label = fmt.Sprintf("stopped after %d steps · %s", v.done, v.label)
	case err != nil:
		v.label = fmt.Sprintf("failed after %d steps · %s", v.done, v.label)
	}
	v.maybePost(true)
}

// compile-time checks: the kernel's loaders are train.Loaders.
var (
	_ train.Loader = (*tensorLoader)(nil)
	_ train.Loader = jsLoader{}
)

// callbacksOf reads options.callbacks: an array of built-in callbacks
// (tt.train.earlyStopping, tt.train.checkpoint, tt.train.logger) and plain
// objects with onBatchEnd, onEpochEnd and onTrainEnd functions. model is
// the model's JavaScript object, which checkpoints hand to their save
// function.
func callbacksOf(name string, v, model js.Value) ([]train.Callback, error) {
	if v.IsUndefined() || v.IsNull() {
		return nil, nil
	}
	if !isArray(v) {
		return nil, fmt.Errorf("%s: options.callbacks must be an array such as [tt.train.logger(), {onEpochEnd: (p) => …}], got %s", name, describeJS(v))
	}
	var out []train.Callback
	for i := 0; i < v.Length(); i++ {
		item, what := v.Index(i), fmt.Sprintf("%s: callbacks[%d]", name, i)
		if x, ok := objects.get(item); ok {
			c, ok := x.(train.Callback)
			if !ok {
				return nil, fmt.Errorf("%s is %s, not a callback", what, describeJS(item))
			}
			if cp, ok := c.(*jsCheckpoint); ok {
				cp.model = model
			}
			out = append(out, c)
			continue
		}
		c, err := objectCallback(what, item)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// callbackMethods are the functions a plain callback object may have.
var callbackMethods = []string{"onBatchEnd", "onEpochEnd", "onTrainEnd"}

// objectCallback reads a plain object {onBatchEnd, onEpochEnd,
// onTrainEnd}: functions of the progress (the first two; returning false
// stops training) and of the history (the last).
func objectCallback(what string, v js.Value) (train.Callback, error) {
	if v.Type() != js.TypeObject || isArray(v) {
		return nil, fmt.Errorf("%s is %s; expected tt.train.earlyStopping({…}), tt.train.checkpoint({…}), tt.train.logger({…}) or an object with %s functions",
			what, describeJS(v), strings.Join(callbackMethods, ", "))
	}
	keys := optionKeys(v)
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s is an empty object; expected one of %s", what, strings.Join(callbackMethods, ", "))
	}
	for _, key := range keys {
		if !slices.Contains(callbackMethods, key) {
			return nil, fmt.Errorf("%s: unknown key %q (known: %s)", what, key, strings.Join(callbackMethods, ", "))
		}
		if v.Get(key).Type() != js.TypeFunction {
			return nil, fmt.Errorf("%s: %s is %s, expected a function", what, key, describeJS(v.Get(key)))
		}
	}
	return funcCallback(v.Get("onBatchEnd"), v.Get("onEpochEnd"), v.Get("onTrainEnd")), nil
}

// monitorOpts reads the options a monitoring callback shares: monitor (in
// camelCase, such as "valLoss"), mode ("min" or "max"; by default "max"
// for accuracies) and minDelta.
func monitorOpts(name string, o js.Value, monitor string) (string, bool, float64, error) {
	if v := o.Get("monitor"); v.Type() == js.TypeString {
		monitor = snakeCase(v.String())
	} else if !v.IsUndefined() {
		return "", false, 0, fmt.Errorf("%s: monitor must be a metric name such as \"valLoss\", got %s", name, describeJS(v))
	}
	maximize := strings.Contains(monitor, "accuracy")
	switch v := o.Get("mode"); {
	case v.IsUndefined():
	case v.Type() == js.TypeString && (v.String() == "min" || v.String() == "max"):
		maximize = v.String() == "max"
	default:
		return "", false, 0, fmt.Errorf("%s: mode must be \"min\" or \"max\", got %s", name, describeJS(v))
	}
	minDelta, err := floatArg(name, []js.Value{o.Get("minDelta")}, 0, "minDelta", 0)
	return monitor, maximize, minDelta, err
}

// earlyStoppingFunc is tt.train.earlyStopping({monitor = "valLoss",
// patience = 5, minDelta = 0, mode}).
func earlyStoppingFunc(_ js.Value, args []js.Value) (any, error) {
	c, err := earlyStoppingOf("tt.train.earlyStopping", opts(args, 0))
	if err != nil {
		return nil, err
	}
	return objects.wrap(callbackKind, c), nil
}

// earlyStoppingOf reads early stopping's options.
func earlyStoppingOf(name string, o js.Value) (train.Callback, error) {
	if o.Type() != js.TypeObject || isArray(o) {
		return nil, fmt.Errorf("%s: expected options such as {monitor: \"valLoss\", patience: 3}, got %s", name, describeJS(o))
	}
	if err := checkOptions(name, o, []string{"monitor", "patience", "minDelta", "mode"}); err != nil {
		return nil, err
	}
	monitor, maximize, minDelta, err := monitorOpts(name, o, "val_loss")
	if err != nil {
		return nil, err
	}
	patience, err := intArg(name, []js.Value{o.Get("patience")}, 0, "patience", 5)
	if err != nil {
		return nil, err
	}
	if patience < 0 {
		return nil, fmt.Errorf("%s: patience must be ≥ 0, got %d", name, patience)
	}
	return &train.EarlyStopping{Monitor: monitor, Patience: patience, MinDelta: minDelta, Maximize: maximize}, nil
}

// jsCheckpoint is tt.train.checkpoint: the engine's checkpoint hook with a
// JavaScript save function, which receives {epoch, step, metrics, best,
// model, stateDict}. model is the JavaScript object of the model being
// trained, set by the trainer that uses the callback.
type jsCheckpoint struct {
	train.Checkpoint
	save  js.Value
	model js.Value
}

// checkpointFunc is tt.train.checkpoint({save, every, monitor, mode,
// minDelta}).
func checkpointFunc(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.train.checkpoint"
	o := opts(args, 0)
	if err := checkOptions(name, o, []string{"save", "every", "monitor", "mode", "minDelta"}); err != nil {
		return nil, err
	}
	cp := &jsCheckpoint{save: o.Get("save"), model: js.Undefined()}
	if cp.save.Type() != js.TypeFunction {
		return nil, fmt.Errorf("%s: options.save is required, a function such as (c) => { best = c.stateDict; }; got %s", name, describeJS(cp.save))
	}
	every, err := intArg(name, []js.Value{o.Get("every")}, 0, "every", 1)
	if err != nil {
		return nil, err
	}
	if every <= 0 {
		return nil, fmt.Errorf("%s: every must be a positive number of epochs, got %d", name, every)
	}
	monitor, maximize, minDelta, err := monitorOpts(name, o, "")
	if err != nil {
		return nil, err
	}
	cp.Checkpoint = train.Checkpoint{Every: every, Monitor: monitor, Maximize: maximize, MinDelta: minDelta, Save: cp.call}
	return objects.wrap(callbackKind, train.Callback(cp)), nil
}

// call hands a checkpoint to the JavaScript save function; the state dict
// holds copies of the tensors, which later training does not change.
func (cp *jsCheckpoint) call(s train.Saved) error {
	state := js.Global().Get("Object").New()
	for _, p := range s.Model.StateDict() {
		state.Set(p.Name, tensors.wrap(p.Tensor))
	}
	metrics := map[string]any{}
	for k, v := range s.Metrics {
		metrics[camelCase(k)] = v
	}
	_, err := callJS(cp.save, map[string]any{"epoch": s.Epoch, "step": s.Step, "metrics": metrics, "best": s.Best,
		"model": cp.model, "stateDict": state})
	return err
}

// loggerFunc is tt.train.logger({format = "jsonl", write}): one line per
// epoch, JSON or CSV, passed to write(line) or printed in the cell.
func loggerFunc(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.train.logger"
	o := opts(args, 0)
	if err := checkOptions(name, o, []string{"format", "write"}); err != nil {
		return nil, err
	}
	format := train.JSONLines
	if v := o.Get("format"); v.Type() == js.TypeString {
		format = v.String()
	} else if !v.IsUndefined() {
		return nil, fmt.Errorf("%s: format must be \"jsonl\" or \"csv\", got %s", name, describeJS(v))
	}
	w := lineWriter{fn: o.Get("write")}
	if !w.fn.IsUndefined() && w.fn.Type() != js.TypeFunction {
		return nil, fmt.Errorf("%s: write must be a function of a line, got %s", name, describeJS(w.fn))
	}
	c, err := train.Logger(w, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "train.Logger: "))
	}
	return objects.wrap(callbackKind, c), nil
}

// lineWriter passes each line written to a JavaScript function, without
// its newline, or prints the text in the cell's output when there is none.
type lineWriter struct{ fn js.Value }

// Write splits p into lines.
func (w lineWriter) Write(p []byte) (int, error) {
	if w.fn.Type() != js.TypeFunction {
		streams.write("stdout", string(p))
		return len(p), nil
	}
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line == "" {
			continue
		}
		if _, err := callJS(w.fn, strings.TrimSuffix(line, "\n")); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// callbackName describes a built-in callback for toString.
func callbackName(c train.Callback) string {
	switch c := c.(type) {
	case *train.EarlyStopping:
		return fmt.Sprintf("earlyStopping(monitor=%s, patience=%d)", camelCase(c.Monitor), c.Patience)
	case *jsCheckpoint:
		if c.Monitor != "" {
			return fmt.Sprintf("checkpoint(monitor=%s, every=%d)", camelCase(c.Monitor), c.Every)
		}
		return fmt.Sprintf("checkpoint(every=%d)", c.Every)
	}
	return "logger()"
}
