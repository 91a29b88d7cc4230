package checkpoint

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// LoadTraining restores a training checkpoint written by SaveTraining
// into t, a trainer built as the saved one was (same model architecture,
// optimizer type, scheduler type and metrics), and loader, the training
// data (nil to skip the check): the model's parameters and buffers, the
// optimizer's state, the scheduler's, the random generators' and the
// position, so that t.Fit(ctx, loader, val, epochs) continues the run
// where it stopped, giving the same losses and weights, bit for bit, as
// a run never stopped. (`tinytorch resume` calls it.)
//
// Everything is checked before anything changes: the file (Decode), the
// model's keys and shapes, the optimizer's and scheduler's types and
// groups, the loader's settings. On an error t is unchanged.
func LoadTraining(path string, t *train.Trainer, loader data.Loader) error {
	f, err := ReadFile(path)
	if err != nil {
		return err
	}
	if err := LoadTrainingFile(f, t, loader); err != nil {
		return fmt.Errorf("%w (file %s)", err, path)
	}
	return nil
}

// restore is a decoded and checked training checkpoint, ready to apply.
type restore struct {
	model     []nn.NamedParam
	opt       optim.State
	scheduler *optim.SchedulerState
	rng       []byte            // the default generator's state
	dropout   map[string][]byte // Dropout generators by module path
	pos       train.Position
}

// LoadTrainingFile is LoadTraining for a decoded file.
func LoadTrainingFile(f *File, t *train.Trainer, loader data.Loader) error {
	if t.Model == nil || t.Optimizer == nil {
		return fmt.Errorf("checkpoint: the trainer needs a Model and an Optimizer to load into")
	}
	r, err := check(f, t, loader)
	if err != nil {
		return err
	}
	return r.apply(t)
}

// check reads the training state of f and checks it against t and loader.
func check(f *File, t *train.Trainer, loader data.Loader) (*restore, error) {
	m, err := trainingMetadata(f)
	if err != nil {
		return nil, err
	}
	opt, ok := t.Optimizer.(optim.Stateful)
	if !ok {
		return nil, fmt.Errorf("checkpoint: optimizer %T cannot load a state (it does not implement optim.Stateful)", t.Optimizer)
	}
	if typ := fmt.Sprintf("%T", opt); typ != m.Optimizer.Type {
		return nil, fmt.Errorf("checkpoint: holds the state of a %s optimizer, the trainer has a %s", m.Optimizer.Type, typ)
	}
	r := &restore{}
	if r.model, err = modelState(f, t.Model); err != nil {
		return nil, err
	}
	if r.opt, err = optimizerFromFile(f, m.Optimizer, paramShapes(opt)); err != nil {
		return nil, err
	}
	if r.scheduler, err = schedulerFromMeta(m.Scheduler, t.Scheduler, t.SchedulePerBatch); err != nil {
		return nil, err
	}
	if err := checkLoader(m.Loader, loaderState(loader)); err != nil {
		return nil, err
	}
	if r.rng, r.dropout, err = generatorsFromMeta(m.RNG, t.Model); err != nil {
		return nil, err
	}
	r.pos = m.Position.position()
	if err := checkPosition(r.pos, len(t.Metrics)); err != nil {
		return nil, err
	}
	return r, nil
}

// TrainingPosition returns where the run saved in the training
// checkpoint f stood (epoch, batch, step, the epoch's sums), for a caller
// that reports it before resuming (`tinytorch resume`). Extra metadata
// given to SaveTraining is in f.Metadata.
func TrainingPosition(f *File) (train.Position, error) {
	m, err := trainingMetadata(f)
	if err != nil {
		return train.Position{}, err
	}
	return m.Position.position(), nil
}

// position converts the JSON position.
func (p positionMeta) position() train.Position {
	return train.Position{Epoch: p.Epoch, Batch: p.Batch, Step: p.Step, Partial: train.EpochSums{
		Samples: p.Samples, Loss: p.LossSum, Sums: p.MetricSums, Counts: p.MetricCounts,
	}}
}

// trainingMetadata reads and checks the JSON training state of f.
func trainingMetadata(f *File) (*trainingMeta, error) {
	if kind := f.Metadata[kindKey]; kind != kindTrainer {
		return nil, fmt.Errorf("checkpoint: not a training checkpoint (its tinytorch.kind is %q, expected %q); a weights file loads with LoadModel", kind, kindTrainer)
	}
	var m trainingMeta
	if err := strictUnmarshal([]byte(f.Metadata[trainingKey]), &m); err != nil {
		return nil, fmt.Errorf("checkpoint: the training state in %s: %v", trainingKey, err)
	}
	if m.Version != trainingVersion {
		return nil, fmt.Errorf("checkpoint: training state version %d, expected %d", m.Version, trainingVersion)
	}
	return &m, nil
}

// optimizerFromFile rebuilds an optim.State from the metadata and the
// "optimizer.state.<i>.<buffer>" tensors, checking each buffer's shape
// against its parameter's.
func optimizerFromFile(f *File, om optimizerMeta, shapes [][]int) (optim.State, error) {
	st := optim.State{Params: map[int]optim.ParamState{}}
	for _, g := range om.Groups {
		st.Groups = append(st.Groups, optim.GroupState{LR: g.LR, Momentum: g.Momentum, WeightDecay: g.WeightDecay, Params: g.Params})
	}
	for _, i := range om.Stateful {
		if i < 0 || i >= len(shapes) {
			return optim.State{}, fmt.Errorf("checkpoint: optimizer state for parameter %d, but the optimizer has %d parameters", i, len(shapes))
		}
		st.Params[i] = optim.ParamState{Step: om.Steps[strconv.Itoa(i)], Buffers: map[string][]float32{}}
	}
	for k := range om.Steps {
		if i, err := strconv.Atoi(k); err != nil || !slices.Contains(om.Stateful, i) {
			return optim.State{}, fmt.Errorf("checkpoint: optimizer step count for %q, which is not a parameter with state", k)
		}
	}
	for _, e := range f.Tensors {
		if !strings.HasPrefix(e.Name, optimizerPrefix) {
			continue
		}
		if err := addBuffer(st, e, shapes); err != nil {
			return optim.State{}, err
		}
	}
	return st, nil
}

// addBuffer adds the tensor "optimizer.state.<i>.<buffer>" to st.
func addBuffer(st optim.State, e Entry, shapes [][]int) error {
	num, buffer, ok := strings.Cut(strings.TrimPrefix(e.Name, optimizerPrefix), ".")
	i, err := strconv.Atoi(num)
	ps, stateful := st.Params[i]
	if !ok || err != nil || !stateful {
		return fmt.Errorf("checkpoint: optimizer tensor %q names no parameter with state", e.Name)
	}
	if !slices.Equal(e.Shape, shapes[i]) {
		return fmt.Errorf("checkpoint: optimizer tensor %q has shape %s, its parameter has %s", e.Name, tensor.FormatShape(e.Shape), tensor.FormatShape(shapes[i]))
	}
	v, err := e.Float32()
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	ps.Buffers[buffer] = v
	return nil
}

// schedulerFromMeta checks the saved scheduler against the trainer's:
// both absent, or the same type stepped as often (per batch or epoch).
func schedulerFromMeta(sm *schedulerMeta, s optim.Scheduler, perBatch bool) (*optim.SchedulerState, error) {
	switch {
	case sm == nil && s == nil:
		return nil, nil
	case sm == nil:
		return nil, fmt.Errorf("checkpoint: the run had no scheduler, the trainer has a %T", s)
	case s == nil:
		return nil, fmt.Errorf("checkpoint: the run had a %s scheduler, the trainer has none", sm.Type)
	}
	if typ := fmt.Sprintf("%T", s); typ != sm.Type {
		return nil, fmt.Errorf("checkpoint: the run had a %s scheduler, the trainer has a %s", sm.Type, typ)
	}
	if sm.PerBatch != perBatch {
		return nil, fmt.Errorf("checkpoint: the run stepped its scheduler once per %s, the trainer steps it once per %s (SchedulePerBatch)", stepUnit(sm.PerBatch), stepUnit(perBatch))
	}
	if _, ok := s.(optim.StatefulScheduler); !ok {
		return nil, fmt.Errorf("checkpoint: scheduler %T cannot load a state (it does not implement optim.StatefulScheduler)", s)
	}
	return &optim.SchedulerState{Steps: sm.Steps, BaseLRs: sm.BaseLRs}, nil
}

// stepUnit names how often a scheduler steps.
func stepUnit(perBatch bool) string {
	if perBatch {
		return "batch"
	}
	return "epoch"
}

// checkLoader compares the saved loader settings with the loader's.
func checkLoader(saved, now *loaderMeta) error {
	if saved == nil || now == nil || *saved == *now {
		return nil
	}
	return fmt.Errorf("checkpoint: the run's data loader gave %s, this one gives %s; a resumed run would not see the same batches", saved, now)
}

// generatorsFromMeta decodes and checks the generator states.
func generatorsFromMeta(rm rngMeta, m nn.Module) ([]byte, map[string][]byte, error) {
	def, err := generatorBytes("the default generator", rm.Default)
	if err != nil {
		return nil, nil, err
	}
	dropouts := map[string]*nn.Dropout{}
	for _, nm := range m.Base().Modules() {
		if d, ok := nm.Module.(*nn.Dropout); ok && d.Generator != nil {
			dropouts[nm.Path] = d
		}
	}
	out := map[string][]byte{}
	for path, h := range rm.Modules {
		if dropouts[path] == nil {
			return nil, nil, fmt.Errorf("checkpoint: a generator for module %q, which is not a Dropout with its own generator in the model", path)
		}
		if out[path], err = generatorBytes("module "+path+"'s generator", h); err != nil {
			return nil, nil, err
		}
	}
	if len(out) != len(dropouts) {
		return nil, nil, fmt.Errorf("checkpoint: %d Dropout generators saved, the model has %d", len(out), len(dropouts))
	}
	return def, out, nil
}

// generatorBytes decodes one generator state and checks it.
func generatorBytes(what, h string) ([]byte, error) {
	b, err := hex.DecodeString(h)
	if err == nil {
		err = new(tensor.Generator).UnmarshalBinary(b)
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %s: %v", what, err)
	}
	return b, nil
}

// checkPosition checks the saved position and its metric sums.
func checkPosition(p train.Position, metrics int) error {
	if p.Epoch < 0 || p.Batch < 0 || p.Step < 0 || p.Partial.Samples < 0 {
		return fmt.Errorf("checkpoint: position epoch %d, batch %d, step %d, samples %d; expected all ≥ 0", p.Epoch, p.Batch, p.Step, p.Partial.Samples)
	}
	if len(p.Partial.Sums) != len(p.Partial.Counts) || (p.Partial.Samples > 0 && len(p.Partial.Sums) != metrics) {
		return fmt.Errorf("checkpoint: the epoch's sums cover %d metrics (%d counts), the trainer computes %d", len(p.Partial.Sums), len(p.Partial.Counts), metrics)
	}
	return nil
}

// apply changes t. Each part was checked; if one still fails, the parts
// applied before it are put back, so t is unchanged on an error.
func (r *restore) apply(t *train.Trainer) error {
	opt := t.Optimizer.(optim.Stateful)
	oldModel, oldOpt := t.Model.StateDict(), opt.StateDict()
	undo := func(err error) error {
		t.Model.LoadStateDict(oldModel)
		opt.LoadStateDict(oldOpt)
		return err
	}
	if err := t.Model.LoadStateDict(r.model); err != nil {
		return undo(err)
	}
	if err := opt.LoadStateDict(r.opt); err != nil {
		return undo(fmt.Errorf("checkpoint: %w", err))
	}
	if r.scheduler != nil {
		s := t.Scheduler.(optim.StatefulScheduler)
		old := s.SchedulerState()
		if err := s.LoadSchedulerState(*r.scheduler); err != nil {
			s.LoadSchedulerState(old)
			return undo(fmt.Errorf("checkpoint: %w", err))
		}
	}
	tensor.DefaultGenerator().UnmarshalBinary(r.rng)
	for _, nm := range t.Model.Base().Modules() {
		if b, ok := r.dropout[nm.Path]; ok {
			nm.Module.(*nn.Dropout).Generator.UnmarshalBinary(b)
		}
	}
	return t.ResumeAt(r.pos)
}
