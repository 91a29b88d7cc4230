package prune

import (
	"fmt"
	"math"
)

// Schedule prunes gradually while a model trains, the recipe of Zhu and
// Gupta, "To prune, or not to prune" (2017): the sparsity rises from
// Initial at step Begin to Final at step End along
//
//	s(t) = Final + (Initial − Final) · (1 − (t − Begin)/(End − Begin))^Power
//
// and the weights are pruned to it every Every steps, so the network
// fine-tunes between prunings and adapts to each loss of weights. Power 3
// (the paper's) prunes fast while many weights are redundant and slowly
// near the end; Power 1 is linear.
type Schedule struct {
	// Names are the parameters to prune together (global magnitude
	// ranking); empty means every Linear and Conv2d weight.
	Names []string
	// Initial and Final are sparsities in [0, 1], Initial ≤ Final.
	Initial, Final float64
	// Begin and End are optimizer steps, counted from 1 through Wrap.
	Begin, End int
	// Every is how many steps apart the prunings are; 0 means 1.
	Every int
	// Power shapes the curve; 0 means 3.
	Power float64
}

// check validates the schedule's fields.
func (s *Schedule) check() error {
	for _, a := range []float64{s.Initial, s.Final} {
		if err := checkAmount("prune.Schedule", a); err != nil {
			return err
		}
	}
	switch {
	case s.Initial > s.Final:
		return fmt.Errorf("prune.Schedule: initial sparsity %v is above the final %v; a schedule only prunes more", s.Initial, s.Final)
	case s.Begin < 0 || s.End <= s.Begin:
		return fmt.Errorf("prune.Schedule: steps begin=%d, end=%d, expected 0 ≤ begin < end", s.Begin, s.End)
	case s.Every < 0 || s.Power < 0 || math.IsNaN(s.Power):
		return fmt.Errorf("prune.Schedule: every=%d, power=%v, expected both ≥ 0 (0 for the defaults 1 and 3)", s.Every, s.Power)
	}
	return nil
}

// Sparsity returns the target sparsity at step t.
func (s *Schedule) Sparsity(t int) float64 {
	power := s.Power
	if power == 0 {
		power = 3
	}
	switch {
	case t <= s.Begin:
		return s.Initial
	case t >= s.End:
		return s.Final
	}
	left := 1 - float64(t-s.Begin)/float64(s.End-s.Begin)
	return s.Final + (s.Initial-s.Final)*math.Pow(left, power)
}

// due reports whether the schedule prunes after step t.
func (s *Schedule) due(t int) bool {
	every := max(s.Every, 1)
	return t >= s.Begin && t <= s.End && ((t-s.Begin)%every == 0 || t == s.End)
}

// Follow makes the optimizers Wrap returns prune by s: after each step
// that is due, the named weights are pruned globally by magnitude to
// s.Sparsity(step). The step count starts again from 0.
func (p *Pruning) Follow(s Schedule) error {
	if err := s.check(); err != nil {
		return err
	}
	if _, err := p.masksOf("prune.Schedule", s.Names); err != nil {
		return err
	}
	p.schedule, p.steps = &s, 0
	return nil
}

// Steps returns the optimizer steps taken through Wrap since Follow (or
// since New).
func (p *Pruning) Steps() int { return p.steps }
