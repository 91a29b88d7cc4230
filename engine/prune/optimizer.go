package prune

import (
	"tinytorch/engine/optim"
)

// Wrap returns an optimizer that steps opt and then writes the masks'
// zeros again (Apply), and prunes further when a Schedule is due. A
// pruned weight's gradient is not zero, and SGD's momentum or Adam's
// moments remember earlier steps, so without this an optimizer step
// brings pruned weights back. Use the returned optimizer in place of opt,
// with a train.Trainer or a loop of your own. When opt saves and loads
// its state (optim.Stateful, for checkpoints), so does the wrapper.
func (p *Pruning) Wrap(opt optim.Optimizer) optim.Optimizer {
	m := &masked{Optimizer: opt, p: p}
	if s, ok := opt.(optim.Stateful); ok {
		return &maskedStateful{masked: m, s: s}
	}
	return m
}

// masked is Wrap's optimizer.
type masked struct {
	optim.Optimizer
	p *Pruning
}

// Step steps the wrapped optimizer, prunes if the schedule says so, and
// applies the masks.
func (m *masked) Step() error {
	if err := m.Optimizer.Step(); err != nil {
		return err
	}
	m.p.steps++
	if s := m.p.schedule; s != nil && s.due(m.p.steps) {
		return m.p.PruneToSparsity(s.Names, s.Sparsity(m.p.steps))
	}
	return m.p.Apply()
}

// maskedStateful is masked for an optimizer that has a state dict.
type maskedStateful struct {
	*masked
	s optim.Stateful
}

// StateDict returns the wrapped optimizer's state.
func (m *maskedStateful) StateDict() optim.State { return m.s.StateDict() }

// LoadStateDict loads the wrapped optimizer's state.
func (m *maskedStateful) LoadStateDict(s optim.State) error { return m.s.LoadStateDict(s) }
