//go:build js && wasm

package kernel

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/config"
	"tinytorch/engine/quant"
	"tinytorch/internal/runs"
)

// Bindings of engine/checkpoint, chapter 13 in the browser:
//
//	await tt.save(model, "mlp")          // weights; a trainer saves its whole training state
//	await tt.load("mlp", model)          // into a model (keys and shapes checked) or a trainer
//	const f = await tt.load("mlp")       // {bytes, tensors, metadata}: what the file holds
//	await tt.load(bytes, model)          // an uploaded or fetched file (ArrayBuffer, Uint8Array)
//	await tt.train.evaluate("mlp")       // `tinytorch eval`: test loss and accuracy
//
// Checkpoints are safetensors files, the ones `tinytorch train` writes and
// `tinytorch eval` reads, kept in the browser's storage (storage.go) as
// checkpoints/<name>.safetensors. tt.save's result is a button that
// downloads the file.

// checkpointPath is where a named checkpoint is kept.
func checkpointPath(name string) string { return "checkpoints/" + name + ".safetensors" }

// checkpointName reads a checkpoint's name: letters, digits, . _ -.
func checkpointName(r *argReader, i int) string {
	name := strings.TrimSuffix(r.NeedString(i, `a checkpoint name such as "mlp"`), ".safetensors")
	if r.ok() && (name == "" || strings.ContainsFunc(name, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')
	})) {
		r.failf("checkpoint name %q: use letters, digits, '.', '_' and '-'", name)
	}
	return name
}

// saveFunc is tt.save(modelOrTrainerOrRun, name): a Promise of a download
// button for the file, kept in the storage as name.
func saveFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.save", args)
	r.need(1, "a checkpoint name")
	name := checkpointName(r, 1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	var what string
	v := r.Value(0)
	if tb, ok := valueOf[*trainerBinding](trainerKind, v); ok {
		f, err := checkpoint.TrainingFile(tb.t, nil, nil)
		if err == nil {
			err = checkpoint.Encode(&b, f)
		}
		if err != nil {
			return nil, fmt.Errorf("tt.save: %w", err)
		}
		what = "the training state (model, optimizer, scheduler, random generators, position)"
	} else if run, ok := valueOf[*storedRun](runKind, v); ok {
		ckpt, err := run.file(runs.CheckpointFile)
		if err != nil {
			return nil, fmt.Errorf("tt.save: %w", err)
		}
		b.Write(ckpt)
		what = "the training checkpoint of run " + run.name
	} else if m, ok := moduleOf(v); ok && quant.IsQuantized(m) {
		if err := quant.Encode(&b, m); err != nil { // int8 weights (tt.quant.load reads them)
			return nil, fmt.Errorf("tt.save: %w", err)
		}
		what = fmt.Sprintf("the int8 weights of %s", m.Base().TypeName())
	} else if m, ok := moduleOf(v); ok {
		if err := checkpoint.EncodeStateDict(&b, m.StateDict()); err != nil {
			return nil, fmt.Errorf("tt.save: %w", err)
		}
		what = fmt.Sprintf("the weights of %s (%d tensors)", m.Base().TypeName(), len(m.StateDict()))
	} else {
		return nil, fmt.Errorf("tt.save: expected a model, a tt.train.Trainer or a run to save, got %s", describeJS(v))
	}
	data := b.Bytes()
	return promise(func() (any, error) {
		if err := storageWrite(checkpointPath(name), data); err != nil {
			return nil, fmt.Errorf("tt.save: %w", err)
		}
		return downloadBytesValue(name+".safetensors", "application/octet-stream", data,
			fmt.Sprintf("%s, kept in this browser as %q", what, name)), nil
	}), nil
}

// checkpointSource reads the file a call names: a stored checkpoint's
// name, a run (its last checkpoint), or the file's bytes (an ArrayBuffer
// or a Uint8Array: an uploaded or fetched file). It returns a function
// for the goroutine to call, since reading the storage waits.
func checkpointSource(r *argReader, i int) func() ([]byte, string, error) {
	v := r.Value(i)
	if run, ok := valueOf[*storedRun](runKind, v); ok {
		return func() ([]byte, string, error) {
			b, err := run.file(runs.CheckpointFile)
			return b, run.name + "/" + runs.CheckpointFile, err
		}
	}
	if kindOf(v) == kindString {
		name := checkpointName(r, i)
		return func() ([]byte, string, error) {
			b, err := storageRead(checkpointPath(name))
			if err != nil {
				return nil, "", fmt.Errorf("no checkpoint named %q in this browser (tt.save keeps one)", name)
			}
			return b, name + ".safetensors", nil
		}
	}
	for _, typed := range []string{"ArrayBuffer", "Uint8Array"} {
		if v.InstanceOf(js.Global().Get(typed)) {
			arr := js.Global().Get("Uint8Array").New(v)
			b := make([]byte, arr.Length())
			js.CopyBytesToGo(b, arr)
			return func() ([]byte, string, error) { return b, "the given bytes", nil }
		}
	}
	r.failf("expected a checkpoint's name, a run or the file's bytes (an ArrayBuffer or a Uint8Array), got %s", describeJS(v))
	return nil
}

// loadFunc is tt.load(source, target, {name}): a Promise. With a model
// as target it loads the weights (checking keys and shapes); with a
// tt.train.Trainer the whole training state, so that its next fit
// continues the run; with none it resolves to what the file holds:
// {bytes, tensors: [{name, dtype, shape}], metadata}. name keeps bytes
// given (an upload) in the storage under that name.
func loadFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.load", args)
	r.need(0, "a checkpoint")
	src := checkpointSource(r, 0)
	target := r.Value(1)
	var opts *optReader
	if isOptionsObject(target) {
		opts, target = r.Options(1), js.Undefined()
	} else {
		opts = r.Options(2)
	}
	keep := ""
	if opts.Has("name") {
		keep = strings.TrimSuffix(opts.String("name", ""), ".safetensors")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	tb, isTrainer := valueOf[*trainerBinding](trainerKind, target)
	m, isModel := moduleOf(target)
	if !missing(target) && !isTrainer && !isModel {
		return nil, fmt.Errorf("tt.load: expected a model or a tt.train.Trainer to load into, got %s", describeJS(target))
	}
	return promise(func() (any, error) {
		b, from, err := src()
		if err != nil {
			return nil, fmt.Errorf("tt.load: %w", err)
		}
		f, err := checkpoint.DecodeBytes(b)
		if err != nil {
			return nil, fmt.Errorf("tt.load: %s: %w", from, err)
		}
		if keep != "" {
			if err := storageWrite(checkpointPath(keep), b); err != nil {
				return nil, fmt.Errorf("tt.load: %w", err)
			}
		}
		switch {
		case isTrainer:
			if err := checkpoint.LoadTrainingFile(f, tb.t, nil); err != nil {
				return nil, fmt.Errorf("tt.load: %s: %w", from, err)
			}
			tb.steps = tb.t.Position().Step
			return target, nil
		case isModel:
			if err := checkpoint.LoadModelFile(f, m); err != nil {
				return nil, fmt.Errorf("tt.load: %s: %w", from, err)
			}
			return target, nil
		}
		return fileObject(f, b), nil
	}), nil
}

// fileObject describes a safetensors file for a cell.
func fileObject(f *checkpoint.File, b []byte) js.Value {
	out := js.Global().Get("Object").New()
	out.Set("bytes", bytesToJS(b))
	tensors := js.Global().Get("Array").New()
	for _, e := range f.Tensors {
		shape := make([]any, len(e.Shape))
		for i, d := range e.Shape {
			shape[i] = d
		}
		tensors.Call("push", map[string]any{"name": e.Name, "dtype": string(e.DType), "shape": shape, "bytes": len(e.Data)})
	}
	out.Set("tensors", tensors)
	meta := js.Global().Get("Object").New()
	for k, v := range f.Metadata {
		meta.Set(k, v)
	}
	out.Set("metadata", meta)
	return out
}

// evaluateFunc is tt.train.evaluate(source, {config}): `tinytorch eval`
// in the browser, a Promise of {loss, accuracy, images} on the test set
// of the config the checkpoint carries (or the one given).
func evaluateFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.train.evaluate", args)
	r.need(0, "a checkpoint")
	src := checkpointSource(r, 0)
	o := r.Options(1, "config")
	var cfg *config.Config
	if o.Has("config") {
		if c, ok := valueOf[*config.Config](configKind, o.Value("config")); ok {
			cfg = c
		} else if kindOf(o.Value("config")) == kindString {
			var err error
			cfg, err = config.Parse("config.yaml", []byte(o.Value("config").String()))
			r.keep(err)
		} else {
			r.failf("config: expected a config from tt.config.parse(text) or its YAML text, got %s", describeJS(o.Value("config")))
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return promise(func() (any, error) {
		b, from, err := src()
		if err != nil {
			return nil, fmt.Errorf("tt.train.evaluate: %w", err)
		}
		f, err := checkpoint.DecodeBytes(b)
		if err != nil {
			return nil, fmt.Errorf("tt.train.evaluate: %s: %w", from, err)
		}
		c := cfg
		if c == nil {
			if c, err = runs.CheckpointConfig(f, from); err != nil {
				return nil, fmt.Errorf("tt.train.evaluate: %w (give {config})", err)
			}
		}
		s, err := buildFromConfig("tt.train.evaluate", c, nil, "")
		if err != nil {
			return nil, err
		}
		e, err := runs.EvaluateFile(context.Background(), f, s, from)
		if err != nil {
			return nil, fmt.Errorf("tt.train.evaluate: %w", err)
		}
		return map[string]any{"loss": e.Metrics["loss"], "accuracy": e.Metrics["accuracy"], "images": s.Test.Dataset.Len()}, nil
	}), nil
}
