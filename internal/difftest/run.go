package difftest

import (
	"fmt"
	"sort"
	"strings"
)

// Summary is the outcome of a run of many programs.
type Summary struct {
	FirstSeed  uint64
	N          int // seeds tried: FirstSeed … FirstSeed+N-1
	Programs   int
	Ops        int // op steps executed (leaves and backward passes not counted)
	Backwards  int // backward passes
	Mismatches []*Mismatch
	// TorchCrashes are the seeds whose program killed the Python process
	// (a crash inside torch itself); they are not compared.
	TorchCrashes []uint64
	// Restarts are the errors after which the Python process was
	// replaced.
	Restarts []string
}

// Shrinking says which mismatches Run shrinks.
type Shrinking int

const (
	// ShrinkNone reports mismatches as generated.
	ShrinkNone Shrinking = iota
	// ShrinkNew shrinks the mismatches the exclusion list does not
	// cover; known ones are reported as found, since shrinking costs a
	// round of torch calls per removed step.
	ShrinkNew
	// ShrinkAll shrinks every mismatch.
	ShrinkAll
)

// wants says whether m is to be shrunk.
func (s Shrinking) wants(m *Mismatch) bool {
	if s == ShrinkNew {
		_, known := Excluded(m)
		return !known
	}
	return s == ShrinkAll
}

// BatchSize is how many programs go to the Python process at once.
const BatchSize = 200

// Run generates and runs n programs, seeds first … first+n-1, against
// the torch process, calling found for each mismatch as it is found.
//
// shrink says which mismatches are shrunk to a short reproducer first
// (Shrink); the class is then that of the shrunk program.
func Run(t *Torch, first uint64, n int, shrink Shrinking, found func(*Mismatch)) (*Summary, error) {
	sum := &Summary{FirstSeed: first, N: n}
	for start := 0; start < n; start += BatchSize {
		batch := make([]*Program, 0, min(BatchSize, n-start))
		for i := range cap(batch) {
			batch = append(batch, Generate(first+uint64(start+i)))
		}
		res, err := t.Run(batch)
		if err != nil {
			// The process died: torch itself crashed on a program (it
			// happens). Find it by running the batch one at a time.
			sum.Restarts = append(sum.Restarts, err.Error())
			if res, err = runEach(t, batch, sum); err != nil {
				return sum, err
			}
		}
		for i, p := range batch {
			if res[i].F32 == nil {
				continue // a torch crash, already counted
			}
			m := CheckOne(p, res[i])
			sum.Programs++
			for _, s := range p.Steps {
				switch s.Op {
				case "leaf":
				case "backward":
					sum.Backwards++
				default:
					sum.Ops++
				}
			}
			if m != nil && shrink.wants(m) {
				m = Shrink(t, m)
			}
			if m != nil {
				sum.Mismatches = append(sum.Mismatches, m)
				if found != nil {
					found(m)
				}
			}
		}
	}
	return sum, nil
}

// runEach runs programs one at a time after a crash, in a new Python
// process each time one crashes, and records the programs that crash
// torch.
func runEach(t *Torch, batch []*Program, sum *Summary) ([]TorchResult, error) {
	res := make([]TorchResult, len(batch))
	if err := t.restart(); err != nil {
		return nil, err
	}
	for i, p := range batch {
		r, err := t.Run([]*Program{p})
		if err != nil {
			sum.TorchCrashes = append(sum.TorchCrashes, p.Seed)
			if err := t.restart(); err != nil {
				return nil, err
			}
			continue
		}
		res[i] = r[0]
	}
	return res, nil
}

// CheckOne runs a program through the engine and compares it with torch's
// results.
func CheckOne(p *Program, tr TorchResult) *Mismatch {
	eng := RunEngine(p)
	if len(tr.F32) != len(p.Steps) || len(tr.F64) != len(p.Steps) {
		return &Mismatch{Seed: p.Seed, Kind: "runner", Engine: "", Torch: fmt.Sprintf("%d results for %d steps", len(tr.F32), len(p.Steps)), Program: p}
	}
	return Compare(p, eng, tr)
}

// ClassName names a class for the summary: "class 5", or "new" (0).
func ClassName(c int) string {
	if c == 0 {
		return "new"
	}
	return fmt.Sprintf("class %d", c)
}

// Line is the one-line summary: programs, ops, mismatches by class, seeds.
func (s *Summary) Line() string {
	by := map[string]int{}
	for _, m := range s.Mismatches {
		by[ClassName(m.Class)]++
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return classOrder(keys[i]) < classOrder(keys[j]) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, by[k])
	}
	cls := "none"
	if len(parts) > 0 {
		cls = strings.Join(parts, ", ")
	}
	line := fmt.Sprintf("difftest: %d programs (seeds %d-%d), %d ops, %d backward passes, %d mismatches (%s)",
		s.Programs, s.FirstSeed, s.FirstSeed+uint64(max(s.N, 1))-1, s.Ops, s.Backwards, len(s.Mismatches), cls)
	if len(s.TorchCrashes) > 0 {
		line += fmt.Sprintf(", torch crashed on seeds %v", s.TorchCrashes)
	}
	return line
}

// classOrder sorts "class 2" before "class 10", and "new" last.
func classOrder(k string) int {
	var n int
	if _, err := fmt.Sscanf(k, "class %d", &n); err == nil {
		return n
	}
	return 99
}
