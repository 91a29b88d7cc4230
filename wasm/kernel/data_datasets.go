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
	if x, err = tensors.operand(name, args[0]); err != nil {
		return nil, nil, err
	}
	if v := arg(args, 1); !v.IsUndefined() && !v.IsNull() {
		if y, err = tensors.operand(name, v); err != nil {
			return nil, nil, err
		}
	}
	return x, y, nil
}

func (d *dataBindings) tensorDataset(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.TensorDataset"
	if err := needArgs(name, args, 1, "(x, y), tensors whose first dimension counts samples"); err != nil {
		return nil, err
	}
	x, y, err := imagesAndLabels(name, args)
	if err != nil {
		return nil, err
	}
	ds, err := data.NewTensorDataset(x, y)
	if err != nil {
		return nil, err
	}
	return d.wrap(d.dataset, data.Dataset(ds)), nil
}

func (d *dataBindings) subset(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.Subset"
	ds, err := d.datasetArg(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	idx, err := intsFrom(name, args, 1, "indices")
	if err != nil {
		return nil, err
	}
	s, err := data.NewSubset(ds, idx)
	if err != nil {
		return nil, err
	}
	return d.wrap(d.dataset, data.Dataset(s)), nil
}

func (d *dataBindings) concatDataset(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.ConcatDataset"
	list := args
	if len(args) == 1 && isArray(args[0]) {
		list = make([]js.Value, args[0].Length())
		for i := range list {
			list[i] = args[0].Index(i)
		}
	}
	var parts []data.Dataset
	for _, v := range list {
		ds, err := d.datasetArg(name, v)
		if err != nil {
			return nil, err
		}
		parts = append(parts, ds)
	}
	c, err := data.NewConcatDataset(parts...)
	if err != nil {
		return nil, err
	}
	return d.wrap(d.dataset, data.Dataset(c)), nil
}

// randomSplit(ds, lengths, {seed}): lengths are counts, or fractions that
// add up to 1, as in PyTorch.
func (d *dataBindings) randomSplit(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.randomSplit"
	ds, err := d.datasetArg(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	v := arg(args, 1)
	if !isArray(v) || v.Length() == 0 {
		return nil, fmt.Errorf("%s: expected lengths such as [800, 200] or fractions such as [0.8, 0.2], got %s", name, describeJS(v))
	}
	fracs := make([]float64, v.Length())
	whole := true
	for i := range fracs {
		if typeOf(v.Index(i)) != js.TypeNumber {
			return nil, fmt.Errorf("%s: lengths must be numbers, got %s at position %d", name, describeJS(v.Index(i)), i)
		}
		fracs[i] = v.Index(i).Float()
		whole = whole && fracs[i] == float64(int(fracs[i]))
	}
	var lengths []int
	if whole && !(len(fracs) == 1 && fracs[0] == 1) {
		for _, f := range fracs {
			lengths = append(lengths, int(f))
		}
	} else if lengths, err = data.SplitLengths(ds.Len(), fracs); err != nil {
		return nil, err
	}
	seed, err := seedOption(name, arg(args, 2))
	if err != nil {
		return nil, err
	}
	parts, err := data.RandomSplit(ds, lengths, seed)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = d.wrap(d.dataset, data.Dataset(p))
	}
	return out, nil
}

// synthetic binds the generated sets; each takes {n, noise, seed, …}.
func (d *dataBindings) synthetic(kind string) binding {
	name := "tt.data." + kind
	return func(_ js.Value, args []js.Value) (any, error) {
		opts := arg(args, 0)
		num := func(key string, def float64) (float64, error) {
			return floatArg(name, []js.Value{option(args, 0, key)}, 0, key, def)
		}
		whole := func(key string, def int) (int, error) {
			return intArg(name, []js.Value{option(args, 0, key)}, 0, key, def)
		}
		if !opts.IsUndefined() && (typeOf(opts) != js.TypeObject || isArray(opts)) {
			return nil, fmt.Errorf("%s: expected options such as {n: 200, noise: 0.1, seed: 0}, got %s", name, describeJS(opts))
		}
		defN, defNoise := 200, 0.1
		switch kind {
		case "xor":
			defN, defNoise = 4, 0
		case "spirals", "circles":
			defNoise = 0.05
		case "blobs":
			defNoise = 1
		}
		n, err := whole("n", defN)
		if err != nil {
			return nil, err
		}
		noiseKey := "noise"
		if kind == "blobs" {
			noiseKey = "std"
		}
		noise, err := num(noiseKey, defNoise)
		if err != nil {
			return nil, err
		}
		seed, err := whole("seed", 0)
		if err != nil {
			return nil, err
		}
		var ds *data.TensorDataset
		switch kind {
		case "xor":
			ds, err = data.XOR(n, noise, uint64(seed))
		case "spirals":
			ds, err = data.Spirals(n, noise, uint64(seed))
		case "moons":
			ds, err = data.Moons(n, noise, uint64(seed))
		case "circles":
			var factor float64
			if factor, err = num("factor", 0.5); err == nil {
				ds, err = data.Circles(n, noise, factor, uint64(seed))
			}
		case "blobs":
			var centers, dim int
			if centers, err = whole("centers", 3); err == nil {
				if dim, err = whole("dim", 2); err == nil {
					ds, err = data.Blobs(n, centers, dim, noise, uint64(seed))
				}
			}
		case "linearRegression":
			weights := []float64{2}
			if w := option(args, 0, "weights"); !w.IsUndefined() {
				if !isArray(w) {
					return nil, fmt.Errorf("%s: weights must be an array of numbers, got %s", name, describeJS(w))
				}
				weights = make([]float64, w.Length())
				for i := range weights {
					weights[i] = w.Index(i).Float()
				}
			}
			var bias float64
			if bias, err = num("bias", 0.5); err == nil {
				ds, err = data.LinearRegression(n, weights, bias, noise, uint64(seed))
			}
		}
		if err != nil {
			return nil, err
		}
		return d.wrap(d.dataset, data.Dataset(ds)), nil
	}
}

func (d *dataBindings) datasetMethods() map[string]binding {
	self := func(name string, this js.Value) (data.Dataset, error) { return d.datasetArg(name, this) }
	return map[string]binding{
		// get(i) is PyTorch's ds[i]: {x, y}.
		"get": func(this js.Value, args []js.Value) (any, error) {
			ds, err := self("dataset.get", this)
			if err != nil {
				return nil, err
			}
			i, err := needInt("dataset.get", args, 0, "index")
			if err != nil {
				return nil, err
			}
			if i < 0 {
				i += ds.Len()
			}
			s, err := ds.Item(i)
			if err != nil {
				return nil, err
			}
			return sampleObject(s), nil
		},
		// withTransform(t, {seed}) is the dataset with t applied to each x.
		"withTransform": func(this js.Value, args []js.Value) (any, error) {
			const name = "dataset.withTransform"
			ds, err := self(name, this)
			if err != nil {
				return nil, err
			}
			t, err := d.transformArg(name, arg(args, 0))
			if err != nil {
				return nil, err
			}
			seed, err := seedOption(name, arg(args, 1))
			if err != nil {
				return nil, err
			}
			return d.wrap(d.dataset, withTransform(ds, t, seed)), nil
		},
		// show(n = 32, {cols}) shows the first n items as an image grid.
		"show": func(this js.Value, args []js.Value) (any, error) {
			ds, err := self("dataset.show", this)
			if err != nil {
				return nil, err
			}
			n, err := intArg("dataset.show", args, 0, "the number of images", 32)
			if err != nil {
				return nil, err
			}
			first := &data.DataLoader{Dataset: ds, BatchSize: min(max(n, 1), ds.Len())}
			for b, err := range first.Batches(0) {
				if err != nil {
					return nil, err
				}
				return showBatch(b.X, b.Y, datasetClasses(ds), arg(args, 1))
			}
			return nil, fmt.Errorf("dataset.show: the dataset is empty")
		},
		"toString": func(this js.Value, _ []js.Value) (any, error) {
			ds, err := self("dataset.toString", this)
			if err != nil {
				return nil, err
			}
			return describeDataset(ds), nil
		},
	}
}

func (d *dataBindings) datasetProperties() map[string]binding {
	return map[string]binding{
		"length": func(this js.Value, _ []js.Value) (any, error) {
			ds, err := d.datasetArg("dataset.length", this)
			if err != nil {
				return nil, err
			}
			return ds.Len(), nil
		},
		"classes": func(this js.Value, _ []js.Value) (any, error) {
			ds, err := d.datasetArg("dataset.classes", this)
			if err != nil {
				return nil, err
			}
			if c := datasetClasses(ds); c != nil {
				return stringsToJS(c), nil
			}
			return nil, nil
		},
		// tensors is [x, y] holding every sample, PyTorch's TensorDataset.tensors.
		"tensors": func(this js.Value, _ []js.Value) (any, error) {
			ds, err := d.datasetArg("dataset.tensors", this)
			if err != nil {
				return nil, err
			}
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
		},
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
