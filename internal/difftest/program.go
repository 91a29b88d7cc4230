package difftest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Program is one random program: a list of steps, each writing a new slot
// t0, t1, … (a backward step writes none). It is plain data, so the same
// program runs in the engine and in torch and can be stored as JSON.
type Program struct {
	Seed  uint64 `json:"seed"`
	Steps []Step `json:"steps"`
}

// Step is one line of a program.
type Step struct {
	// Op names an entry of the op table (ops.go), or "leaf" (a new tensor
	// from Values) or "backward" (of slot In[0], with Values as the
	// incoming gradient).
	Op string `json:"op"`
	// Out is the slot the step writes; -1 for backward.
	Out int `json:"out"`
	// In lists the slots the step reads.
	In   []int `json:"in,omitempty"`
	Args Args  `json:"args"`
	// Values and Shape are the data of a leaf or of backward's gradient.
	Values Floats `json:"values,omitempty"`
	Shape  []int  `json:"shape,omitempty"`
	// Grad makes a leaf require grad; for backward, Grads lists the leaf
	// slots whose gradient is compared after it.
	Grad  bool  `json:"grad,omitempty"`
	Grads []int `json:"grads,omitempty"`
	// Retain keeps the graph after a backward pass.
	Retain bool `json:"retain,omitempty"`
	// Depth is the length of the longest chain of ops from a leaf to
	// this step's output (0 for a leaf), for the tolerance.
	Depth int `json:"depth"`
	// Py is the step as Python, run by runner.py and printed in reproducers.
	Py string `json:"py"`
}

// Args are the non-tensor arguments of an op. Each op reads the fields it
// needs; the Python template names them in braces ({dim}, {keepdim}, …).
type Args struct {
	Dims       []int   `json:"dims,omitempty"` // nil: all dimensions
	Dim        int     `json:"dim,omitempty"`
	Keepdim    bool    `json:"keepdim,omitempty"`
	Scalar     float32 `json:"scalar,omitempty"`
	Lo         float32 `json:"lo,omitempty"`
	Hi         float32 `json:"hi,omitempty"`
	Correction int     `json:"correction,omitempty"`
	Shape      []int   `json:"shape,omitempty"`
	D0         int     `json:"d0,omitempty"`
	D1         int     `json:"d1,omitempty"`
	Start      int     `json:"start,omitempty"`
	End        int     `json:"end,omitempty"`
	Length     int     `json:"length,omitempty"`
	Step       int     `json:"step,omitempty"`
	Index      int     `json:"index,omitempty"`
	Pads       []int   `json:"pads,omitempty"`
	Kernel     int     `json:"kernel,omitempty"`
	Stride     int     `json:"stride,omitempty"`
	Padding    int     `json:"padding,omitempty"`
	Dilation   int     `json:"dilation,omitempty"`
	Reduction  string  `json:"reduction,omitempty"`
	N          int     `json:"n,omitempty"`
	M          int     `json:"m,omitempty"`
	Flag       bool    `json:"flag,omitempty"` // descending, largest, log_target, …
	Eq         string  `json:"eq,omitempty"`   // an einsum equation
}

// Floats is a []float32 whose JSON spells NaN and ±Inf as the strings
// "nan", "inf" and "-inf", which JSON numbers cannot express; finite
// values are written in the shortest form that reads back exactly.
type Floats []float32

// MarshalJSON writes the values.
func (f Floats) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case v != v:
			b.WriteString(`"nan"`)
		case math.IsInf(float64(v), 1):
			b.WriteString(`"inf"`)
		case math.IsInf(float64(v), -1):
			b.WriteString(`"-inf"`)
		default:
			b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads what MarshalJSON (or runner.py) wrote. A finite
// number is rounded to float32, as torch's float32 tensors hold it.
func (f *Floats) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("difftest: values: %w", err)
	}
	out := make(Floats, len(raw))
	for i, r := range raw {
		switch string(r) {
		case `"nan"`:
			out[i] = float32(math.NaN())
		case `"inf"`:
			out[i] = float32(math.Inf(1))
		case `"-inf"`:
			out[i] = float32(math.Inf(-1))
		default:
			v, err := strconv.ParseFloat(string(r), 64)
			if err != nil {
				return fmt.Errorf("difftest: value %d: %s is not a number", i, r)
			}
			out[i] = float32(v)
		}
	}
	*f = out
	return nil
}

// pyFloat spells one float32 as Python reads it back exactly.
func pyFloat(v float32) string {
	switch {
	case v != v:
		return "nan"
	case math.IsInf(float64(v), 1):
		return "inf"
	case math.IsInf(float64(v), -1):
		return "-inf"
	}
	s := strconv.FormatFloat(float64(v), 'g', -1, 32)
	if !strings.ContainsAny(s, ".en") {
		s += ".0"
	}
	return s
}

// pyInts spells a list of ints as a Python list.
func pyInts(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.Itoa(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// pyBool spells a bool as Python does.
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// slotName is the Python name of a slot.
func slotName(i int) string { return "t" + strconv.Itoa(i) }

// leafPy is the Python of a leaf: leaf(values, shape, requires_grad).
func leafPy(values []float32, shape []int, grad bool) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = pyFloat(v)
	}
	return fmt.Sprintf("leaf([%s], %s, %s)", strings.Join(parts, ", "), pyInts(shape), pyBool(grad))
}

// render fills an op's Python template: {0}, {1}, … are the input slots'
// names, and {name} an argument.
func render(tmpl string, in []int, a Args) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			panic("difftest: unclosed { in template " + tmpl)
		}
		b.WriteString(tmpl[:i])
		b.WriteString(argPy(tmpl[i+1:i+j], in, a))
		tmpl = tmpl[i+j+1:]
	}
}

// argPy spells one template field.
func argPy(name string, in []int, a Args) string {
	if k, err := strconv.Atoi(name); err == nil {
		return slotName(in[k])
	}
	switch name {
	case "dims":
		if a.Dims == nil {
			return "tuple(range(" + slotName(in[0]) + ".dim()))"
		}
		return pyInts(a.Dims)
	case "dim":
		return strconv.Itoa(a.Dim)
	case "keepdim":
		return pyBool(a.Keepdim)
	case "scalar":
		return pyFloat(a.Scalar)
	case "lo":
		return pyFloat(a.Lo)
	case "hi":
		return pyFloat(a.Hi)
	case "correction":
		return strconv.Itoa(a.Correction)
	case "shape":
		return pyInts(a.Shape)
	case "d0":
		return strconv.Itoa(a.D0)
	case "d1":
		return strconv.Itoa(a.D1)
	case "start":
		return strconv.Itoa(a.Start)
	case "end":
		return strconv.Itoa(a.End)
	case "length":
		return strconv.Itoa(a.Length)
	case "step":
		return strconv.Itoa(a.Step)
	case "index":
		return strconv.Itoa(a.Index)
	case "pads":
		return pyInts(a.Pads)
	case "kernel":
		return strconv.Itoa(a.Kernel)
	case "stride":
		return strconv.Itoa(a.Stride)
	case "padding":
		return strconv.Itoa(a.Padding)
	case "dilation":
		return strconv.Itoa(a.Dilation)
	case "reduction":
		return strconv.Quote(a.Reduction)
	case "n":
		return strconv.Itoa(a.N)
	case "m":
		return strconv.Itoa(a.M)
	case "flag":
		return pyBool(a.Flag)
	case "eq":
		return strconv.Quote(a.Eq)
	}
	panic("difftest: unknown template field {" + name + "}")
}

// Source is the program as Python, one step a line, after a header with
// the seed and the helpers runner.py defines: a reproducer to paste.
func (p *Program) Source() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# difftest seed %d\n", p.Seed)
	b.WriteString("# import torch, torch.nn.functional as F; nan, inf = float('nan'), float('inf')\n")
	b.WriteString("# def leaf(v, shape, g): return torch.tensor(v, dtype=torch.float32).reshape(shape).detach().requires_grad_(g)\n")
	b.WriteString("# sl(x, dim, start, end, step), linear(x, w, b), embedding(idx, w): see internal/difftest/runner.py\n")
	for _, s := range p.Steps {
		b.WriteString(s.Py)
		b.WriteByte('\n')
	}
	return b.String()
}
