package difftest

// Shrink makes a mismatch's reproducer short: it drops the steps after
// the mismatching one, then, one at a time, each step that no later step
// reads, as long as the program still mismatches at its last step in the
// same way (same op, same kind). Each round sends every candidate to
// torch as one batch. It returns the shortest mismatch found (m itself
// when nothing could go, or when torch fails).
func Shrink(t *Torch, m *Mismatch) *Mismatch {
	p := &Program{Seed: m.Program.Seed, Steps: m.Program.Steps[:m.Step+1]}
	best := m
	for {
		var cands []*Program
		for j := range len(p.Steps) - 1 {
			if !readLater(p, j) {
				cands = append(cands, without(p, j))
			}
		}
		if len(cands) == 0 {
			return best
		}
		res, err := t.Run(cands)
		if err != nil {
			// The process may still be answering: start a new one.
			t.restart()
			return best
		}
		found := false
		for i, c := range cands {
			mm := CheckOne(c, res[i])
			if mm != nil && mm.Step == len(c.Steps)-1 && mm.Kind == best.Kind && mm.Op == best.Op {
				p, best, found = c, mm, true
				break
			}
		}
		if !found {
			return best
		}
	}
}

// readLater says whether a step after j reads the slot step j writes.
func readLater(p *Program, j int) bool {
	out := p.Steps[j].Out
	if out < 0 {
		return false
	}
	for _, s := range p.Steps[j+1:] {
		for _, in := range s.In {
			if in == out {
				return true
			}
		}
	}
	return false
}

// without is p with step j removed (and from backward's leaf lists).
func without(p *Program, j int) *Program {
	out := p.Steps[j].Out
	q := &Program{Seed: p.Seed}
	for i, s := range p.Steps {
		if i == j {
			continue
		}
		if s.Grads != nil && out >= 0 {
			var g []int
			for _, l := range s.Grads {
				if l != out {
					g = append(g, l)
				}
			}
			s.Grads = g
		}
		q.Steps = append(q.Steps, s)
	}
	return q
}
