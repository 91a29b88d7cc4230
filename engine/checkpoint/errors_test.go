package checkpoint

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// trained returns a trainer of runs[0] (an MLP with SGD and StepLR)
// stopped after 5 steps, and its loader.
func trained(t *testing.T) (*train.Trainer, *data.DataLoader) {
	t.Helper()
	tr, loader := runs[0].trainer(1)
	tr.ShouldStop = func() bool { return tr.Position().Step >= 5 }
	if _, err := tr.Fit(context.Background(), loader, nil, 2); !errors.Is(err, train.ErrStopped) {
		t.Fatal(err)
	}
	return tr, loader
}

// snapshot is everything a failed load must leave as it was.
type snapshot struct {
	weights []float32
	pos     train.Position
	opt     optim.State
	rng     []byte
}

func snap(tr *train.Trainer) snapshot {
	var w []float32
	for _, p := range tr.Model.StateDict() {
		w = append(w, p.Tensor.Data()...)
	}
	rng, _ := tensor.DefaultGenerator().MarshalBinary()
	return snapshot{w, tr.Position(), tr.Optimizer.(optim.Stateful).StateDict(), rng}
}

func (s snapshot) equal(o snapshot) bool {
	if len(s.weights) != len(o.weights) || !bytes.Equal(s.rng, o.rng) || s.pos.Step != o.pos.Step || s.pos.Epoch != o.pos.Epoch || s.pos.Batch != o.pos.Batch {
		return false
	}
	for i := range s.weights {
		if math.Float32bits(s.weights[i]) != math.Float32bits(o.weights[i]) {
			return false
		}
	}
	return len(s.opt.Params) == len(o.opt.Params)
}

// TestLoadTrainingErrors loads broken or unfitting checkpoints: each gets
// an error saying what is wrong, and the trainer is left as it was.
func TestLoadTrainingErrors(t *testing.T) {
	dir := t.TempDir()
	src, loader := trained(t)
	good := filepath.Join(dir, "good.safetensors")
	if err := SaveTraining(good, src, loader, nil); err != nil {
		t.Fatal(err)
	}
	goodBytes, _ := os.ReadFile(good)
	hlen := binary.LittleEndian.Uint64(goodBytes)
	header := string(goodBytes[8 : 8+hlen])
	weights := filepath.Join(dir, "weights.safetensors")
	if err := SaveModel(weights, src.Model); err != nil {
		t.Fatal(err)
	}
	withHeader := func(h string) []byte { return craft(h, goodBytes[8+hlen:]) }
	tests := []struct {
		name  string
		file  []byte // written to a file and loaded; nil: path names the file
		path  string
		setup func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader)
		want  string
	}{
		{name: "truncated", file: goodBytes[:len(goodBytes)-7], want: "but the file holds"},
		{name: "truncated in the header", file: goodBytes[:40], want: "a truncated file?"},
		{name: "corrupted header", file: withHeader(strings.Replace(header, `"dtype":"F32"`, `"dtype":"F3\u0000"`, 1)), want: `dtype "F3\x00"`},
		{name: "corrupted length", file: append(binary.LittleEndian.AppendUint64(nil, hlen+3), goodBytes[8:]...), want: "safetensors: "},
		{name: "oversized header", file: append(binary.LittleEndian.AppendUint64(nil, 1<<40), goodBytes[8:]...), want: "more than the limit"},
		{name: "corrupted training state", file: withHeader(strings.Replace(header, `\"position\"`, `\"posit1on\"`, 1)), want: `unknown field "posit1on"`},
		{name: "missing", path: filepath.Join(dir, "none.safetensors"), want: "none.safetensors"},
		{name: "a folder", path: dir, want: "not a regular file"},
		{name: "a weights file", path: weights, want: "not a training checkpoint"},
		{name: "another model's shapes", setup: func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader) {
			m := nn.NewSequential(must(nn.NewLinear(2, 8, true)), nn.NewReLU(), must(nn.NewDropout(0.2)), must(nn.NewLinear(8, 2, true)))
			return &train.Trainer{Model: m, Optimizer: sgdMomentum(m.ParamTensors()), Loss: loss.CrossEntropy{}}, l
		}, want: `"0.weight": the checkpoint has [16, 2], the model has [8, 2]; "0.bias": the checkpoint has [16], the model has [8]`},
		{name: "another optimizer", setup: func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader) {
			tr.Optimizer = adam(tr.Model.ParamTensors())
			return tr, l
		}, want: "holds the state of a *optim.SGD optimizer, the trainer has a *optim.Adam"},
		{name: "no scheduler", setup: func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader) {
			tr.Scheduler = nil
			return tr, l
		}, want: "the run had a *optim.StepLR scheduler, the trainer has none"},
		{name: "scheduler stepped per batch", setup: func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader) {
			tr.SchedulePerBatch = true
			return tr, l
		}, want: "the run stepped its scheduler once per epoch, the trainer steps it once per batch"},
		{name: "another batch size", setup: func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader) {
			l.BatchSize = 12
			return tr, l
		}, want: "the run's data loader gave 10 batches of 10 from 96 samples, shuffled with seed 11, this one gives 8 batches of 12 from 96 samples, shuffled with seed 11; a resumed run would not see the same batches"},
		{name: "no metrics", setup: func(tr *train.Trainer, l *data.DataLoader) (*train.Trainer, *data.DataLoader) {
			tr.Metrics = nil
			return tr, l
		}, want: "the epoch's sums cover 1 metrics (1 counts), the trainer computes 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if tc.file != nil {
				path = filepath.Join(t.TempDir(), "bad.safetensors")
				os.WriteFile(path, tc.file, 0o644)
			}
			if path == "" {
				path = good
			}
			tr, l := runs[0].trainer(3)
			if tc.setup != nil {
				tr, l = tc.setup(tr, l)
			}
			before := snap(tr)
			err := LoadTraining(path, tr, l)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if !before.equal(snap(tr)) {
				t.Error("the failed load changed the trainer")
			}
		})
	}
}

// TestSaveTrainingErrors: an unwritable folder, a write failing mid-way
// and an optimizer that cannot save get an error, leave the previous
// checkpoint intact and no temporary file.
func TestSaveTrainingErrors(t *testing.T) {
	src, loader := trained(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "last.safetensors")
	if err := SaveTraining(path, src, loader, nil); err != nil {
		t.Fatal(err)
	}
	prev, _ := os.ReadFile(path)
	f, err := TrainingFile(src, loader, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{0, 7, 8, 100, len(prev) / 2, len(prev) - 1} {
		err := writeFile(path, f, func(w io.Writer) io.Writer { return &failingWriter{k} })
		if !errors.Is(err, errFull) || !strings.Contains(err.Error(), path) {
			t.Errorf("failing after %d bytes: error %v, want the writer's naming the file", k, err)
		}
	}
	os.WriteFile(filepath.Join(dir, "plain"), nil, 0o644)
	for _, p := range []string{filepath.Join(dir, "gone", "x.safetensors"), filepath.Join(dir, "plain", "x.safetensors")} {
		if err := SaveTraining(p, src, loader, nil); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming the path", p, err)
		}
	}
	if os.Geteuid() != 0 { // root writes into a read-only folder anyway
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o500)
		if err := SaveTraining(filepath.Join(ro, "x"), src, loader, nil); err == nil {
			t.Error("no error writing into a read-only folder")
		}
	}
	custom := &train.Trainer{Model: src.Model, Optimizer: plainOptimizer{must(optim.NewBase(src.Model.ParamTensors(), optim.Group{LR: 0.1}))}, Loss: loss.CrossEntropy{}}
	if err := SaveTraining(path, custom, loader, nil); err == nil || !strings.Contains(err.Error(), "cannot save its state") {
		t.Errorf("optimizer without state: error %v", err)
	}
	if err := SaveTraining(path, src, loader, map[string]string{"tinytorch.kind": "x"}); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("reserved metadata key: error %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, prev) {
		t.Error("the previous checkpoint changed")
	}
	if got := entries(dir); !slices.Equal(got, []string{"last.safetensors", "plain", "ro"}) && !slices.Equal(got, []string{"last.safetensors", "plain"}) {
		t.Errorf("folder holds %q, want no temporary file", got)
	}
	tr, l := runs[0].trainer(9)
	if err := LoadTraining(path, tr, l); err != nil {
		t.Errorf("the previous checkpoint does not load: %v", err)
	}
}

func entries(dir string) []string {
	var out []string
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// plainOptimizer is an optimizer written outside engine/optim, without
// a saveable state.
type plainOptimizer struct{ *optim.Base }

func (plainOptimizer) Step() error { return nil }

// TestModelFiles saves a model as weights, loads it into another, reads
// the model out of a training checkpoint, and refuses other shapes with
// the model unchanged.
func TestModelFiles(t *testing.T) {
	src, loader := trained(t)
	dir := t.TempDir()
	weights, ckpt := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "c.safetensors")
	if err := SaveModel(weights, src.Model); err != nil {
		t.Fatal(err)
	}
	if err := SaveTraining(ckpt, src, loader, nil); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{weights, ckpt} {
		dst := mlp()
		if err := LoadModel(path, dst); err != nil {
			t.Fatal(err)
		}
		compareWeights(t, src.Model, dst)
	}
	f, _ := ReadFile(weights)
	if f.Metadata["format"] != "pt" || len(f.Tensors) != 4 {
		t.Errorf("weights file: metadata %v, %d tensors; want format pt and 4 tensors", f.Metadata, len(f.Tensors))
	}
	tests := []struct {
		other nn.Module
		want  string
	}{
		{nn.NewSequential(must(nn.NewLinear(2, 16, true)), nn.NewReLU(), must(nn.NewDropout(0.5)), must(nn.NewLinear(16, 3, true))),
			`checkpoint: does not fit the model: "3.weight": the checkpoint has [2, 16], the model has [3, 16]; "3.bias": the checkpoint has [2], the model has [3] (file `},
		{nn.NewSequential(must(nn.NewLinear(2, 16, true)), nn.NewReLU(), must(nn.NewLinear(16, 2, true))),
			`checkpoint: does not fit the model: missing from the checkpoint: "2.weight", "2.bias"; not in the model: "3.weight", "3.bias" (file `},
	}
	for _, tc := range tests {
		other := tc.other
		before := other.StateDict()
		if err := LoadModel(weights, other); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("error %v\nwant %s", err, tc.want)
		}
		for i, p := range other.StateDict() {
			if !slices.Equal(p.Tensor.Data(), before[i].Tensor.Data()) {
				t.Errorf("%s changed by the failed load", p.Name)
			}
		}
	}
}
