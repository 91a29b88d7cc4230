//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// The datasets of tt.data (see data.go): TensorDataset, Subset,
// ConcatDataset, randomSplit, the synthetic sets, and the methods and
// properties every dataset object shares.

// imagesAndLabels reads the (x, y) arguments that TensorDataset and
// showBatch take: x a tensor, y an optional tensor (nil when missing).
func imagesAndLabels(name string, args []js.Value) (x, y *tensor.Tensor, err error) {
	r := readArgs(name, args)
	x, y = r.Tensor(0, "x"), r.OptTensor(1, "y")
	return x, y, r.Err()
}

// tensorDataset is tt.data.TensorDataset(x, y), tensors whose first
// dimension counts samples.
func (d *dataBindings) tensorDataset(_ js.Value, args []js.Value) (any, error) {
	x, y, err := imagesAndLabels("tt.data.TensorDataset", args)
	if err != nil {
		return nil, err
	}
	return d.wrapDataset(data.NewTensorDataset(x, y))
}

// subset is tt.data.Subset(ds, indices), the indices as an array or as
// separate arguments.
func (d *dataBindings) subset(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.Subset", args)
	ds, idx := d.datasetValue(r, r.Value(0)), r.Ints(1, "indices")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return d.wrapDataset(data.NewSubset(ds, idx))
}

// concatDataset is tt.data.ConcatDataset([a, b, …]) or ConcatDataset(a, b, …).
func (d *dataBindings) concatDataset(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.ConcatDataset", args)
	list := r.Positional(0)
	if len(list) == 1 && kindOf(list[0]) == kindArray {
		list, _ = elements(list[0])
	}
	parts := make([]data.Dataset, len(list))
	for i, v := range list {
		parts[i] = d.datasetValue(r, v)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return d.wrapDataset(data.NewConcatDataset(parts...))
}

// randomSplit(ds, lengths, {seed}): lengths are counts, or fractions that
// add up to 1, as in PyTorch.
func (d *dataBindings) randomSplit(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.randomSplit", args)
	ds := d.datasetValue(r, r.Value(0))
	fracs := readValue(r, r.Value(1), "lengths", toSplitLengths)
	seed := seedOption(r.Options(2))
	if err := r.Err(); err != nil {
		return nil, err
	}
	lengths, err := splitLengths(ds.Len(), fracs)
	if err != nil {
		return nil, err
	}
	parts, err := data.RandomSplit(ds, lengths, seed)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = d.dataset.wrap(data.Dataset(p))
	}
	return out, err
}

// toSplitLengths reads randomSplit's lengths, a non-empty array of numbers.
func toSplitLengths(what string, v js.Value) ([]float64, error) {
	list, err := toFloats(what, v)
	if kindOf(v) != kindArray || len(list) == 0 {
		return nil, fmt.Errorf("expected %s such as [800, 200] or fractions such as [0.8, 0.2], got %s", what, describeJS(v))
	}
	return list, err
}

// splitLengths are the counts of randomSplit: whole numbers are counts,
// other numbers (or [1]) fractions of n.
func splitLengths(n int, fracs []float64) ([]int, error) {
	whole := !(len(fracs) == 1 && fracs[0] == 1)
	for _, f := range fracs {
		whole = whole && f == float64(int(f))
	}
	if !whole {
		return data.SplitLengths(n, fracs)
	}
	lengths := make([]int, len(fracs))
	for i, f := range fracs {
		lengths[i] = int(f)
	}
	return lengths, nil
}

// syntheticSets are the generated sets: each reads its options beyond
// {n, noise (std for blobs), seed} and makes the set. defN and defNoise
// are the defaults.
var syntheticSets = map[string]struct {
	defN     int
	defNoise float64
	make     func(o *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error)
}{
	"xor": {4, 0, func(_ *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error) {
		return data.XOR(n, noise, seed)
	}},
	"spirals": {200, 0.05, func(_ *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error) {
		return data.Spirals(n, noise, seed)
	}},
	"moons": {200, 0.1, func(_ *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error) {
		return data.Moons(n, noise, seed)
	}},
	"circles": {200, 0.05, func(o *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error) {
		return data.Circles(n, noise, o.Float("factor", 0.5), seed)
	}},
	"blobs": {200, 1, func(o *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error) {
		return data.Blobs(n, o.Int("centers", 3), o.Int("dim", 2), noise, seed)
	}},
	"linearRegression": {200, 0.1, func(o *optReader, n int, noise float64, seed uint64) (*data.TensorDataset, error) {
		weights := o.Floats("weights")
		if weights == nil {
			weights = []float64{2}
		}
		return data.LinearRegression(n, weights, o.Float("bias", 0.5), noise, seed)
	}},
}

// synthetic binds the generated set kind; each takes {n, noise, seed, …}.
func (d *dataBindings) synthetic(kind string) binding {
	set := syntheticSets[kind]
	noiseKey := "noise"
	if kind == "blobs" {
		noiseKey = "std"
	}
	return func(_ js.Value, args []js.Value) (any, error) {
		r := readArgs("tt.data."+kind, args)
		o := r.Options(0)
		n, noise, seed := o.Int("n", set.defN), o.Float(noiseKey, set.defNoise), o.Int("seed", 0)
		ds, err := set.make(o, n, noise, uint64(seed))
		if err := r.Err(); err != nil {
			return nil, err
		}
		return d.wrapDataset(ds, err)
	}
}

func (d *dataBindings) datasetMethods() map[string]binding {
	method := func(name string, fn func(ds data.Dataset, r *argReader) (any, error)) binding {
		return kindMethod(d.dataset, "dataset."+name, func(ds data.Dataset, _ js.Value, r *argReader) (any, error) { return fn(ds, r) })
	}
	return map[string]binding{
		// get(i) is PyTorch's ds[i]: {x, y}; a negative i counts from the end.
		"get": method("get", func(ds data.Dataset, r *argReader) (any, error) {
			i := r.NeedInt(0, "index")
			if err := r.Err(); err != nil {
				return nil, err
			}
			if i < 0 {
				i += ds.Len()
			}
			s, err := ds.Item(i)
			return sampleObject(s), err
		}),
		// withTransform(t, {seed}) is the dataset with t applied to each x.
		"withTransform": method("withTransform", func(ds data.Dataset, r *argReader) (any, error) {
			t, seed := d.transformValue(r, r.Value(0)), seedOption(r.Options(1))
			if err := r.Err(); err != nil {
				return nil, err
			}
			return d.dataset.wrap(withTransform(ds, t, seed)), nil
		}),
		// show(n = 32, {cols, scale}) shows the first n items as an image grid.
		"show": method("show", func(ds data.Dataset, r *argReader) (any, error) {
			n, o := r.Int(0, "the number of images", 32), r.Options(1)
			layout := readGridLayout(o)
			if err := r.Err(); err != nil {
				return nil, err
			}
			first := &data.DataLoader{Dataset: ds, BatchSize: min(max(n, 1), ds.Len())}
			for b, err := range first.Batches(0) {
				if err != nil {
					return nil, err
				}
				return showBatch(b.X, b.Y, datasetClasses(ds), layout)
			}
			return nil, fmt.Errorf("dataset.show: the dataset is empty")
		}),
		"toString": method("toString", func(ds data.Dataset, _ *argReader) (any, error) { return describeDataset(ds), nil }),
	}
}

func (d *dataBindings) datasetProperties() map[string]binding {
	getter := func(name string, fn func(ds data.Dataset) (any, error)) binding {
		return kindMethod(d.dataset, "dataset."+name, func(ds data.Dataset, _ js.Value, _ *argReader) (any, error) { return fn(ds) })
	}
	return map[string]binding{
		"length": getter("length", func(ds data.Dataset) (any, error) { return ds.Len(), nil }),
		"classes": getter("classes", func(ds data.Dataset) (any, error) {
			if c := datasetClasses(ds); c != nil {
				return stringsToJS(c), nil
			}
			return nil, nil
		}),
		// tensors is [x, y] holding every sample, PyTorch's TensorDataset.tensors.
		"tensors": getter("tensors", func(ds data.Dataset) (any, error) {
			switch s := ds.(type) {
			case *data.TensorDataset:
				return []any{wrapOrNull(s.X), wrapOrNull(s.Y)}, nil
			case *data.ImageSet:
				x, y, err := s.Tensors()
				if err != nil {
					return nil, err
				}
				return []any{tensors.wrap(x), tensors.wrap(y)}, nil
			}
			return nil, fmt.Errorf("dataset.tensors: only a TensorDataset or an image set holds its samples as tensors; use a DataLoader")
		}),
	}
}

// withTransform applies t to a dataset: an image set keeps its fast path.
func withTransform(ds data.Dataset, t data.Transform, seed uint64) data.Dataset {
	if s, ok := ds.(*data.ImageSet); ok {
		c := *s
		if c.Transform != nil {
			t = data.Compose{c.Transform, t}
		}
		c.Transform, c.Seed = t, seed
		return &c
	}
	return &data.Transformed{Dataset: ds, Transform: t, Seed: seed}
}

// datasetClasses finds the class names of a dataset, through subsets and
// transforms.
func datasetClasses(ds data.Dataset) []string {
	switch s := ds.(type) {
	case *data.ImageSet:
		return s.Classes
	case *data.Subset:
		return datasetClasses(s.Dataset)
	case *data.Transformed:
		return datasetClasses(s.Dataset)
	case *data.ConcatDataset:
		return datasetClasses(s.Datasets[0])
	case jsDataset:
		return s.classes()
	}
	return nil
}

func describeDataset(ds data.Dataset) string {
	switch s := ds.(type) {
	case *data.ImageSet:
		t := ""
		if s.Transform != nil {
			t = ", transformed"
		}
		return fmt.Sprintf("%s: %d images %d×%d×%d, %d classes%s", s.Name, s.Len(), s.C, s.H, s.W, len(s.Classes), t)
	case *data.TensorDataset:
		y := "no y"
		if s.Y != nil {
			y = "y " + nnShape(s.Y.Shape()[1:])
		}
		return fmt.Sprintf("TensorDataset(%d samples, x %s, %s)", s.Len(), nnShape(s.X.Shape()[1:]), y)
	case *data.Subset:
		return fmt.Sprintf("Subset(%d of %s)", s.Len(), describeDataset(s.Dataset))
	case *data.Transformed:
		return fmt.Sprintf("Transformed(%s)", describeDataset(s.Dataset))
	case *data.ConcatDataset:
		var parts []string
		for _, p := range s.Datasets {
			parts = append(parts, describeDataset(p))
		}
		return fmt.Sprintf("ConcatDataset(%d samples: %s)", s.Len(), strings.Join(parts, " + "))
	case jsDataset:
		return fmt.Sprintf("dataset of %d samples (a JavaScript object with get(i))", s.Len())
	}
	return fmt.Sprintf("dataset of %d samples", ds.Len())
}

func nnShape(s []int) string { return strings.ReplaceAll(fmt.Sprint(s), " ", ", ") }

// sampleObject is {x, y} for one item.
func sampleObject(s data.Sample) js.Value {
	obj := js.Global().Get("Object").New()
	obj.Set("x", wrapOrNull(s.X))
	obj.Set("y", wrapOrNull(s.Y))
	return obj
}

func wrapOrNull(t *tensor.Tensor) any {
	if t == nil {
		return nil
	}
	return tensors.wrap(t)
}
