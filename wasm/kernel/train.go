//go:build js && wasm

package kernel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"strings"
	"syscall/js"
	"time"

	"tinytorch/engine/loss"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// Bindings of engine/train: tt.train.fit(model, loader, {epochs,
// optimizer, loss, …}), tt.train.Trainer({model, optimizer, loss, …})
// with fit(loader, {epochs}) and evaluate(loader), tt.train.batches(x, y,
// {batchSize, shuffle}) and tt.train.Accuracy. Training runs in Go, inside
// one call, and shows a live progress bar and loss/accuracy chart (at most
// ten messages a second); the Stop button ends it between two batches
// (train.Trainer.ShouldStop reads the kernel's interrupt flag), keeping
// the model as it is.

var (
	loaderKind  = newKind("loader")
	trainerKind = newKind("Trainer")
	metricKind  = newKind("metric")
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
	return object(map[string]binding{
		"fit":      fitFunc,
		"Trainer":  trainerConstructor,
		"batches":  batchesFunc,
		"Accuracy": accuracyConstructor,
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

// trainerConstructor is tt.train.Trainer({model, optimizer, loss,
// scheduler, metrics, clipGradNorm, earlyStopping, onBatchEnd,
// onEpochEnd, schedulePerBatch}).
func trainerConstructor(_ js.Value, args []js.Value) (any, error) {
	o := opts(args, 0)
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
	if es := o.Get("earlyStopping"); es.Type() == js.TypeObject {
		monitor := "val_loss"
		if v := es.Get("monitor"); v.Type() == js.TypeString {
			monitor = snakeCase(v.String())
		}
		patience, err := floatArg(name, []js.Value{es.Get("patience")}, 0, "earlyStopping.patience", 5)
		if err != nil {
			return nil, err
		}
		minDelta, err := floatArg(name, []js.Value{es.Get("minDelta")}, 0, "earlyStopping.minDelta", 0)
		if err != nil {
			return nil, err
		}
		maximize := strings.Contains(monitor, "accuracy")
		if v := es.Get("mode"); v.Type() == js.TypeString {
			maximize = v.String() == "max"
		}
		tb.callbacks = append(tb.callbacks, &train.EarlyStopping{Monitor: monitor, Patience: int(patience), MinDelta: minDelta, Maximize: maximize})
	}
	if cb := jsCallbacks(o); cb != nil {
		tb.callbacks = append(tb.callbacks, cb)
	}
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
	tb, err := newTrainerBinding(name, arg(args, 0), o)
	if err != nil {
		return nil, err
	}
	return tb.fit(name, arg(args, 1), o)
}

// trainerFit is trainer.fit(loader, {epochs, valLoader, progress, chart}).
func trainerFit(tb *trainerBinding, _ js.Value, args []js.Value) (any, error) {
	return tb.fit("trainer.fit", arg(args, 0), opts(args, 1))
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
	obj := js.Global().Get("Object").New()
	for _, name := range h.Names {
		obj.Set(camelCase(name), floatsToJS(h.Epochs[name]))
	}
	obj.Set("stepLoss", floatsToJS(h.StepLoss))
	obj.Set("stoppedEarly", h.StoppedEarly)
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
