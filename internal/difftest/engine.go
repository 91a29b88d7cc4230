package difftest

import (
	"fmt"
	"runtime/debug"
	"strings"

	"tinytorch/engine/tensor"
)

// Outcome is what one step gave, on either side: a value (its shape and
// values in row-major order), an error, a skip (a step that read a slot an
// earlier refusal left empty), a recovered Go panic, or for backward the
// gradient of each leaf listed in the step (nil: the leaf has none).
type Outcome struct {
	Shape  []int      `json:"shape"`
	Values Floats     `json:"data,omitempty"`
	Err    string     `json:"err,omitempty"`
	Skip   bool       `json:"skip,omitempty"`
	Panic  string     `json:"panic,omitempty"`
	Grads  []*Outcome `json:"grads,omitempty"`
}

// failed says whether the step left no value behind.
func (o *Outcome) failed() bool { return o.Err != "" || o.Skip || o.Panic != "" }

// engineRun holds the engine's values of one run of a program.
type engineRun struct {
	vals []*tensor.Tensor
	dead []bool
}

// RunEngine runs a program through the engine and returns each step's
// outcome. A panic is recovered into the step's Outcome.Panic.
func RunEngine(p *Program) []Outcome {
	r := &engineRun{}
	out := make([]Outcome, len(p.Steps))
	for i := range p.Steps {
		out[i] = r.exec(&p.Steps[i])
	}
	return out
}

// exec runs one step and records its value in its slot.
func (r *engineRun) exec(s *Step) (o Outcome) {
	for _, d := range s.In {
		if r.dead[d] {
			r.set(s.Out, nil)
			return Outcome{Skip: true}
		}
	}
	defer func() {
		if p := recover(); p != nil {
			r.set(s.Out, nil)
			o = Outcome{Panic: fmt.Sprintf("%v\n%s", p, panicFrames(debug.Stack()))}
		}
	}()
	switch s.Op {
	case "leaf":
		t, err := tensor.New(append([]float32(nil), s.Values...), s.Shape...)
		if err == nil && s.Grad {
			err = t.SetRequiresGrad(true)
		}
		return r.result(s.Out, t, err)
	case "backward":
		g, err := tensor.New(append([]float32(nil), s.Values...), s.Shape...)
		if err != nil {
			return Outcome{Err: err.Error()}
		}
		if err := r.vals[s.In[0]].BackwardWith(tensor.BackwardOptions{Gradient: g, RetainGraph: s.Retain}); err != nil {
			return Outcome{Err: err.Error()}
		}
		for _, l := range s.Grads {
			var gr *Outcome
			if v := r.vals[l]; v != nil && v.Grad() != nil {
				gr = snapshot(v.Grad())
			}
			o.Grads = append(o.Grads, gr)
		}
		return o
	}
	op, ok := opByName(s.Op)
	if !ok {
		return Outcome{Err: "difftest: unknown op " + s.Op}
	}
	x := make([]*tensor.Tensor, len(s.In))
	for i, d := range s.In {
		x[i] = r.vals[d]
	}
	t, err := op.Run(x, s.Args)
	if err == nil && t == nil {
		panic("difftest: " + s.Op + " returned neither a tensor nor an error")
	}
	return r.result(s.Out, t, err)
}

// result records a step's tensor (or error) in slot out.
func (r *engineRun) result(out int, t *tensor.Tensor, err error) Outcome {
	if err != nil {
		r.set(out, nil)
		return Outcome{Err: err.Error()}
	}
	r.set(out, t)
	return *snapshot(t)
}

// set stores slot i's value (nil: the slot is dead).
func (r *engineRun) set(i int, t *tensor.Tensor) {
	if i < 0 {
		return
	}
	for len(r.vals) <= i {
		r.vals = append(r.vals, nil)
		r.dead = append(r.dead, true)
	}
	r.vals[i], r.dead[i] = t, t == nil
}

// snapshot copies a tensor's shape and values now (a later in-place op
// may change them).
func snapshot(t *tensor.Tensor) *Outcome {
	shape := t.Shape()
	if shape == nil {
		shape = []int{}
	}
	return &Outcome{Shape: shape, Values: t.Data()}
}

// panicFrames keeps the stack lines of a panic that are in the engine,
// enough to find where it happened.
func panicFrames(stack []byte) string {
	var keep []string
	for _, l := range strings.Split(string(stack), "\n") {
		if strings.Contains(l, "/engine/") && strings.HasPrefix(l, "\t") {
			keep = append(keep, strings.TrimSpace(l))
			if len(keep) == 3 {
				break
			}
		}
	}
	return strings.Join(keep, "\n")
}
