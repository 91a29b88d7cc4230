package optim

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"tinytorch/engine/tensor"
)

// Stateful is an optimizer whose state can be saved and restored, as
// PyTorch's optimizer.state_dict() and load_state_dict(). SGD, Adam,
// AdamW and RMSprop implement it; engine/checkpoint writes the state into
// a training checkpoint, so that a resumed run continues bit for bit.
type Stateful interface {
	Optimizer
	// StateDict returns a copy of the optimizer's state.
	StateDict() State
	// LoadStateDict replaces the state with a copy of s, after checking
	// that it fits the optimizer's groups and parameters; on an error
	// nothing is changed.
	LoadStateDict(s State) error
}

// State is an optimizer's state, laid out like PyTorch's state_dict:
// parameters are numbered in the order of the groups and, within a group,
// of its Params (0, 1, 2, … across all groups).
type State struct {
	// Groups are the parameter groups' hyperparameters, in order, with
	// the numbers of their parameters.
	Groups []GroupState
	// Params holds the per-parameter state by number. A parameter that has
	// not been stepped yet (no gradient so far) has no entry.
	Params map[int]ParamState
}

// GroupState is one parameter group's hyperparameters.
type GroupState struct {
	LR, Momentum, WeightDecay float64
	Params                    []int // the numbers of the group's parameters
}

// ParamState is one parameter's state: its step count (Adam's) and its
// buffers by PyTorch's names ("momentum_buffer", "exp_avg", "exp_avg_sq",
// "max_exp_avg_sq", "square_avg", "grad_avg"), each with as many values as
// the parameter.
type ParamState struct {
	Step    int
	Buffers map[string][]float32
}

// BufferNames returns the names of the buffers in sorted order, for
// encoders that need a stable order.
func (p ParamState) BufferNames() []string {
	names := slices.Collect(maps.Keys(p.Buffers))
	sort.Strings(names)
	return names
}

// params returns the parameters in state-dict order.
func (g *groups) params() []*tensor.Tensor {
	var out []*tensor.Tensor
	for _, grp := range g.list {
		out = append(out, grp.Params...)
	}
	return out
}

// groupStates returns the groups' hyperparameters and parameter numbers.
func (g *groups) groupStates() []GroupState {
	var out []GroupState
	n := 0
	for _, grp := range g.list {
		gs := GroupState{LR: grp.LR, Momentum: grp.Momentum, WeightDecay: grp.WeightDecay}
		for range grp.Params {
			gs.Params = append(gs.Params, n)
			n++
		}
		out = append(out, gs)
	}
	return out
}

// checkState checks that s fits these groups: as many groups, each with
// as many parameters under the same numbers, and buffers named as the
// optimizer names them (allowed) with one value per parameter element.
func (g *groups) checkState(name string, s State, allowed ...string) error {
	mine := g.groupStates()
	if len(s.Groups) != len(mine) {
		return fmt.Errorf("%s: the state has %d parameter groups, the optimizer has %d", name, len(s.Groups), len(mine))
	}
	for i, gs := range s.Groups {
		if !slices.Equal(gs.Params, mine[i].Params) {
			return fmt.Errorf("%s: parameter group %d holds parameters %v in the state, %v in the optimizer", name, i, gs.Params, mine[i].Params)
		}
	}
	params := g.params()
	for _, i := range slices.Sorted(maps.Keys(s.Params)) {
		if i < 0 || i >= len(params) {
			return fmt.Errorf("%s: state for parameter %d, but the optimizer has parameters 0 to %d", name, i, len(params)-1)
		}
		ps := s.Params[i]
		if ps.Step < 0 {
			return fmt.Errorf("%s: parameter %d has step count %d, expected ≥ 0", name, i, ps.Step)
		}
		for _, b := range ps.BufferNames() {
			if !slices.Contains(allowed, b) {
				return fmt.Errorf("%s: parameter %d has a buffer %q, expected one of %q", name, i, b, allowed)
			}
			if n, want := len(ps.Buffers[b]), params[i].Numel(); n != want {
				return fmt.Errorf("%s: parameter %d (shape %s): buffer %q has %d values, expected %d", name, i, tensor.FormatShape(params[i].Shape()), b, n, want)
			}
		}
	}
	return nil
}

// loadGroups sets the groups' hyperparameters from s (checked already).
func (g *groups) loadGroups(s State) {
	for i, gs := range s.Groups {
		g.list[i].LR, g.list[i].Momentum, g.list[i].WeightDecay = gs.LR, gs.Momentum, gs.WeightDecay
	}
}

// require returns the named buffer of ps, or an error when it is missing.
func require(name string, i int, ps ParamState, buffer string) ([]float32, error) {
	b, ok := ps.Buffers[buffer]
	if !ok {
		return nil, fmt.Errorf("%s: parameter %d has no %q buffer in the state", name, i, buffer)
	}
	return slices.Clone(b), nil
}

// StateDict returns SGD's momentum buffers (for parameters stepped with
// momentum) and its groups.
func (s *SGD) StateDict() State {
	st := State{Groups: s.groupStates(), Params: map[int]ParamState{}}
	for i, p := range s.params() {
		if buf, ok := s.buf[p]; ok {
			st.Params[i] = ParamState{Buffers: map[string][]float32{"momentum_buffer": slices.Clone(buf)}}
		}
	}
	return st
}

// LoadStateDict restores SGD's momentum buffers and groups.
func (s *SGD) LoadStateDict(st State) error {
	if err := s.checkState("sgd", st, "momentum_buffer"); err != nil {
		return err
	}
	params := s.params()
	bufs := map[*tensor.Tensor][]float32{}
	for i, ps := range st.Params {
		b, err := require("sgd", i, ps, "momentum_buffer")
		if err != nil {
			return err
		}
		bufs[params[i]] = b
	}
	s.loadGroups(st)
	s.buf = bufs
	return nil
}

// StateDict returns Adam's moments and step counts, and its groups.
func (a *Adam) StateDict() State {
	st := State{Groups: a.groupStates(), Params: map[int]ParamState{}}
	for i, p := range a.params() {
		ps := a.state[p]
		if ps == nil {
			continue
		}
		b := map[string][]float32{"exp_avg": slices.Clone(ps.m), "exp_avg_sq": slices.Clone(ps.v)}
		if ps.vMax != nil {
			b["max_exp_avg_sq"] = slices.Clone(ps.vMax)
		}
		st.Params[i] = ParamState{Step: ps.step, Buffers: b}
	}
	return st
}

// LoadStateDict restores Adam's moments, step counts and groups.
func (a *Adam) LoadStateDict(st State) error {
	if err := a.checkState("adam", st, "exp_avg", "exp_avg_sq", "max_exp_avg_sq"); err != nil {
		return err
	}
	params := a.params()
	state := map[*tensor.Tensor]*adamState{}
	for i, ps := range st.Params {
		s := &adamState{step: ps.Step}
		var err error
		if s.m, err = require("adam", i, ps, "exp_avg"); err != nil {
			return err
		}
		if s.v, err = require("adam", i, ps, "exp_avg_sq"); err != nil {
			return err
		}
		if a.opts.AMSGrad {
			if s.vMax, err = require("adam", i, ps, "max_exp_avg_sq"); err != nil {
				return err
			}
		}
		state[params[i]] = s
	}
	a.loadGroups(st)
	a.state = state
	return nil
}

// StateDict returns RMSprop's running averages and momentum buffers, and
// its groups.
func (r *RMSprop) StateDict() State {
	st := State{Groups: r.groupStates(), Params: map[int]ParamState{}}
	for i, p := range r.params() {
		if ps := r.state[p]; ps != nil {
			st.Params[i] = ParamState{Buffers: map[string][]float32{
				"square_avg": slices.Clone(ps.sq), "grad_avg": slices.Clone(ps.avg), "momentum_buffer": slices.Clone(ps.buf),
			}}
		}
	}
	return st
}

// LoadStateDict restores RMSprop's averages, buffers and groups.
func (r *RMSprop) LoadStateDict(st State) error {
	if err := r.checkState("rmsprop", st, "square_avg", "grad_avg", "momentum_buffer"); err != nil {
		return err
	}
	params := r.params()
	state := map[*tensor.Tensor]*rmsState{}
	for i, ps := range st.Params {
		s := &rmsState{}
		var err error
		for _, f := range []struct {
			name string
			dst  *[]float32
		}{{"square_avg", &s.sq}, {"grad_avg", &s.avg}, {"momentum_buffer", &s.buf}} {
			if *f.dst, err = require("rmsprop", i, ps, f.name); err != nil {
				return err
			}
		}
		state[params[i]] = s
	}
	r.loadGroups(st)
	r.state = state
	return nil
}

// SchedulerState is a learning-rate scheduler's state, as PyTorch's
// scheduler.state_dict(): the steps taken (last_epoch) and the learning
// rates the schedule scales (base_lrs).
type SchedulerState struct {
	Steps   int
	BaseLRs []float64
}

// StatefulScheduler is a scheduler whose state can be saved and restored.
// Every scheduler of this package implements it.
type StatefulScheduler interface {
	Scheduler
	SchedulerState() SchedulerState
	// LoadSchedulerState restores the state. It does not set the groups'
	// learning rates: they are the optimizer's state, restored with it.
	LoadSchedulerState(s SchedulerState) error
}

// SchedulerState returns the steps taken and the base learning rates.
func (s *schedule) SchedulerState() SchedulerState {
	return SchedulerState{Steps: s.n, BaseLRs: slices.Clone(s.baseLRs)}
}

// LoadSchedulerState restores the steps taken and the base learning
// rates, after checking them against the schedule.
func (s *schedule) LoadSchedulerState(st SchedulerState) error {
	if len(st.BaseLRs) != len(s.groups) {
		return fmt.Errorf("scheduler: the state has %d base learning rates, the optimizer has %d parameter groups", len(st.BaseLRs), len(s.groups))
	}
	if st.Steps < 0 {
		return fmt.Errorf("scheduler: the state has taken %d steps, expected ≥ 0", st.Steps)
	}
	if s.total > 0 && st.Steps > s.total {
		return fmt.Errorf("scheduler: the state has taken %d steps, but the schedule has %d", st.Steps, s.total)
	}
	s.n, s.baseLRs = st.Steps, slices.Clone(st.BaseLRs)
	return nil
}
