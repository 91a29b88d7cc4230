//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"tinytorch/engine/train"
)

// Callbacks for tt.train.fit (see train.go): a cell's own functions and
// objects, and the built-ins earlyStopping, checkpoint and logger.

// jsCallbacks wraps options.onBatchEnd and options.onEpochEnd, functions of
// a progress object; returning false (or setting p.stop) ends training.
func jsCallbacks(batch, epoch js.Value) train.Callback {
	if typeOf(batch) != js.TypeFunction && typeOf(epoch) != js.TypeFunction {
		return nil
	}
	return funcCallback(batch, epoch, js.Undefined())
}

// funcCallback adapts JavaScript functions (any may be undefined) to a
// train.Callback. onTrainEnd receives the history's arrays.
func funcCallback(batch, epoch, end js.Value) train.Callback {
	call := func(fn js.Value, p *train.Progress) error {
		if typeOf(fn) != js.TypeFunction {
			return nil
		}
		obj := js.ValueOf(progressObject(p))
		r, err := callJS(fn, obj)
		if err != nil {
			return err
		}
		if (typeOf(r) == js.TypeBoolean && !r.Bool()) || getProp(obj, "stop").Truthy() {
			p.Stop = true
		}
		return nil
	}
	return train.CallbackFuncs{
		BatchEnd: func(p *train.Progress) error { return call(batch, p) },
		EpochEnd: func(p *train.Progress) error { return call(epoch, p) },
		TrainEnd: func(h *train.History) error {
			if typeOf(end) != js.TypeFunction {
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
	if typeOf(v) != js.TypeObject || isArray(v) {
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
		if typeOf(getProp(v, key)) != js.TypeFunction {
			return nil, fmt.Errorf("%s: %s is %s, expected a function", what, key, describeJS(getProp(v, key)))
		}
	}
	return funcCallback(getProp(v, "onBatchEnd"), getProp(v, "onEpochEnd"), getProp(v, "onTrainEnd")), nil
}

// monitorOpts reads the options a monitoring callback shares: monitor (in
// camelCase, such as "valLoss"), mode ("min" or "max"; by default "max"
// for accuracies) and minDelta.
func monitorOpts(o *optReader, monitor string) (string, bool, float64) {
	if o.Has("monitor") {
		monitor = snakeCase(o.String("monitor", ""))
	}
	maximize := strings.Contains(monitor, "accuracy")
	switch mode := o.String("mode", ""); mode {
	case "":
	case "min", "max":
		maximize = mode == "max"
	default:
		o.r.failf("mode must be \"min\" or \"max\", got %q", mode)
	}
	return monitor, maximize, o.Float("minDelta", 0)
}

// earlyStoppingFunc is tt.train.earlyStopping({monitor = "valLoss",
// patience = 5, minDelta = 0, mode}).
func earlyStoppingFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.train.earlyStopping", args)
	c := earlyStopping(r.Options(0))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return callbackKind.wrap(c), nil
}

// earlyStoppingOf reads early stopping's options given as a trainer's
// options.earlyStopping.
func earlyStoppingOf(name string, v js.Value) (train.Callback, error) {
	if !isOptionsObject(v) {
		return nil, fmt.Errorf("%s: expected options such as {monitor: \"valLoss\", patience: 3}, got %s", name, describeJS(v))
	}
	r := readArgs(name, []js.Value{v})
	c := earlyStopping(r.Options(0))
	return c, r.Err()
}

// earlyStopping reads early stopping's options.
func earlyStopping(o *optReader) train.Callback {
	monitor, maximize, minDelta := monitorOpts(o, "val_loss")
	patience := o.Int("patience", 5)
	if patience < 0 && o.r.ok() {
		o.r.failf("patience must be ≥ 0, got %d", patience)
	}
	return &train.EarlyStopping{Monitor: monitor, Patience: patience, MinDelta: minDelta, Maximize: maximize}
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
	r := readArgs("tt.train.checkpoint", args)
	o := r.Options(0)
	cp := &jsCheckpoint{save: o.Value("save"), model: js.Undefined()}
	if typeOf(cp.save) != js.TypeFunction && r.ok() {
		r.failf("options.save is required, a function such as (c) => { best = c.stateDict; }; got %s", describeJS(cp.save))
	}
	every := o.Int("every", 1)
	if every <= 0 && r.ok() {
		r.failf("every must be a positive number of epochs, got %d", every)
	}
	monitor, maximize, minDelta := monitorOpts(o, "")
	if err := r.Err(); err != nil {
		return nil, err
	}
	cp.Checkpoint = train.Checkpoint{Every: every, Monitor: monitor, Maximize: maximize, MinDelta: minDelta, Save: cp.call}
	return callbackKind.wrap(train.Callback(cp)), nil
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
	r := readArgs("tt.train.logger", args)
	o := r.Options(0)
	format, w := o.String("format", train.JSONLines), lineWriter{fn: o.Value("write")}
	if !w.fn.IsUndefined() && typeOf(w.fn) != js.TypeFunction && r.ok() {
		r.failf("write must be a function of a line, got %s", describeJS(w.fn))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	c, err := train.Logger(w, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", r.name, strings.TrimPrefix(err.Error(), "train.Logger: "))
	}
	return callbackKind.wrap(c), nil
}

// lineWriter passes each line written to a JavaScript function, without
// its newline, or prints the text in the cell's output when there is none.
type lineWriter struct{ fn js.Value }

// Write splits p into lines.
func (w lineWriter) Write(p []byte) (int, error) {
	if typeOf(w.fn) != js.TypeFunction {
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
