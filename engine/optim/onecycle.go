package optim

import (
	"fmt"
	"math"
)

// OneCycleOptions configures OneCycleLR. A zero field takes PyTorch's
// default, except MaxLR and TotalSteps, which must be given.
type OneCycleOptions struct {
	MaxLR      float64
	TotalSteps int     // usually epochs × batches per epoch
	PctStart   float64 // fraction of the steps spent rising (0.3)
	// DivFactor sets the starting LR, MaxLR/DivFactor (25);
	// FinalDivFactor the final one, start/FinalDivFactor (1e4).
	DivFactor, FinalDivFactor float64
	// BaseMomentum and MaxMomentum bound the momentum (Adam's β1), which
	// moves opposite to the LR (0.85 and 0.95).
	BaseMomentum, MaxMomentum float64
	// FixedMomentum leaves momentum alone (PyTorch's cycle_momentum=False).
	FixedMomentum bool
	// LinearAnneal uses straight lines instead of cosine curves
	// (anneal_strategy="linear").
	LinearAnneal bool
}

// OneCycleLR is Smith's one-cycle policy: the LR rises from
// MaxLR/DivFactor to MaxLR over the first PctStart of the steps, then
// falls to a tiny value; momentum does the opposite. It is stepped after
// every batch, TotalSteps times in all.
type OneCycleLR struct{ *schedule }

// NewOneCycleLR makes PyTorch's lr_scheduler.OneCycleLR (two phases).
func NewOneCycleLR(opt Optimizer, o OneCycleOptions) (*OneCycleLR, error) {
	o.PctStart = orDefault(o.PctStart, 0.3)
	o.DivFactor = orDefault(o.DivFactor, 25)
	o.FinalDivFactor = orDefault(o.FinalDivFactor, 1e4)
	o.BaseMomentum = orDefault(o.BaseMomentum, 0.85)
	o.MaxMomentum = orDefault(o.MaxMomentum, 0.95)
	if o.MaxLR <= 0 || o.TotalSteps <= 0 {
		return nil, fmt.Errorf("oneCycleLR: maxLR %g and totalSteps %d, expected both > 0", o.MaxLR, o.TotalSteps)
	}
	if o.PctStart < 0 || o.PctStart > 1 {
		return nil, fmt.Errorf("oneCycleLR: pctStart %g, expected a value in [0, 1]", o.PctStart)
	}
	initial := o.MaxLR / o.DivFactor
	c := oneCycle{o: o, peak: o.PctStart*float64(o.TotalSteps) - 1, last: float64(o.TotalSteps - 1)}
	s := newScheduleWith(opt, func(_ float64, n int) float64 {
		return c.at(n, initial, o.MaxLR, initial/o.FinalDivFactor)
	}, func(n int) float64 {
		return c.at(n, o.MaxMomentum, o.BaseMomentum, o.MaxMomentum)
	}, o.FixedMomentum)
	s.total = o.TotalSteps
	return &OneCycleLR{s}, nil
}

// oneCycle is the two-phase curve: from start to peak value over steps
// 0..peak, then from there to end over peak..last.
type oneCycle struct {
	o          OneCycleOptions
	peak, last float64
}

// at returns the value at step n of a curve going start → mid → end.
func (c oneCycle) at(n int, start, mid, end float64) float64 {
	x := float64(n)
	if x <= c.peak {
		return c.anneal(start, mid, x/c.peak)
	}
	return c.anneal(mid, end, (x-c.peak)/(c.last-c.peak))
}

// anneal moves from start to end as pct goes from 0 to 1.
func (c oneCycle) anneal(start, end, pct float64) float64 {
	if c.o.LinearAnneal {
		return (end-start)*pct + start
	}
	return end + (start-end)/2*(math.Cos(math.Pi*pct)+1)
}

// newScheduleWith is newSchedule with an optional momentum schedule.
func newScheduleWith(opt Optimizer, lrAt func(float64, int) float64, momentumAt func(int) float64, fixedMomentum bool) *schedule {
	s := &schedule{groups: opt.ParamGroups(), lrAt: lrAt}
	if !fixedMomentum {
		s.momentumAt = momentumAt
	}
	for _, g := range s.groups {
		s.baseLRs = append(s.baseLRs, g.LR)
	}
	s.apply()
	return s
}
