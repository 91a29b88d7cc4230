package checkpoint

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"tinytorch/engine/atomicfile"
	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// A training checkpoint is one safetensors file holding everything a
// resumed run needs to continue bit for bit:
//
//   - the model's parameters and buffers, as tensors under their PyTorch
//     keys ("0.weight"), exactly as in a weights file, so that LoadModel,
//     `tinytorch eval` and Python read the model from it directly;
//   - the optimizer's per-parameter buffers, as F32 tensors named
//     "optimizer.state.<i>.<buffer>", with i the parameter's number in
//     PyTorch's order and buffer PyTorch's name ("momentum_buffer",
//     "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "grad_avg");
//   - the rest, small and not tensors, as one JSON string in
//     "__metadata__" under "tinytorch.training" (see trainingMeta): the
//     position (epoch, batch, step and the epoch's running sums), the
//     optimizer's type, groups and step counts, the scheduler's type,
//     steps, base learning rates and whether it steps per batch, the
//     random generators' states, and the data loader's settings.
//
// "__metadata__" also holds "format": "pt" and "tinytorch.kind":
// "training" (a weights file has "model").

// optimizerPrefix starts the names of the optimizer's tensors.
const optimizerPrefix = "optimizer.state."

// trainingKey is the metadata key of the JSON training state.
const trainingKey = "tinytorch.training"

// trainingVersion is the layout version of trainingMeta.
const trainingVersion = 1

// trainingMeta is the JSON in "__metadata__"["tinytorch.training"].
type trainingMeta struct {
	Version   int            `json:"version"`
	Position  positionMeta   `json:"position"`
	Optimizer optimizerMeta  `json:"optimizer"`
	Scheduler *schedulerMeta `json:"scheduler,omitempty"`
	RNG       rngMeta        `json:"rng"`
	Loader    *loaderMeta    `json:"loader,omitempty"`
}

// positionMeta is train.Position.
type positionMeta struct {
	Epoch        int       `json:"epoch"` // epochs finished
	Batch        int       `json:"batch"` // batches done in the current epoch
	Step         int       `json:"step"`  // optimizer steps so far
	Samples      int       `json:"samples"`
	LossSum      float64   `json:"loss_sum"`
	MetricSums   []float64 `json:"metric_sums"`
	MetricCounts []int     `json:"metric_counts"`
}

// optimizerMeta is optim.State without the buffers (which are tensors).
type optimizerMeta struct {
	Type   string         `json:"type"` // the Go type, "*optim.SGD"
	Groups []groupMeta    `json:"param_groups"`
	Steps  map[string]int `json:"steps,omitempty"` // per parameter number, Adam's step counts
	// Stateful lists the numbers of the parameters that have state (the
	// stepped ones), whose buffers are tensors.
	Stateful []int `json:"stateful"`
}

// groupMeta is optim.GroupState, in PyTorch's param_groups spelling.
type groupMeta struct {
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum"`
	WeightDecay float64 `json:"weight_decay"`
	Params      []int   `json:"params"`
}

// schedulerMeta is optim.SchedulerState with the scheduler's type.
type schedulerMeta struct {
	Type     string    `json:"type"`
	Steps    int       `json:"last_epoch"`
	BaseLRs  []float64 `json:"base_lrs"`
	PerBatch bool      `json:"per_batch"` // Trainer.SchedulePerBatch
}

// rngMeta holds generator states (tensor.Generator.MarshalBinary, in
// hex): the tensor package's default generator, and the own generators
// of Dropout modules by module path.
type rngMeta struct {
	Default string            `json:"default"`
	Modules map[string]string `json:"modules,omitempty"`
}

// loaderMeta records the training loader's settings. A loader's order is
// a function of these and the epoch, so the same settings on resume give
// the same batches; different ones would not, and LoadTraining refuses
// them.
type loaderMeta struct {
	Batches   int    `json:"batches"` // batches per epoch
	Samples   int    `json:"samples,omitempty"`
	BatchSize int    `json:"batch_size,omitempty"`
	Shuffle   bool   `json:"shuffle,omitempty"`
	Seed      uint64 `json:"seed,omitempty"`
	DropLast  bool   `json:"drop_last,omitempty"`
}

// SaveTraining writes a training checkpoint of t to path, atomically (a
// failed write leaves the previous checkpoint intact): the model, the
// optimizer's state, the scheduler's, the random generators', where the
// run stands (t.Position()) and the settings of loader, the training
// data (nil to record none). meta adds string metadata (the run's
// config, say); its keys may not be "format" or start with "tinytorch.".
//
// This is what the tinytorch CLI calls to checkpoint a run (after an
// epoch, and when Ctrl+C or SIGTERM stops Fit); `tinytorch resume` calls
// LoadTraining and then Fit with the run's total epochs.
func SaveTraining(path string, t *train.Trainer, loader data.Loader, meta map[string]string) error {
	f, err := TrainingFile(t, loader, meta)
	if err != nil {
		return err
	}
	return writeFile(path, f, nil)
}

// writeFile encodes f to path atomically. wrap, if set, wraps the file's
// writer: the tests inject a writer that fails mid-way.
func writeFile(path string, f *File, wrap func(io.Writer) io.Writer) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		if wrap != nil {
			w = wrap(w)
		}
		return Encode(w, f)
	})
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// TrainingFile builds the training checkpoint of t in memory, for a
// caller with its own storage (the browser's).
func TrainingFile(t *train.Trainer, loader data.Loader, meta map[string]string) (*File, error) {
	if t.Model == nil || t.Optimizer == nil {
		return nil, fmt.Errorf("checkpoint: the trainer needs a Model and an Optimizer to save")
	}
	opt, ok := t.Optimizer.(optim.Stateful)
	if !ok {
		return nil, fmt.Errorf("checkpoint: optimizer %T cannot save its state (it does not implement optim.Stateful's StateDict and LoadStateDict)", t.Optimizer)
	}
	f := &File{Metadata: map[string]string{formatKey: "pt", kindKey: kindTrainer}}
	for k, v := range meta {
		if k == formatKey || strings.HasPrefix(k, "tinytorch.") {
			return nil, fmt.Errorf("checkpoint: metadata key %q is reserved", k)
		}
		f.Metadata[k] = v
	}
	for _, p := range t.Model.StateDict() {
		if strings.HasPrefix(p.Name, optimizerPrefix) {
			return nil, fmt.Errorf("checkpoint: the model's key %q clashes with the optimizer's tensors (%s…)", p.Name, optimizerPrefix)
		}
		f.Tensors = append(f.Tensors, FromTensor(p.Name, p.Tensor))
	}
	m, err := trainingState(t, opt, loader, f)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encoding the training state: %w", err)
	}
	f.Metadata[trainingKey] = string(js)
	return f, nil
}

// trainingState collects the non-tensor state and appends the optimizer's
// buffers to f as tensors.
func trainingState(t *train.Trainer, opt optim.Stateful, loader data.Loader, f *File) (*trainingMeta, error) {
	pos := t.Position()
	m := &trainingMeta{Version: trainingVersion, Position: positionMeta{
		Epoch: pos.Epoch, Batch: pos.Batch, Step: pos.Step, Samples: pos.Partial.Samples,
		LossSum: pos.Partial.Loss, MetricSums: pos.Partial.Sums, MetricCounts: pos.Partial.Counts,
	}}
	m.Optimizer = optimizerState(opt, f)
	if t.Scheduler != nil {
		s, ok := t.Scheduler.(optim.StatefulScheduler)
		if !ok {
			return nil, fmt.Errorf("checkpoint: scheduler %T cannot save its state (it does not implement optim.StatefulScheduler)", t.Scheduler)
		}
		st := s.SchedulerState()
		m.Scheduler = &schedulerMeta{Type: fmt.Sprintf("%T", s), Steps: st.Steps, BaseLRs: st.BaseLRs, PerBatch: t.SchedulePerBatch}
	}
	var err error
	if m.RNG, err = rngState(t.Model); err != nil {
		return nil, err
	}
	m.Loader = loaderState(loader)
	return m, nil
}

// optimizerState records the optimizer's groups and step counts in the
// metadata and its buffers as tensors of f.
func optimizerState(opt optim.Stateful, f *File) optimizerMeta {
	st := opt.StateDict()
	om := optimizerMeta{Type: fmt.Sprintf("%T", opt), Steps: map[string]int{}, Stateful: []int{}}
	for _, g := range st.Groups {
		om.Groups = append(om.Groups, groupMeta{LR: g.LR, Momentum: g.Momentum, WeightDecay: g.WeightDecay, Params: g.Params})
	}
	params := paramShapes(opt)
	for _, i := range slices.Sorted(maps.Keys(st.Params)) {
		ps := st.Params[i]
		om.Stateful = append(om.Stateful, i)
		if ps.Step != 0 {
			om.Steps[strconv.Itoa(i)] = ps.Step
		}
		for _, name := range ps.BufferNames() {
			f.Tensors = append(f.Tensors, FromFloat32(fmt.Sprintf("%s%d.%s", optimizerPrefix, i, name), ps.Buffers[name], params[i]))
		}
	}
	return om
}

// paramShapes returns the shapes of the optimizer's parameters in
// state-dict order.
func paramShapes(opt optim.Optimizer) [][]int {
	var out [][]int
	for _, g := range opt.ParamGroups() {
		for _, p := range g.Params {
			out = append(out, p.Shape())
		}
	}
	return out
}

// rngState records the default generator and every Dropout's own one.
func rngState(m nn.Module) (rngMeta, error) {
	b, err := tensor.DefaultGenerator().MarshalBinary()
	if err != nil {
		return rngMeta{}, err
	}
	r := rngMeta{Default: hex.EncodeToString(b)}
	for _, nm := range m.Base().Modules() {
		if d, ok := nm.Module.(*nn.Dropout); ok && d.Generator != nil {
			b, err := d.Generator.MarshalBinary()
			if err != nil {
				return rngMeta{}, err
			}
			if r.Modules == nil {
				r.Modules = map[string]string{}
			}
			r.Modules[nm.Path] = hex.EncodeToString(b)
		}
	}
	return r, nil
}

// String describes the settings for an error message.
func (m loaderMeta) String() string {
	s := fmt.Sprintf("%d batches", m.Batches)
	if m.Samples > 0 {
		s += fmt.Sprintf(" of %d from %d samples", m.BatchSize, m.Samples)
	}
	if m.Shuffle {
		s += fmt.Sprintf(", shuffled with seed %d", m.Seed)
	}
	if m.DropLast {
		s += ", dropping the last short batch"
	}
	return s
}

// loaderState records a loader's settings: all of a data.DataLoader's
// that decide its order, only the number of batches of another.
func loaderState(l data.Loader) *loaderMeta {
	if l == nil {
		return nil
	}
	m := &loaderMeta{Batches: l.Len()}
	if dl, ok := l.(*data.DataLoader); ok && dl.Dataset != nil {
		m.Samples, m.BatchSize, m.Shuffle, m.Seed, m.DropLast = dl.Dataset.Len(), max(dl.BatchSize, 1), dl.Shuffle, dl.Seed, dl.DropLast
	}
	return m
}
