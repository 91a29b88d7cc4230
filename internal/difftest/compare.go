package difftest

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Mismatch is the first step at which the engine and torch disagree in
// one program.
type Mismatch struct {
	Seed uint64
	Step int    // index into Program.Steps
	Op   string // the step's op ("backward" for a gradient)
	// Kind says how they disagree: "panic", "engine refuses" (torch
	// accepts), "engine accepts" (torch refuses), "shape", "value",
	// "grad" (a value of a leaf's gradient) or "grad presence" (one side
	// has a gradient for a leaf, the other none).
	Kind string
	// Class is the suspected class of issue 20 (1–10), or 0 for a
	// mismatch outside them. It is a guess from the op and the features.
	Class int
	// Features of the step's inputs and the program: "0-d", "empty",
	// "nonfinite" (NaN or ±Inf in an input or reference value),
	// "inplace" (an in-place op ran earlier in the program), "unbatched"
	// (a [C, H, W] input to conv2d, maxPool2d or unfold), "std" (std or
	// var ran earlier), "empty before" (an earlier step had an empty
	// input), "padding window" (an earlier max_pool2d had a window that
	// lies wholly in the padding).
	Features []string
	// Engine and Torch describe the two results.
	Engine, Torch string
	Program       *Program
}

// Has says whether the mismatch has feature f.
func (m *Mismatch) Has(f string) bool {
	for _, x := range m.Features {
		if x == f {
			return true
		}
	}
	return false
}

// Report is a readable reproducer: what differs, both results and the
// program as Python.
func (m *Mismatch) Report() string {
	var b strings.Builder
	cls := "outside classes 1-10"
	if m.Class > 0 {
		cls = fmt.Sprintf("suspected class %d", m.Class)
	}
	fmt.Fprintf(&b, "seed %d: step %d (%s): %s [%s; features: %s]\n", m.Seed, m.Step, m.Op, m.Kind, cls, strings.Join(m.Features, ", "))
	fmt.Fprintf(&b, "  engine: %s\n  torch:  %s\n", m.Engine, m.Torch)
	b.WriteString("  # helpers (leaf, sl, linear, embedding): internal/difftest/runner.py\n")
	for i, s := range m.Program.Steps[:m.Step+1] {
		mark := "  "
		if i == m.Step {
			mark = "> "
		}
		b.WriteString(mark + s.Py + "\n")
	}
	return b.String()
}

// Compare finds the first step where the engine's outcome differs from
// torch's, or returns nil when the program agrees.
func Compare(p *Program, eng []Outcome, tr TorchResult) *Mismatch {
	depth := 0
	for _, s := range p.Steps {
		depth = max(depth, s.Depth)
	}
	last := map[int]*Outcome{}     // torch32's latest value of each slot
	gradTerms := map[int]float64{} // the largest |gradient| a leaf held after each backward so far
	for i := range p.Steps {
		s, e, t := &p.Steps[i], &eng[i], &tr.F32[i]
		d := &tr.F64[i]
		mk := func(kind, ed, td string) *Mismatch {
			m := &Mismatch{Seed: p.Seed, Step: i, Op: s.Op, Kind: kind, Engine: ed, Torch: td, Program: p}
			m.Features = features(p, i, last, t)
			m.Class = classify(m, s, e, t)
			return m
		}
		switch {
		case e.Panic != "":
			return mk("panic", "panic: "+e.Panic, describe(t))
		case e.Skip || t.Skip:
			// An earlier mismatch in refusals would have been reported.
			continue
		case e.Err != "" && t.Err == "":
			return mk("engine refuses", "error: "+e.Err, describe(t))
		case e.Err == "" && t.Err != "":
			return mk("engine accepts", describe(e), "error: "+t.Err)
		case e.Err != "" && s.Op == "backward":
			// Both refused a backward pass. Torch refuses midway, after
			// accumulating into the leaves it reached first (seed 500751);
			// the engine checks before it starts. The leaves' gradients
			// are unspecified from here on, so the rest is not compared.
			return nil
		case e.Err != "":
			continue
		}
		if s.Op == "backward" {
			if m := compareGrads(s, e, t, d, depth+1, gradTerms, mk); m != nil {
				return m
			}
			continue
		}
		if !slices.Equal(e.Shape, t.Shape) {
			return mk("shape", describe(e), describe(t))
		}
		if k, ok := agree(e.Values, t.Values, ref64(t, d), s.Depth, termScale(s, last, t)); !ok {
			return mk("value", at(e, k), at(t, k))
		}
		if s.Out >= 0 {
			last[s.Out] = t
		}
	}
	return nil
}

// compareGrads compares the gradients of the leaves after a backward step.
// A leaf's gradient accumulates over backward passes, so what an earlier
// pass left in it is one of the terms of the sum: terms holds the largest
// |gradient| each leaf had, and the scale S of doc.go is at least that.
func compareGrads(s *Step, e, t, d *Outcome, depth int, terms map[int]float64, mk func(kind, ed, td string) *Mismatch) *Mismatch {
	for j := range s.Grads {
		eg, tg := e.Grads[j], t.Grads[j]
		name := slotName(s.Grads[j]) + ".grad"
		switch {
		case eg == nil && tg == nil:
			continue
		case eg == nil || tg == nil:
			return mk("grad presence", name+" = "+describeMaybe(eg), name+" = "+describeMaybe(tg))
		case !slices.Equal(eg.Shape, tg.Shape):
			return mk("grad", name+" = "+describe(eg), name+" = "+describe(tg))
		}
		var dg *Outcome
		if d.Grads != nil && j < len(d.Grads) {
			dg = d.Grads[j]
		}
		ref := ref64(tg, dg)
		scale := max(maxAbs(tg.Values), terms[s.Grads[j]])
		if k, ok := agreeWithin(eg.Values, tg.Values, ref, depth, scale, 4*maxDrift(tg.Values, ref)); !ok {
			return mk("grad", name+" = "+at(eg, k), name+" = "+at(tg, k))
		}
		terms[s.Grads[j]] = scale
	}
	return nil
}

// ref64 is torch's float64 result where it is comparable (same shape, no
// error), else torch32's own (no slack).
func ref64(t, d *Outcome) Floats {
	if d == nil || d.failed() || !slices.Equal(t.Shape, d.Shape) || len(d.Values) != len(t.Values) {
		return t.Values
	}
	return d.Values
}

// ulps16 is 16 float32 units in the last place at 1: 2⁻²⁰.
const ulps16 = 1.0 / (1 << 20)

// agree checks the tolerance of doc.go element by element and returns the
// first element that fails.
func agree(e, t, d Floats, depth int, scale float64) (int, bool) {
	return agreeWithin(e, t, d, depth, scale, 0)
}

// maxDrift is the largest |torch32 − torch64| over the finite elements of
// a result: how far float32 rounding moved torch anywhere in it.
func maxDrift(t, d Floats) float64 {
	m := 0.0
	for i := range t {
		if i < len(d) && kind(t[i]) == 0 && kind(d[i]) == 0 {
			m = max(m, math.Abs(float64(t[i])-float64(d[i])))
		}
	}
	return m
}

// agreeWithin is agree with an absolute slack added to every element's
// tolerance: for a gradient, 4 × torch's largest drift over the whole
// gradient (doc.go), because the elements of one gradient are sums of the
// same terms, and torch32 may land near the exact value by chance at the
// element where the engine's rounding shows.
func agreeWithin(e, t, d Floats, depth int, scale, slack float64) (int, bool) {
	if len(e) != len(t) {
		return 0, false
	}
	l := float64(max(depth, 1))
	for i := range e {
		ce, ct, cd := kind(e[i]), kind(t[i]), kind(d[i])
		if ct != cd {
			// torch32 and torch64 differ in NaN or Inf here: the
			// reference is unsure; either answer is accepted.
			if ce == ct || ce == cd {
				continue
			}
			return i, false
		}
		if ce != ct {
			return i, false
		}
		if ce != 0 {
			continue // the same NaN or the same infinity
		}
		ev, tv, dv := float64(e[i]), float64(t[i]), float64(d[i])
		tol := 4*math.Abs(tv-dv) + ulps16*l*(math.Abs(tv)+scale) + slack
		if math.Abs(ev-tv) > tol {
			return i, false
		}
	}
	return 0, true
}

// kind sorts a value: 0 finite, 1 NaN, 2 +Inf, 3 -Inf.
func kind(v float32) int {
	switch {
	case v != v:
		return 1
	case math.IsInf(float64(v), 1):
		return 2
	case math.IsInf(float64(v), -1):
		return 3
	}
	return 0
}

// termScale is S of doc.go for a forward step: the largest finite |input|
// times the number of terms summed into one output element; for products
// (matmul, convolution) the product of the inputs' largest values.
func termScale(s *Step, last map[int]*Outcome, out *Outcome) float64 {
	var ins []*Outcome
	for _, i := range s.In {
		if o := last[i]; o != nil {
			ins = append(ins, o)
		}
	}
	if len(ins) == 0 {
		return 0
	}
	op, _ := opByName(s.Op)
	if op != nil && op.Mul && len(ins) >= 2 {
		k := 1
		switch {
		case s.Op == "matmul" && len(ins[0].Shape) > 0:
			k = ins[0].Shape[len(ins[0].Shape)-1]
		case len(ins[1].Shape) > 0 && ins[1].Shape[0] > 0:
			k = numel(ins[1].Shape) / ins[1].Shape[0]
		}
		sc := maxAbs(ins[0].Values) * maxAbs(ins[1].Values) * float64(max(k, 1))
		if len(ins) > 2 {
			sc += maxAbs(ins[2].Values)
		}
		return sc
	}
	m := 0.0
	for _, o := range ins {
		m = max(m, maxAbs(o.Values))
	}
	n := max(numel(out.Shape), 1)
	return m * float64(max(1, numel(ins[0].Shape)/n))
}

// maxAbs is the largest finite |v|.
func maxAbs(v Floats) float64 {
	m := 0.0
	for _, x := range v {
		if kind(x) == 0 {
			m = max(m, math.Abs(float64(x)))
		}
	}
	return m
}

// describe summarises an outcome in one line.
func describe(o *Outcome) string {
	switch {
	case o.Panic != "":
		return "panic: " + o.Panic
	case o.Err != "":
		return "error: " + o.Err
	case o.Skip:
		return "skipped"
	case o.Grads != nil:
		return "backward ran"
	}
	return fmt.Sprintf("shape %v %s", o.Shape, shortValues(o.Values))
}

// describeMaybe is describe for a gradient that may be absent.
func describeMaybe(o *Outcome) string {
	if o == nil {
		return "None"
	}
	return describe(o)
}

// at describes an outcome and its element k.
func at(o *Outcome, k int) string {
	s := describe(o)
	if k < len(o.Values) {
		s += fmt.Sprintf(" (element %d: %s)", k, pyFloat(o.Values[k]))
	}
	return s
}

// shortValues prints at most 12 values.
func shortValues(v Floats) string {
	parts := make([]string, 0, min(len(v), 12))
	for i, x := range v {
		if i == 12 {
			parts = append(parts, fmt.Sprintf("… (%d values)", len(v)))
			break
		}
		parts = append(parts, pyFloat(x))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
