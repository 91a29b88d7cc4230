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
// that the column adds up to the total). String prints it as text and
// HTML as a table, the one the notebook shows for display(model).
type Summary struct {
	// Model is the model's repr (its String()), printed above the table
	// when not empty.
	Model string
	// InputShape and OutputShape are the shapes of the forward pass; nil
	// when the model was not run (see Layers).
	InputShape  []int
	OutputShape []int
	Rows        []SummaryRow
	TotalParams int
	// AnyBatch prints the first dimension of every shape as N: the table
	// then describes the model for any batch size, not only the one it
	// ran on.
	AnyBatch bool
	// Note, when not empty, is printed under the table, such as why the
	// output shapes are missing.
	Note string
}

// SummaryRow describes one module of a Summary.
type SummaryRow struct {
	Path        string // dotted path, such as "features.0"; "" for a model without children
	Type        string // type name, such as "Conv2d"
	Depth       int    // nesting level, 1 for the root's children
	OutputShape []int  // nil when the module was not called by Call
	Params      int    // the module's own parameter count
}

// Summary runs the model once on zeros of inputShape (batch dimension
// included) in evaluation mode and without recording a graph, and
// tabulates every module below the root (a model without children gets
// one row for itself). The mode is restored afterwards, so BatchNorm's
// running statistics are not touched.
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
	s := b.Layers()
	s.InputShape, s.OutputShape = inputShape, y.Shape()
	for i, nm := range b.tabulated() {
		s.Rows[i].OutputShape = shapes[nm.Module.Base()]
	}
	return s, nil
}

// Layers tabulates the modules below the root without running the model,
// so the rows have no output shapes; a model without children gets one
// row for itself. It is the table of a model that cannot be run yet, for
// want of an input shape.
func (b *ModuleBase) Layers() *Summary {
	s := &Summary{TotalParams: b.NumParams()}
	for _, nm := range b.tabulated() {
		mb := nm.Module.Base()
		s.Rows = append(s.Rows, SummaryRow{nm.Path, mb.typeName, strings.Count(nm.Path, ".") + 1, nil, mb.ownParams()})
	}
	return s
}

// tabulated lists the modules that have a row: every module below the
// root, or the root itself when it has no children.
func (b *ModuleBase) tabulated() []NamedModule {
	mods := b.Modules()
	if len(mods) == 1 {
		return mods
	}
	return mods[1:]
}

// ownParams counts the module's own parameters, not its children's.
func (b *ModuleBase) ownParams() int {
	n := 0
	for _, p := range b.params {
		n += p.Tensor.Numel()
	}
	return n
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
	if s.Model != "" {
		sb.WriteString(s.Model + "\n\n")
	}
	fmt.Fprintf(&sb, "%-32s %-20s %12s\n", "Layer (type)", "Output shape", "Params")
	fmt.Fprintln(&sb, strings.Repeat("=", 66))
	for _, r := range s.Rows {
		fmt.Fprintf(&sb, "%-32s %-20s %12s\n", strings.Repeat("  ", r.Depth-1)+r.label(), s.shape(r.OutputShape), thousands(r.Params))
	}
	fmt.Fprintln(&sb, strings.Repeat("=", 66))
	if s.InputShape != nil {
		fmt.Fprintf(&sb, "Input shape: %s   Output shape: %s\n", s.shape(s.InputShape), s.shape(s.OutputShape))
	}
	fmt.Fprintf(&sb, "Total params: %s", thousands(s.TotalParams))
	if s.Note != "" {
		sb.WriteString("\n(" + s.Note + ")")
	}
	return sb.String()
}

// label is a row's first column: "features.0 (Conv2d)", or the type alone
// for the row of a model without children.
func (r SummaryRow) label() string {
	if r.Path == "" {
		return r.Type
	}
	return r.Path + " (" + r.Type + ")"
}

// shape formats a shape of the table: "?" when unknown, and with the
// batch dimension as N when AnyBatch is set.
func (s *Summary) shape(shape []int) string {
	if shape == nil {
		return "?"
	}
	if !s.AnyBatch || len(shape) == 0 {
		return ShapeString(shape)
	}
	parts := []string{"N"}
	for _, d := range shape[1:] {
		parts = append(parts, fmt.Sprint(d))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// thousands formats n with commas: 1,234,567.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
