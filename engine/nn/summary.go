package nn

import (
	"fmt"
	"slices"
	"strings"

	"tinytorch/engine/tensor"
)

// Summary is a table of a model's layers for one input shape, like
// Keras's model.summary() or torchinfo: each module's path, type, output
// shape and number of parameters of its own (not counting children's, so
// that the column adds up to the total).
type Summary struct {
	InputShape  []int
	OutputShape []int
	Rows        []SummaryRow
	TotalParams int
}

// SummaryRow describes one module of a Summary.
type SummaryRow struct {
	Path        string // dotted path, such as "features.0"
	Type        string // type name, such as "Conv2d"
	Depth       int    // nesting level, 1 for the root's children
	OutputShape []int  // nil when the module was not called by Call
	Params      int    // the module's own parameter count
}

// Summary runs the model once on zeros of inputShape (batch dimension
// included) in evaluation mode and without recording a graph, and
// tabulates every module below the root. The mode is restored afterwards,
// so BatchNorm's running statistics are not touched.
func (b *ModuleBase) Summary(inputShape ...int) (*Summary, error) {
	x, err := tensor.Zeros(inputShape...)
	if err != nil {
		return nil, fmt.Errorf("summary: %v", err)
	}
	mods := b.Modules()
	modes := make([]bool, len(mods))
	for i, nm := range mods {
		modes[i] = nm.Module.Base().training
	}
	shapes := map[*ModuleBase][]int{}
	observer = func(m Module, out *tensor.Tensor) { shapes[m.Base()] = out.Shape() }
	b.self.Eval()
	var y *tensor.Tensor
	tensor.NoGrad(func() { y, err = Call(b.self, x) })
	observer = nil
	restoreModes(mods, modes)
	if err != nil {
		return nil, err
	}
	s := &Summary{InputShape: inputShape, OutputShape: y.Shape(), TotalParams: b.NumParams()}
	for _, nm := range mods[1:] {
		mb := nm.Module.Base()
		n := 0
		for _, p := range mb.params {
			n += p.Tensor.Numel()
		}
		s.Rows = append(s.Rows, SummaryRow{nm.Path, mb.typeName, strings.Count(nm.Path, ".") + 1, shapes[mb], n})
	}
	return s, nil
}

// restoreModes gives each module its mode again. When they all had the
// same one (the usual case) it calls the root's Train, so that modules
// that override Train hear of it; otherwise it sets each mode directly.
func restoreModes(mods []NamedModule, modes []bool) {
	if !slices.ContainsFunc(modes, func(m bool) bool { return m != modes[0] }) {
		mods[0].Module.Train(modes[0])
		return
	}
	for i, nm := range mods {
		nm.Module.Base().training = modes[i]
	}
}

// String formats the summary as a text table.
func (s *Summary) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-32s %-20s %12s\n", "Layer (type)", "Output shape", "Params")
	fmt.Fprintln(&sb, strings.Repeat("=", 66))
	for _, r := range s.Rows {
		out := "-"
		if r.OutputShape != nil {
			out = ShapeString(r.OutputShape)
		}
		name := strings.Repeat("  ", r.Depth-1) + r.Path + " (" + r.Type + ")"
		fmt.Fprintf(&sb, "%-32s %-20s %12s\n", name, out, thousands(r.Params))
	}
	fmt.Fprintln(&sb, strings.Repeat("=", 66))
	fmt.Fprintf(&sb, "Input shape: %s   Output shape: %s\n", ShapeString(s.InputShape), ShapeString(s.OutputShape))
	fmt.Fprintf(&sb, "Total params: %s", thousands(s.TotalParams))
	return sb.String()
}

// thousands formats n with commas: 1,234,567.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
