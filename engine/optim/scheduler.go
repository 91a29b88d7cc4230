package optim

import "fmt"

// Scheduler changes the learning rate of an optimizer's groups as training
// progresses. Call Step once per epoch after the epoch's optimizer steps
// (OneCycleLR: once per batch), as in PyTorch.
type Scheduler interface {
	// Step advances the schedule by one epoch (or batch) and sets each
	// group's LR. It fails only for a schedule of fixed length
	// (OneCycleLR) stepped past its end.
	Step() error
	// LastLR returns the learning rate of each group as last set.
	LastLR() []float64
}

// schedule is the state every scheduler shares: the optimizer's groups,
// their learning rates when the scheduler was made (the base the
// schedule scales) and the number of steps taken. Each scheduler supplies
// lrAt, the closed-form learning rate of a group at step n.
type schedule struct {
	groups  []*Group
	baseLRs []float64
	n       int
	lrAt    func(base float64, n int) float64
	// momentumAt, if set, also schedules the groups' Momentum (OneCycleLR).
	momentumAt func(n int) float64
	// total, if > 0, is the number of steps the schedule is defined for.
	total int
}

// newSchedule captures the optimizer's current learning rates and applies
// the schedule's value at step 0, as PyTorch's constructors do.
func newSchedule(opt Optimizer, lrAt func(base float64, n int) float64) *schedule {
	return newScheduleWith(opt, lrAt, nil, true)
}

// Step advances one step and sets the groups' learning rates.
func (s *schedule) Step() error {
	if s.total > 0 && s.n+1 > s.total {
		return fmt.Errorf("scheduler: tried to step %d times, but the schedule has %d steps", s.n+2, s.total)
	}
	s.n++
	s.apply()
	return nil
}

// apply sets every group's LR (and momentum) for the current step.
func (s *schedule) apply() {
	for i, g := range s.groups {
		g.LR = s.lrAt(s.baseLRs[i], s.n)
		if s.momentumAt != nil {
			g.Momentum = s.momentumAt(s.n)
		}
	}
}

// LastLR returns the groups' current learning rates.
func (s *schedule) LastLR() []float64 {
	out := make([]float64, len(s.groups))
	for i, g := range s.groups {
		out[i] = g.LR
	}
	return out
}

// StepLR multiplies the learning rate by Gamma every StepSize epochs:
// lr = base·γ^⌊epoch / stepSize⌋.
type StepLR struct{ *schedule }

// NewStepLR makes a StepLR, PyTorch's lr_scheduler.StepLR.
func NewStepLR(opt Optimizer, stepSize int, gamma float64) (*StepLR, error) {
	if stepSize <= 0 {
		return nil, fmt.Errorf("stepLR: stepSize %d, expected > 0", stepSize)
	}
	return &StepLR{newSchedule(opt, func(base float64, n int) float64 {
		return base * pow(gamma, n/stepSize)
	})}, nil
}

// pow returns x^k for a whole k ≥ 0 by repeated multiplication, as
// PyTorch's StepLR effectively does (one multiplication per decay).
func pow(x float64, k int) float64 {
	r := 1.0
	for range k {
		r *= x
	}
	return r
}
