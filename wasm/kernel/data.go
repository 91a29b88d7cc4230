//go:build js && wasm

package kernel

import (
	"fmt"
	"iter"
	"strings"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
)

// tt.data binds engine/data: datasets, the DataLoader, transforms, the
// synthetic sets and the real image sets (data_fetch.go), and the image
// grid of a batch (data_show.go).
//
// Datasets, loaders, iterators and transforms are JavaScript objects whose
// prototype holds the methods and whose _d field is a handle into a Go
// table, like tensors; a FinalizationRegistry drops the Go value when the
// object is collected.
type dataBindings struct {
	table    map[int]any
	next     int
	registry js.Value
	// prototypes
	dataset, loader, iterator, iterable, transform, batch js.Value
}

// newData builds the tt.data object.
func newData() js.Value {
	d := &dataBindings{table: map[int]any{}}
	d.registry = js.Global().Get("FinalizationRegistry").New(js.FuncOf(func(_ js.Value, args []js.Value) any {
		id := args[0].Int()
		if it, ok := d.table[id].(*batchIterator); ok {
			it.stop()
		}
		delete(d.table, id)
		return nil
	}))
	d.dataset = d.proto(d.datasetMethods(), d.datasetProperties())
	d.loader = d.proto(d.loaderMethods(), d.loaderProperties())
	d.iterator = d.proto(d.iteratorMethods(), nil)
	d.iterable = d.proto(nil, nil)
	d.transform = d.proto(d.transformMethods(), nil)
	d.batch = d.proto(nil, nil)
	symbolIterator := js.Global().Get("Symbol").Get("iterator")
	reflectSet := func(obj js.Value, fn js.Value) { js.Global().Get("Reflect").Call("set", obj, symbolIterator, fn) }
	reflectSet(d.loader, function("DataLoader[Symbol.iterator]", d.loaderIterator))
	reflectSet(d.iterator, js.Global().Get("Function").New("return this"))
	reflectSet(d.iterable, function("batches[Symbol.iterator]", d.iterableIterator))
	js.Global().Get("Object").Call("defineProperty", d.batch, "__ttBundle", map[string]any{"get": function("batch", batchBundle)})
	// tt.train.fit takes a DataLoader as it is: its batches stay in Go, and
	// epoch e of the fit is epoch e of the loader's shuffling, as natively.
	loaderAdapters = append(loaderAdapters, func(v js.Value) (train.Loader, bool) {
		if x, ok := d.value(d.loader, v); ok {
			if l, ok := x.(*loaderState); ok {
				return l.DataLoader, true
			}
		}
		return nil, false
	})
	// Datasets, loaders and transforms display as their description.
	for _, p := range []js.Value{d.dataset, d.loader, d.transform} {
		js.Global().Get("Object").Call("defineProperty", p, "__ttBundle", map[string]any{"get": function("display", describeBundle)})
	}

	obj := object(map[string]binding{
		"TensorDataset":    d.tensorDataset,
		"Subset":           d.subset,
		"ConcatDataset":    d.concatDataset,
		"toTensor":         toTensorBinding,
		"randomSplit":      d.randomSplit,
		"DataLoader":       d.newLoader,
		"xor":              d.synthetic("xor"),
		"spirals":          d.synthetic("spirals"),
		"moons":            d.synthetic("moons"),
		"circles":          d.synthetic("circles"),
		"blobs":            d.synthetic("blobs"),
		"linearRegression": d.synthetic("linearRegression"),
		"mnist":            d.mnist,
		"fashionMNIST":     d.fashionMNIST,
		"clearCache":       clearDataCache,
		"showBatch":        showBatchFunc,
	})
	obj.Set("transforms", object(map[string]binding{
		"Compose":              d.compose,
		"Normalize":            d.normalize,
		"RandomCrop":           d.randomCrop,
		"RandomHorizontalFlip": d.randomFlip,
	}))
	return obj
}

// describeBundle shows an object as its toString.
func describeBundle(this js.Value, _ []js.Value) (any, error) {
	return js.ValueOf(map[string]any{"text/plain": this.Call("toString").String()}), nil
}

// proto makes a prototype with methods and getters that receive the Go
// value behind this.
func (d *dataBindings) proto(methods map[string]binding, props map[string]binding) js.Value {
	p := object(methods)
	for name, get := range props {
		js.Global().Get("Object").Call("defineProperty", p, name, map[string]any{"get": function(name, get)})
	}
	return p
}

// wrap gives a Go value a JavaScript object with the prototype proto.
func (d *dataBindings) wrap(proto js.Value, v any) js.Value {
	d.next++
	d.table[d.next] = v
	obj := js.Global().Get("Object").Call("create", proto)
	obj.Set("_d", d.next)
	d.registry.Call("register", obj, d.next)
	return obj
}

// value returns the Go value behind a data object made with proto.
func (d *dataBindings) value(proto, v js.Value) (any, bool) {
	if v.Type() != js.TypeObject || !proto.Call("isPrototypeOf", v).Bool() {
		return nil, false
	}
	x, ok := d.table[v.Get("_d").Int()]
	return x, ok
}

// datasetArg reads a dataset argument: one of tt.data's, or a cell's own
// (an object with length and get(i), see jsDataset).
func (d *dataBindings) datasetArg(name string, v js.Value) (data.Dataset, error) {
	if x, ok := d.value(d.dataset, v); ok {
		return x.(data.Dataset), nil
	}
	return customDataset(name, v)
}

// transformArg reads a transform argument.
func (d *dataBindings) transformArg(name string, v js.Value) (data.Transform, error) {
	if x, ok := d.value(d.transform, v); ok {
		return x.(data.Transform), nil
	}
	return nil, fmt.Errorf("%s: expected a transform (such as tt.data.transforms.Normalize([0.5], [0.5])), got %s", name, describeJS(v))
}

// seedOption reads {seed} from an options object; without one, the seed is
// drawn from tt's generator, so tt.manualSeed makes it reproducible.
func seedOption(name string, opts js.Value) (uint64, error) {
	v := js.Undefined()
	if opts.Type() == js.TypeObject {
		v = opts.Get("seed")
	}
	if v.IsUndefined() || v.IsNull() {
		g := tensor.DefaultGenerator()
		return uint64(g.Uint32())<<32 | uint64(g.Uint32()), nil
	}
	if v.Type() != js.TypeNumber || v.Float() < 0 || v.Float() != float64(int64(v.Float())) {
		return 0, fmt.Errorf("%s: seed must be a whole number ≥ 0, got %s", name, describeJS(v))
	}
	return uint64(v.Float()), nil
}

// --- datasets

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
		if v.Index(i).Type() != js.TypeNumber {
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
		if !opts.IsUndefined() && (opts.Type() != js.TypeObject || isArray(opts)) {
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

// --- the DataLoader

// loaderState is a DataLoader and the epoch its next iteration starts.
type loaderState struct {
	*data.DataLoader
	nextEpoch int
	// collate is the cell's collate function, or undefined for the
	// default (stack the xs, stack the ys).
	collate js.Value
}

// newLoader is tt.data.DataLoader(ds, {batchSize, shuffle, dropLast, seed,
// collate}).
func (d *dataBindings) newLoader(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.DataLoader"
	ds, err := d.datasetArg(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	opts := arg(args, 1)
	if !opts.IsUndefined() && (opts.Type() != js.TypeObject || isArray(opts)) {
		return nil, fmt.Errorf("%s: expected options such as {batchSize: 64, shuffle: true}, got %s", name, describeJS(opts))
	}
	for _, key := range optionKeys(opts) {
		switch key {
		case "batchSize", "shuffle", "dropLast", "seed", "collate":
		default:
			return nil, fmt.Errorf("%s: unknown option %q (known: batchSize, shuffle, dropLast, seed, collate)", name, key)
		}
	}
	bs, err := intArg(name, []js.Value{option(args, 1, "batchSize")}, 0, "batchSize", 1)
	if err != nil {
		return nil, err
	}
	if bs <= 0 {
		return nil, fmt.Errorf("%s: batchSize must be a positive integer, got %d", name, bs)
	}
	shuffle, err := boolArg(name, []js.Value{option(args, 1, "shuffle")}, 0, "shuffle", false)
	if err != nil {
		return nil, err
	}
	dropLast, err := boolArg(name, []js.Value{option(args, 1, "dropLast")}, 0, "dropLast", false)
	if err != nil {
		return nil, err
	}
	seed, err := seedOption(name, opts)
	if err != nil {
		return nil, err
	}
	collate := option(args, 1, "collate")
	if collate.IsNull() {
		collate = js.Undefined()
	}
	if !collate.IsUndefined() && collate.Type() != js.TypeFunction {
		return nil, fmt.Errorf("%s: collate must be a function of the list of items (each {x, y}) returning the batch, got %s", name, describeJS(collate))
	}
	l := &data.DataLoader{Dataset: ds, BatchSize: bs, Shuffle: shuffle, Seed: seed, DropLast: dropLast}
	if !collate.IsUndefined() {
		// tt.train.fit takes its batches from Go: there the collate
		// function must return {x, y} tensors.
		l.Collate = func(samples []data.Sample) (train.Batch, error) {
			v, err := collateSamples(samples, collate)
			if err != nil {
				return train.Batch{}, err
			}
			s, err := sampleFromJS("the DataLoader's collate function", v)
			return train.Batch{X: s.X, Y: s.Y}, err
		}
	}
	return d.wrap(d.loader, &loaderState{DataLoader: l, collate: collate}), nil
}

func optionKeys(opts js.Value) []string {
	if opts.Type() != js.TypeObject {
		return nil
	}
	keys := js.Global().Get("Object").Call("keys", opts)
	out := make([]string, keys.Length())
	for i := range out {
		out[i] = keys.Index(i).String()
	}
	return out
}

func (d *dataBindings) loaderArg(name string, this js.Value) (*loaderState, error) {
	if x, ok := d.value(d.loader, this); ok {
		return x.(*loaderState), nil
	}
	return nil, fmt.Errorf("%s: called on something that is not a DataLoader", name)
}

// loaderIterator is loader[Symbol.iterator](): each for…of is a new epoch.
func (d *dataBindings) loaderIterator(this js.Value, _ []js.Value) (any, error) {
	l, err := d.loaderArg("DataLoader", this)
	if err != nil {
		return nil, err
	}
	epoch := l.nextEpoch
	l.nextEpoch++
	return d.newIterator(l, epoch), nil
}

// epochBatches is the iterable of loader.batches(epoch).
type epochBatches struct {
	l     *loaderState
	epoch int
}

func (d *dataBindings) iterableIterator(this js.Value, _ []js.Value) (any, error) {
	x, ok := d.value(d.iterable, this)
	if !ok {
		return nil, fmt.Errorf("batches: called on something that is not loader.batches(epoch)")
	}
	e := x.(*epochBatches)
	return d.newIterator(e.l, e.epoch), nil
}

// batchIterator pulls the batches of one epoch, as the JavaScript values
// a for…of loop receives.
type batchIterator struct {
	next func() (js.Value, error, bool)
	stop func()
	done bool
}

func (d *dataBindings) newIterator(l *loaderState, epoch int) js.Value {
	if l.collate.Type() == js.TypeFunction {
		return d.wrap(d.iterator, collateIterator(l, epoch))
	}
	next, stop := iter.Pull2(l.Batches(epoch))
	classes := datasetClasses(l.Dataset)
	return d.wrap(d.iterator, &batchIterator{stop: stop, next: func() (js.Value, error, bool) {
		b, err, ok := next()
		if !ok || err != nil {
			return js.Undefined(), err, ok
		}
		return d.batchObject(b, classes), nil, true
	}})
}

// collateIterator yields what the cell's collate function makes of each
// batch's items; the function may return any value, as in PyTorch.
func collateIterator(l *loaderState, epoch int) *batchIterator {
	next, stop := iter.Pull(l.IndexBatches(epoch))
	k := 0
	return &batchIterator{stop: stop, next: func() (js.Value, error, bool) {
		idx, ok := next()
		if !ok {
			return js.Undefined(), nil, false
		}
		samples := make([]data.Sample, len(idx))
		for j, i := range idx {
			s, err := l.Dataset.Item(i)
			if err != nil {
				return js.Undefined(), fmt.Errorf("DataLoader: batch %d of epoch %d: item %d: %w", k, epoch, i, err), true
			}
			samples[j] = s
		}
		k++
		v, err := collateSamples(samples, l.collate)
		return v, err, true
	}}
}

// collateSamples calls a cell's collate function with the items as an
// array of {x, y}. What it throws reaches the cell unchanged.
func collateSamples(samples []data.Sample, collate js.Value) (js.Value, error) {
	items := js.Global().Get("Array").New(len(samples))
	for j, s := range samples {
		items.SetIndex(j, sampleObject(s))
	}
	return callJS(collate, items)
}

func (d *dataBindings) iteratorMethods() map[string]binding {
	finished := func() js.Value {
		r := js.Global().Get("Object").New()
		r.Set("done", true)
		r.Set("value", js.Undefined())
		return r
	}
	self := func(this js.Value) (*batchIterator, error) {
		x, ok := d.value(d.iterator, this)
		if !ok {
			return nil, fmt.Errorf("next: called on something that is not a DataLoader iterator")
		}
		return x.(*batchIterator), nil
	}
	return map[string]binding{
		"next": func(this js.Value, _ []js.Value) (any, error) {
			it, err := self(this)
			if err != nil {
				return nil, err
			}
			if it.done {
				return finished(), nil
			}
			b, err, ok := it.next()
			if !ok || err != nil {
				it.done = true
				it.stop()
				if err != nil {
					return nil, err
				}
				return finished(), nil
			}
			r := js.Global().Get("Object").New()
			r.Set("done", false)
			r.Set("value", b)
			return r, nil
		},
		// return is called when a for…of loop ends early (break, throw).
		"return": func(this js.Value, _ []js.Value) (any, error) {
			it, err := self(this)
			if err != nil {
				return nil, err
			}
			it.done = true
			it.stop()
			return finished(), nil
		},
	}
}

// batchObject is {x, y}; displaying it shows its images (data_show.go).
func (d *dataBindings) batchObject(b train.Batch, classes []string) js.Value {
	obj := js.Global().Get("Object").Call("create", d.batch)
	obj.Set("x", wrapOrNull(b.X))
	obj.Set("y", wrapOrNull(b.Y))
	if classes != nil {
		js.Global().Get("Object").Call("defineProperty", obj, "classes", map[string]any{"value": stringsToJS(classes)})
	}
	return obj
}

func (d *dataBindings) loaderMethods() map[string]binding {
	return map[string]binding{
		// batches(epoch) iterates one given epoch, for reproducible reruns.
		"batches": func(this js.Value, args []js.Value) (any, error) {
			l, err := d.loaderArg("loader.batches", this)
			if err != nil {
				return nil, err
			}
			epoch, err := intArg("loader.batches", args, 0, "epoch", l.nextEpoch)
			if err != nil {
				return nil, err
			}
			return d.wrap(d.iterable, &epochBatches{l: l, epoch: epoch}), nil
		},
		// order(epoch) is the order of the dataset's items in that epoch.
		"order": func(this js.Value, args []js.Value) (any, error) {
			l, err := d.loaderArg("loader.order", this)
			if err != nil {
				return nil, err
			}
			epoch, err := intArg("loader.order", args, 0, "epoch", 0)
			if err != nil {
				return nil, err
			}
			order := l.Order(epoch)
			out := make([]any, len(order))
			for i, v := range order {
				out[i] = v
			}
			return out, nil
		},
		"toString": func(this js.Value, _ []js.Value) (any, error) {
			l, err := d.loaderArg("loader.toString", this)
			if err != nil {
				return nil, err
			}
			return fmt.Sprintf("DataLoader(%s, batchSize %d, shuffle %v, dropLast %v: %d batches)",
				describeDataset(l.Dataset), l.BatchSize, l.Shuffle, l.DropLast, l.Len()), nil
		},
	}
}

func (d *dataBindings) loaderProperties() map[string]binding {
	get := func(f func(*loaderState) any) binding {
		return func(this js.Value, _ []js.Value) (any, error) {
			l, err := d.loaderArg("DataLoader", this)
			if err != nil {
				return nil, err
			}
			return f(l), nil
		}
	}
	return map[string]binding{
		"length":    get(func(l *loaderState) any { return l.Len() }),
		"batchSize": get(func(l *loaderState) any { return l.BatchSize }),
		"epoch":     get(func(l *loaderState) any { return l.nextEpoch }),
		"dataset": get(func(l *loaderState) any {
			if j, ok := l.Dataset.(jsDataset); ok {
				return j.v // the cell's own object
			}
			return d.wrap(d.dataset, l.Dataset)
		}),
	}
}

// --- transforms

func (d *dataBindings) wrapTransform(t data.Transform) js.Value { return d.wrap(d.transform, t) }

// compose is Compose([t1, t2, …]).
func (d *dataBindings) compose(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.Compose"
	v := arg(args, 0)
	if !isArray(v) {
		return nil, fmt.Errorf("%s: expected an array of transforms, got %s", name, describeJS(v))
	}
	var c data.Compose
	for i := 0; i < v.Length(); i++ {
		t, err := d.transformArg(name, v.Index(i))
		if err != nil {
			return nil, err
		}
		c = append(c, t)
	}
	return d.wrapTransform(c), nil
}

// normalize is Normalize(mean, std), each a number or an array per channel.
func (d *dataBindings) normalize(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.Normalize"
	read := func(i int, what string) ([]float32, error) {
		v := arg(args, i)
		if v.Type() == js.TypeNumber {
			return []float32{float32(v.Float())}, nil
		}
		if !isArray(v) || v.Length() == 0 {
			return nil, fmt.Errorf("%s: %s must be a number or an array of numbers per channel, got %s", name, what, describeJS(v))
		}
		out := make([]float32, v.Length())
		for k := range out {
			if v.Index(k).Type() != js.TypeNumber {
				return nil, fmt.Errorf("%s: %s must hold numbers, got %s", name, what, describeJS(v.Index(k)))
			}
			out[k] = float32(v.Index(k).Float())
		}
		return out, nil
	}
	mean, err := read(0, "mean")
	if err != nil {
		return nil, err
	}
	std, err := read(1, "std")
	if err != nil {
		return nil, err
	}
	for _, s := range std {
		if s == 0 {
			return nil, fmt.Errorf("%s: std %v contains 0", name, std)
		}
	}
	return d.wrapTransform(data.Normalize{Mean: mean, Std: std}), nil
}

// randomCrop is RandomCrop(size, {padding, fill}).
func (d *dataBindings) randomCrop(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.RandomCrop"
	size, err := needInt(name, args, 0, "size")
	if err != nil {
		return nil, err
	}
	pad, err := intArg(name, []js.Value{option(args, 1, "padding")}, 0, "padding", 0)
	if err != nil {
		return nil, err
	}
	fill, err := floatArg(name, []js.Value{option(args, 1, "fill")}, 0, "fill", 0)
	if err != nil {
		return nil, err
	}
	if size <= 0 || pad < 0 {
		return nil, fmt.Errorf("%s: size %d must be positive and padding %d not negative", name, size, pad)
	}
	return d.wrapTransform(data.RandomCrop{Size: size, Padding: pad, Fill: float32(fill)}), nil
}

// randomFlip is RandomHorizontalFlip(p = 0.5).
func (d *dataBindings) randomFlip(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.RandomHorizontalFlip"
	p, err := floatArg(name, args, 0, "p", 0.5)
	if err != nil {
		return nil, err
	}
	if p < 0 || p > 1 {
		return nil, fmt.Errorf("%s: p = %v must be between 0 and 1", name, p)
	}
	if p == 0 {
		return d.wrapTransform(data.TransformFunc(func(x *tensor.Tensor, _ *tensor.Generator) (*tensor.Tensor, error) { return x, nil })), nil
	}
	return d.wrapTransform(data.RandomHorizontalFlip{P: p}), nil
}

func (d *dataBindings) transformMethods() map[string]binding {
	return map[string]binding{
		// apply(x, {seed}) transforms one [C, H, W] image.
		"apply": func(this js.Value, args []js.Value) (any, error) {
			const name = "transform.apply"
			t, err := d.transformArg(name, this)
			if err != nil {
				return nil, err
			}
			x, err := tensors.operand(name, arg(args, 0))
			if err != nil {
				return nil, err
			}
			seed, err := seedOption(name, arg(args, 1))
			if err != nil {
				return nil, err
			}
			return tensors.wrapResult(t.Apply(x, tensor.NewGenerator(seed)))
		},
		"toString": func(this js.Value, _ []js.Value) (any, error) {
			t, err := d.transformArg("transform.toString", this)
			if err != nil {
				return nil, err
			}
			return describeTransform(t), nil
		},
	}
}

func describeTransform(t data.Transform) string {
	switch v := t.(type) {
	case data.Compose:
		var parts []string
		for _, p := range v {
			parts = append(parts, describeTransform(p))
		}
		return "Compose([" + strings.Join(parts, ", ") + "])"
	case data.Normalize:
		return fmt.Sprintf("Normalize(mean=%v, std=%v)", v.Mean, v.Std)
	case data.RandomCrop:
		return fmt.Sprintf("RandomCrop(%d, padding=%d)", v.Size, v.Padding)
	case data.RandomHorizontalFlip:
		return fmt.Sprintf("RandomHorizontalFlip(p=%v)", v.P)
	}
	return "Transform"
}

// --- datasets written in a cell

// jsDataset is a dataset a cell writes itself, PyTorch's map-style Dataset
// with __len__ and __getitem__: any object with a length (a number or a
// getter) and a method get(i) returning the item i as {x, y} or [x, y],
// each a tensor, a number or a nested array of numbers (y may be left
// out). An optional classes array names the labels. TinyTorch calls the
// item method get, as tt's own datasets do, rather than __getitem__.
type jsDataset struct{ v js.Value }

// customDataset checks that v is such an object, for the function name.
func customDataset(name string, v js.Value) (data.Dataset, error) {
	const want = "a dataset: one of tt.data's (such as tt.data.TensorDataset(x, y)), or an object with a length and get(i) returning {x, y}"
	if v.Type() != js.TypeObject || isArray(v) {
		return nil, fmt.Errorf("%s: expected %s; got %s", name, want, describeJS(v))
	}
	if _, err := jsLength(v); err != nil {
		return nil, fmt.Errorf("%s: expected %s; the object's length: %v", name, want, err)
	}
	if get, err := jsProperty(v, "get"); err != nil || get.Type() != js.TypeFunction {
		for _, other := range []string{"getItem", "__getitem__", "at", "item"} {
			if m, err := jsProperty(v, other); err == nil && m.Type() == js.TypeFunction {
				return nil, fmt.Errorf("%s: expected %s; the object has %s(i) but no get(i): name the item method get", name, want, other)
			}
		}
		return nil, fmt.Errorf("%s: expected %s; the object has no get(i) method", name, want)
	}
	return jsDataset{v}, nil
}

// jsProperty reads v[key]; a getter that throws gives an error.
func jsProperty(v js.Value, key string) (p js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = js.Undefined(), fmt.Errorf("reading %s threw: %v", key, errText(asJSError(r)))
		}
	}()
	return v.Get(key), nil
}

// jsLength reads a custom dataset's length, which must be a whole number
// ≥ 0.
func jsLength(v js.Value) (int, error) {
	n, err := jsProperty(v, "length")
	if err != nil {
		return 0, err
	}
	if n.Type() != js.TypeNumber || n.Float() < 0 || n.Float() != float64(int(n.Float())) {
		return 0, fmt.Errorf("length must be a whole number ≥ 0, got %s", describeJS(n))
	}
	return n.Int(), nil
}

// Len reads the object's length again each time (it may be a getter); a
// length that has become invalid counts as empty.
func (j jsDataset) Len() int {
	n, err := jsLength(j.v)
	if err != nil {
		return 0
	}
	return n
}

// Item calls get(i) and reads its {x, y}.
func (j jsDataset) Item(i int) (data.Sample, error) {
	if n := j.Len(); i < 0 || i >= n {
		return data.Sample{}, fmt.Errorf("dataset.get: index %d is out of range for a dataset of %d items", i, n)
	}
	v, err := callMethod(j.v, "get", i)
	if err != nil {
		return data.Sample{}, fmt.Errorf("dataset.get(%d) threw: %s", i, errText(err))
	}
	return sampleFromJS(fmt.Sprintf("dataset.get(%d)", i), v)
}

// classes is the object's classes array of strings, if it has one.
func (j jsDataset) classes() []string {
	c, err := jsProperty(j.v, "classes")
	if err != nil || !isArray(c) {
		return nil
	}
	out := make([]string, c.Length())
	for i := range out {
		if c.Index(i).Type() != js.TypeString {
			return nil
		}
		out[i] = c.Index(i).String()
	}
	return out
}

// sampleFromJS reads {x, y} or [x, y] returned by what (a dataset's get or
// a collate function) into tensors; y may be missing.
func sampleFromJS(what string, v js.Value) (data.Sample, error) {
	const want = "{x, y} (or [x, y]) holding tensors, numbers or arrays of numbers"
	var x, y js.Value
	switch {
	case v.Type() == js.TypeObject && v.Get("then").Type() == js.TypeFunction:
		return data.Sample{}, fmt.Errorf("%s returned a Promise: it must return %s synchronously (no async)", what, want)
	case isArray(v) && (v.Length() == 1 || v.Length() == 2):
		x, y = v.Index(0), js.Undefined()
		if v.Length() == 2 {
			y = v.Index(1)
		}
	case v.Type() == js.TypeObject && !isArray(v) && !tensors.proto.Call("isPrototypeOf", v).Bool():
		x, y = v.Get("x"), v.Get("y")
	default:
		return data.Sample{}, fmt.Errorf("%s returned %s, expected %s", what, describeJS(v), want)
	}
	if x.IsUndefined() || x.IsNull() {
		return data.Sample{}, fmt.Errorf("%s returned an item without x, expected %s", what, want)
	}
	var s data.Sample
	var err error
	if s.X, err = tensors.operand(what+": x", x); err != nil {
		return data.Sample{}, err
	}
	if !y.IsUndefined() && !y.IsNull() {
		if s.Y, err = tensors.operand(what+": y", y); err != nil {
			return data.Sample{}, err
		}
	}
	return s, nil
}

// --- to-tensor

// toTensorBinding is tt.data.toTensor(pixels, shape): uint8 pixels (a
// Uint8Array, Uint8ClampedArray or array of whole numbers 0–255) of an
// image of shape [C, H, W] or [H, W] (one channel) become a float32
// tensor [C, H, W] of pixel/255, torchvision's ToTensor. An ImageData
// (a canvas's pixels) needs no shape: it gives [4, H, W], RGBA.
func toTensorBinding(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.toTensor"
	pixels, shapeArg := arg(args, 0), arg(args, 1)
	var shape []int
	imageData := false
	if pixels.Type() == js.TypeObject && !isArray(pixels) && shapeArg.IsUndefined() &&
		pixels.Get("width").Type() == js.TypeNumber && pixels.Get("height").Type() == js.TypeNumber {
		shape = []int{4, pixels.Get("height").Int(), pixels.Get("width").Int()}
		pixels, imageData = pixels.Get("data"), true
	} else {
		if !isArray(shapeArg) {
			return nil, fmt.Errorf("%s: expected (pixels, shape) with shape [C, H, W] or [H, W], got the shape %s", name, describeJS(shapeArg))
		}
		var err error
		if shape, err = intsFrom(name, []js.Value{shapeArg}, 0, "the shape's sizes"); err != nil {
			return nil, err
		}
		if len(shape) == 2 {
			shape = []int{1, shape[0], shape[1]}
		}
		if len(shape) != 3 {
			return nil, fmt.Errorf("%s: the shape %v must be [C, H, W] or [H, W]", name, shape)
		}
	}
	pix, err := uint8Pixels(name, pixels)
	if err != nil {
		return nil, err
	}
	if imageData && len(pix) == shape[0]*shape[1]*shape[2] {
		pix = planes(pix, shape[0])
	}
	return tensors.wrapResult(data.ToTensor(data.Image{Pix: pix, C: shape[0], H: shape[1], W: shape[2]}))
}

// planes reorders interleaved pixels (an ImageData's R, G, B, A of one
// pixel, then the next) into one plane per channel, ToTensor's [C, H, W].
func planes(pix []uint8, c int) []uint8 {
	out := make([]uint8, len(pix))
	n := len(pix) / c
	for i, p := range pix {
		out[(i%c)*n+i/c] = p
	}
	return out
}

// uint8Pixels copies a Uint8Array, a Uint8ClampedArray or an array of
// whole numbers 0–255.
func uint8Pixels(name string, v js.Value) ([]uint8, error) {
	for _, typed := range []string{"Uint8Array", "Uint8ClampedArray"} {
		if v.Type() == js.TypeObject && v.InstanceOf(js.Global().Get(typed)) {
			b := make([]uint8, v.Length())
			js.CopyBytesToGo(b, js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), v.Get("length")))
			return b, nil
		}
	}
	if !isArray(v) {
		return nil, fmt.Errorf("%s: expected pixels as a Uint8Array, a Uint8ClampedArray, an array of numbers 0–255 or an ImageData, got %s", name, describeJS(v))
	}
	b := make([]uint8, v.Length())
	for i := range b {
		p := v.Index(i)
		if p.Type() != js.TypeNumber || p.Float() < 0 || p.Float() > 255 || p.Float() != float64(int(p.Float())) {
			return nil, fmt.Errorf("%s: pixel %d is %s, expected a whole number 0–255", name, i, describeJS(p))
		}
		b[i] = uint8(p.Int())
	}
	return b, nil
}
