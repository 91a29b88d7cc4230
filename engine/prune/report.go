package prune

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"tinytorch/engine/nn"
	"tinytorch/engine/plot"
	"tinytorch/engine/tensor"
)

// LayerSparsity is one weight's line of a Report.
type LayerSparsity struct {
	// Name is the parameter's key, such as "1.weight"; Layer its
	// module's type.
	Name, Layer string
	Shape       []int
	// Params counts its elements, Zeros those exactly zero.
	Params, Zeros int
}

// Sparsity is the fraction of zeros.
func (l LayerSparsity) Sparsity() float64 {
	if l.Params == 0 {
		return 0
	}
	return float64(l.Zeros) / float64(l.Params)
}

// Report is the sparsity of every Linear and Conv2d weight of a model,
// counted from the values (a zero is a zero, masked or not), with the
// model's totals over all its parameters, biases included.
type Report struct {
	Layers []LayerSparsity
	// Params and Zeros count every parameter of the model.
	Params, Zeros int
}

// NewReport counts the zeros of model's parameters.
func NewReport(model nn.Module) *Report {
	r := &Report{}
	for _, nm := range model.Base().Modules() {
		var w *tensor.Tensor
		switch l := nm.Module.(type) {
		case *nn.Linear:
			w = l.Weight
		case *nn.Conv2d:
			w = l.Weight
		default:
			continue
		}
		r.Layers = append(r.Layers, LayerSparsity{Name: joinName(nm.Path, "weight"), Layer: nm.Module.Base().TypeName(),
			Shape: w.Shape(), Params: w.Numel(), Zeros: zeros(w)})
	}
	for _, p := range model.Parameters() {
		r.Params += p.Tensor.Numel()
		r.Zeros += zeros(p.Tensor)
	}
	return r
}

// zeros counts the elements of t that are exactly zero.
func zeros(t *tensor.Tensor) int {
	n := 0
	for _, v := range t.Detach().Data() {
		if v == 0 {
			n++
		}
	}
	return n
}

// Sparsity is the fraction of all the model's parameters that are zero.
func (r *Report) Sparsity() float64 {
	if r.Params == 0 {
		return 0
	}
	return float64(r.Zeros) / float64(r.Params)
}

// Table is the report as a table's header and rows: one row per weight,
// then the total; "nonzero" is what a sparse format would have to store.
// (make bench and tt.prune.report print it with engine/bench's Table.)
func (r *Report) Table() (header []string, rows [][]string) {
	header = []string{"weight", "layer", "shape", "params", "zeros", "nonzero", "sparsity"}
	row := func(name, layer, shape string, params, zeros, sparsity float64) {
		rows = append(rows, []string{name, layer, shape, fmt.Sprint(params), fmt.Sprint(zeros), fmt.Sprint(params - zeros), percent(sparsity)})
	}
	for _, l := range r.Layers {
		row(l.Name, l.Layer, tensor.FormatShape(l.Shape), float64(l.Params), float64(l.Zeros), l.Sparsity())
	}
	row("all parameters", "", "", float64(r.Params), float64(r.Zeros), r.Sparsity())
	return header, rows
}

// String prints the table as aligned text.
func (r *Report) String() string {
	header, rows := r.Table()
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, cells := range append([][]string{header}, rows...) {
		fmt.Fprintln(w, strings.Join(cells, "\t")+"\t")
	}
	w.Flush()
	return b.String()
}

// percent formats a fraction as a percentage with one decimal.
func percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// Chart draws each weight's sparsity as a horizontal bar, in percent.
func (r *Report) Chart() (string, error) {
	b := plot.Bar{Title: "Sparsity per layer", Horizontal: true, ValueLabel: "sparsity (%)", ShowValues: true}
	values := make([]float64, len(r.Layers))
	for i, l := range r.Layers {
		b.Categories = append(b.Categories, l.Name+" ("+l.Layer+")")
		values[i] = 100 * l.Sparsity()
	}
	b.Series = []plot.BarSeries{{Name: "sparsity", Values: values}}
	return b.SVG()
}
