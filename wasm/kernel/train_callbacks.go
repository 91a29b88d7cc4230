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
func jsCallbacks(o js.Value) train.Callback {
	batch, epoch := getProp(o, "onBatchEnd"), getProp(o, "onEpochEnd")
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
func monitorOpts(name string, o js.Value, monitor string) (string, bool, float64, error) {
	if v := getProp(o, "monitor"); typeOf(v) == js.TypeString {
		monitor = snakeCase(v.String())
	} else if !v.IsUndefined() {
		return "", false, 0, fmt.Errorf("%s: monitor must be a metric name such as \"valLoss\", got %s", name, describeJS(v))
	}
	maximize := strings.Contains(monitor, "accuracy")
	switch v := getProp(o, "mode"); {
	case v.IsUndefined():
	case typeOf(v) == js.TypeString && (v.String() == "min" || v.String() == "max"):
		maximize = v.String() == "max"
	default:
		return "", false, 0, fmt.Errorf("%s: mode must be \"min\" or \"max\", got %s", name, describeJS(v))
	}
	minDelta, err := floatArg(name, []js.Value{getProp(o, "minDelta")}, 0, "minDelta", 0)
	return monitor, maximize, minDelta, err
}

// earlyStoppingFunc is tt.train.earlyStopping({monitor = "valLoss",
// patience = 5, minDelta = 0, mode}).
func earlyStoppingFunc(_ js.Value, args []js.Value) (any, error) {
	c, err := earlyStoppingOf("tt.train.earlyStopping", opts(args, 0))
	if err != nil {
		return nil, err
	}
	return callbackKind.wrap(c), nil
}

// earlyStoppingOf reads early stopping's options.
func earlyStoppingOf(name string, o js.Value) (train.Callback, error) {
	if typeOf(o) != js.TypeObject || isArray(o) {
		return nil, fmt.Errorf("%s: expected options such as {monitor: \"valLoss\", patience: 3}, got %s", name, describeJS(o))
	}
	if err := checkOptions(name, o, []string{"monitor", "patience", "minDelta", "mode"}); err != nil {
		return nil, err
	}
	monitor, maximize, minDelta, err := monitorOpts(name, o, "val_loss")
	if err != nil {
		return nil, err
	}
	patience, err := intArg(name, []js.Value{getProp(o, "patience")}, 0, "patience", 5)
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
	cp := &jsCheckpoint{save: getProp(o, "save"), model: js.Undefined()}
	if typeOf(cp.save) != js.TypeFunction {
		return nil, fmt.Errorf("%s: options.save is required, a function such as (c) => { best = c.stateDict; }; got %s", name, describeJS(cp.save))
	}
	every, err := intArg(name, []js.Value{getProp(o, "every")}, 0, "every", 1)
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
	const name = "tt.train.logger"
	o := opts(args, 0)
	if err := checkOptions(name, o, []string{"format", "write"}); err != nil {
		return nil, err
	}
	format := train.JSONLines
	if v := getProp(o, "format"); typeOf(v) == js.TypeString {
		format = v.String()
	} else if !v.IsUndefined() {
		return nil, fmt.Errorf("%s: format must be \"jsonl\" or \"csv\", got %s", name, describeJS(v))
	}
	w := lineWriter{fn: getProp(o, "write")}
	if !w.fn.IsUndefined() && typeOf(w.fn) != js.TypeFunction {
		return nil, fmt.Errorf("%s: write must be a function of a line, got %s", name, describeJS(w.fn))
	}
	c, err := train.Logger(w, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "train.Logger: "))
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
