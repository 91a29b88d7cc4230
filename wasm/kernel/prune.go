//go:build js && wasm

package kernel

import (
	"errors"
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/bench"
	"tinytorch/engine/kernels/sparse"
	"tinytorch/engine/nn"
	"tinytorch/engine/prune"
)

// Bindings of engine/prune and engine/kernels/sparse, after PyTorch's
// torch.nn.utils.prune in camelCase. The masks belong to the model, as
// PyTorch keeps them on the module; parameters are named by their keys
// in the model ("1.weight"):
//
//	tt.prune.l1Unstructured(model, "1.weight", {amount: 0.5})
//	tt.prune.globalUnstructured(model, {amount: 0.9})          // every Linear and Conv2d weight, ranked together
//	tt.prune.lnStructured(model, 3, {amount: 0.5, n: 1})       // removes half of layer 3's channels, and shrinks its neighbours
//	const opt = tt.prune.wrap(model, tt.optim.Adam(model.parameters()))  // masks hold through training
//	tt.prune.schedule(model, {final: 0.9, end: 500, every: 50})          // iterative pruning while opt steps
//	tt.prune.report(model)                                     // the sparsity table; .chart() draws it
//	tt.prune.remove(model, "1.weight")                         // makes it permanent, drops the mask
//	const fast = tt.prune.sparsify(model, {maxDensity: 0.2})   // inference copy on the CSR kernel
//	tt.prune.crossover({rows: 128, cols: 784, batch: 1})       // where the sparse kernel beats the dense one
//
// Unlike PyTorch's ln_structured, which zeroes rows, lnStructured cuts
// them: the layers get smaller.

// prunings holds each model's masks, as PyTorch keeps weight_mask on
// the module.
var prunings = map[nn.Module]*prune.Pruning{}

// pruningOf returns model's masks, made empty the first time.
func pruningOf(model nn.Module) *prune.Pruning {
	p, ok := prunings[model]
	if !ok {
		p = prune.New(model)
		prunings[model] = p
	}
	return p
}

// newPrune builds tt.prune.
func newPrune() js.Value {
	return object(map[string]binding{
		"l1Unstructured":     pruneL1Unstructured,
		"globalUnstructured": pruneGlobalUnstructured,
		"lnStructured":       pruneLnStructured,
		"remove":             pruneRemove,
		"apply":              pruneApply,
		"wrap":               pruneWrap,
		"schedule":           pruneSchedule,
		"report":             pruneReport,
		"sparsify":           pruneSparsify,
		"crossover":          pruneCrossover,
	})
}

// pruneL1Unstructured is tt.prune.l1Unstructured(model, name, {amount}).
func pruneL1Unstructured(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.l1Unstructured", args)
	model := r.Module(0, "tt.prune.l1Unstructured")
	name := r.NeedString(1, `the parameter's name in the model, such as "1.weight"`)
	o := r.Options(2, "amount")
	amount := needAmount(r, o)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return nil, ttPruneError(pruningOf(model).L1Unstructured(name, amount))
}

// needAmount reads the required amount option.
func needAmount(r *argReader, o *optReader) float64 {
	if !o.Need("amount") {
		return 0
	}
	return o.Float("amount", 0)
}

// stringsOption reads an optional array of strings.
func stringsOption(r *argReader, o *optReader, key string) []string {
	v := o.Value(key)
	if missing(v) || !r.ok() {
		return nil
	}
	if !isArray(v) {
		r.failf("%s: expected an array of parameter names such as [\"1.weight\"], got %s", key, describeJS(v))
		return nil
	}
	out := make([]string, v.Length())
	for i := range out {
		s, err := toString(fmt.Sprintf("%s[%d]", key, i), v.Index(i))
		if err != nil {
			r.fail(err)
			return nil
		}
		out[i] = s
	}
	return out
}

// pruneNames maps the engine's function names in errors to tt's.
var pruneNames = strings.NewReplacer(
	"prune.L1Unstructured", "tt.prune.l1Unstructured",
	"prune.GlobalUnstructured", "tt.prune.globalUnstructured",
	"prune.PruneToSparsity", "tt.prune.schedule",
	"prune.LnStructured", "tt.prune.lnStructured",
	"prune.Remove", "tt.prune.remove",
	"prune.Apply", "tt.prune.apply",
	"prune.Schedule", "tt.prune.schedule",
	"prune.Sparsify", "tt.prune.sparsify",
	"prune.New", "a new pruning (the masks start again)",
)

// ttPruneError renames the engine's functions in err after tt's.
func ttPruneError(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(pruneNames.Replace(err.Error()))
}

// pruneGlobalUnstructured is tt.prune.globalUnstructured(model, {amount, names}).
func pruneGlobalUnstructured(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.globalUnstructured", args)
	model := r.Module(0, "tt.prune.globalUnstructured")
	o := r.Options(1, "amount")
	amount := needAmount(r, o)
	names := stringsOption(r, o, "names")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return nil, ttPruneError(pruningOf(model).GlobalUnstructured(names, amount))
}

// pruneLnStructured is tt.prune.lnStructured(model, index, {amount, n}):
// it returns what was removed.
func pruneLnStructured(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.prune.lnStructured"
	r := readArgs(name, args)
	model := r.Module(0, name)
	index := r.NeedInt(1, "the index of the Linear or Conv2d in the Sequential")
	o := r.Options(2, "amount")
	amount := needAmount(r, o)
	n := o.Float("n", 1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	seq, ok := model.(*nn.Sequential)
	if !ok {
		return nil, fmt.Errorf("%s: expected a tt.nn.Sequential (its layers' neighbours are shrunk with them), got a %s", name, model.Base().TypeName())
	}
	if p, ok := prunings[model]; ok && len(p.Masks()) > 0 {
		return nil, fmt.Errorf("%s: the model has unstructured pruning masks, which would no longer fit the shrunk layers; prune structurally first, or make the masks permanent with tt.prune.remove", name)
	}
	s, err := prune.LnStructured(seq, index, amount, n)
	if err != nil {
		return nil, ttPruneError(err)
	}
	kept := make([]any, len(s.Kept))
	for i, k := range s.Kept {
		kept[i] = k
	}
	neighbours := make([]any, len(s.Neighbours))
	for i, nb := range s.Neighbours {
		neighbours[i] = nb
	}
	return map[string]any{"layer": s.Layer, "before": s.Before, "after": s.After, "kept": kept, "neighbours": neighbours}, nil
}

// pruneRemove is tt.prune.remove(model, name).
func pruneRemove(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.remove", args)
	model := r.Module(0, "tt.prune.remove")
	name := r.NeedString(1, `the parameter's name in the model, such as "1.weight"`)
	r.Options(2)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return nil, ttPruneError(pruningOf(model).Remove(name))
}

// pruneApply is tt.prune.apply(model): writes the masks' zeros again.
func pruneApply(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.apply", args)
	model := r.Module(0, "tt.prune.apply")
	r.Options(1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return nil, ttPruneError(pruningOf(model).Apply())
}

// pruneWrap is tt.prune.wrap(model, optimizer): an optimizer whose steps
// keep the model's masks (and follow its schedule).
func pruneWrap(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.wrap", args)
	model := r.Module(0, "tt.prune.wrap")
	v := r.Value(1)
	r.Options(2)
	if err := r.Err(); err != nil {
		return nil, err
	}
	opt, ok := optimizerOf(v)
	if !ok {
		return nil, fmt.Errorf("tt.prune.wrap: expected (model, optimizer) such as tt.optim.Adam(model.parameters()), got %s as the optimizer", describeJS(v))
	}
	return optimizerKind.wrap(pruningOf(model).Wrap(opt)), nil
}

// pruneSchedule is tt.prune.schedule(model, {initial, final, begin, end,
// every, power, names}).
func pruneSchedule(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.schedule", args)
	model := r.Module(0, "tt.prune.schedule")
	o := r.Options(1)
	o.Need("final")
	o.Need("end")
	s := prune.Schedule{Initial: o.Float("initial", 0), Final: o.Float("final", 0), Begin: o.Int("begin", 0), End: o.Int("end", 0),
		Every: o.Int("every", 1), Power: o.Float("power", 3)}
	s.Names = stringsOption(r, o, "names")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return nil, ttPruneError(pruningOf(model).Follow(s))
}

// pruneReport is tt.prune.report(model): the sparsity of every Linear and
// Conv2d weight, shown as a table, with a chart() method.
func pruneReport(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.report", args)
	model := r.Module(0, "tt.prune.report")
	r.Options(1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	rep := prune.NewReport(model)
	layers := js.Global().Get("Array").New(len(rep.Layers))
	for i, l := range rep.Layers {
		shape := make([]any, len(l.Shape))
		for j, d := range l.Shape {
			shape[j] = d
		}
		layers.SetIndex(i, map[string]any{"name": l.Name, "layer": l.Layer, "shape": shape, "params": l.Params, "zeros": l.Zeros, "sparsity": l.Sparsity()})
	}
	obj := js.ValueOf(map[string]any{"params": rep.Params, "zeros": rep.Zeros, "sparsity": rep.Sparsity(),
		"bytesDense": 4 * rep.Params, "bytesNonzero": 4 * (rep.Params - rep.Zeros)})
	obj.Set("layers", layers)
	obj.Set("chart", function("report.chart", func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("report.chart", args)
		r.Options(0)
		if err := r.Err(); err != nil {
			return nil, err
		}
		return svgValue(rep.Chart())
	}))
	header, rows := rep.Table()
	setTableBundle(obj, &bench.Table{Title: "Sparsity per layer", Header: header, Rows: rows}, "zeros counted in the weights' values; nonzero is what a sparse format stores")
	return obj, nil
}

// pruneSparsify is tt.prune.sparsify(model, {maxDensity}): a copy for
// inference whose sparse enough Linear layers run on the CSR kernel.
func pruneSparsify(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.prune.sparsify"
	r := readArgs(name, args)
	model := r.Module(0, name)
	maxDensity := r.Options(1).Float("maxDensity", 0.5)
	if err := r.Err(); err != nil {
		return nil, err
	}
	seq, ok := model.(*nn.Sequential)
	if !ok {
		return nil, fmt.Errorf("%s: expected a tt.nn.Sequential, got a %s", name, model.Base().TypeName())
	}
	fast, _, err := prune.Sparsify(seq, maxDensity)
	if err != nil {
		return nil, ttPruneError(err)
	}
	return wrapModule(fast), nil
}

// pruneCrossover is tt.prune.crossover({rows, cols, batch, densities,
// iterations}): the sparse kernel against the dense one in this tab.
func pruneCrossover(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.prune.crossover", args)
	o := r.Options(0)
	rows, cols, batch := o.Int("rows", 128), o.Int("cols", 784), o.Int("batch", 1)
	densities := []float64{0.5, 0.3, 0.2, 0.1, 0.05, 0.02}
	if o.Has("densities") {
		densities = o.Floats("densities")
	}
	iterations := o.Int("iterations", 10)
	if err := r.Err(); err != nil {
		return nil, err
	}
	res, err := sparse.Crossover(rows, cols, batch, densities, compareTimer(iterations))
	if err != nil {
		return nil, err
	}
	points := js.Global().Get("Array").New(len(res.Points))
	for i, p := range res.Points {
		points.SetIndex(i, map[string]any{"density": p.Density, "speedup": p.Speedup, "denseNs": p.DenseNs, "sparseNs": p.SparseNs})
	}
	obj := js.ValueOf(map[string]any{"rows": rows, "cols": cols, "batch": batch, "kernel": res.Kernel, "crossover": res.Crossover})
	obj.Set("points", points)
	setTableBundle(obj, crossoverTable(res), fmt.Sprintf("%d interleaved rounds per density", iterations))
	return obj, nil
}

// compareTimer times the dense and sparse kernels with bench.Compare.
func compareTimer(iterations int) sparse.Timer {
	return func(dense, sparseFn func()) (float64, float64, float64) {
		cmp := bench.Compare([]bench.Candidate{{Name: "dense", Fn: dense}, {Name: "sparse", Fn: sparseFn}}, bench.Options{Iterations: iterations})
		return cmp.Ratios[1].Median, float64(cmp.Results[0].P50.Nanoseconds()), float64(cmp.Results[1].P50.Nanoseconds())
	}
}

// crossoverTable shows a crossover measurement, one row per density.
func crossoverTable(r sparse.CrossoverResult) *bench.Table {
	t := &bench.Table{Title: fmt.Sprintf("Sparse (CSR) against dense Linear, %d×%d weight, batch %d", r.Rows, r.Cols, r.Batch),
		Header: []string{"density", "dense µs", "sparse µs", "sparse speedup"}}
	for _, p := range r.Points {
		t.Add(fmt.Sprintf("%.3f", p.Density), p.DenseNs/1e3, p.SparseNs/1e3, fmt.Sprintf("%.2f×", p.Speedup))
	}
	t.Notes = append(t.Notes, r.String())
	return t
}
