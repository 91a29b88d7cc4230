//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// tt.data binds engine/data. This file builds the tt.data object and
// reads the arguments its functions share; each concept has a file of
// its own: the datasets and synthetic sets (data_datasets.go), the
// DataLoader (data_loader.go), transforms (data_transforms.go), datasets
// written in a cell and toTensor (data_custom.go), the real image sets
// (data_fetch.go), and the image grid of a batch (data_show.go).
//
// Datasets, loaders, iterators and transforms are objects of a kind
// (objects.go): their prototype holds the methods, and their Go value is
// in the objects table, like a module's.
type dataBindings struct {
	dataset, loader, iterator, iterable, transform *kind
	// batch is the prototype of a loader's batches {x, y}.
	batch js.Value
}

// newData builds the tt.data object.
func newData() js.Value {
	d := &dataBindings{dataset: newKind("dataset"), loader: newKind("DataLoader"),
		iterator: newKind("DataLoader iterator"), iterable: newKind("loader.batches(epoch)"), transform: newKind("transform")}
	d.dataset.build(d.datasetMethods(), d.datasetProperties())
	d.loader.build(d.loaderMethods(), d.loaderProperties())
	d.iterator.build(d.iteratorMethods(), nil)
	d.iterable.build(nil, nil)
	d.transform.build(d.transformMethods(), nil)
	d.batch = object(nil)
	setSymbolMethod(d.loader.proto, "iterator", function("DataLoader[Symbol.iterator]", kindMethod(d.loader, "DataLoader", d.loaderIterator)))
	setSymbolMethod(d.iterator.proto, "iterator", js.Global().Get("Function").New("return this"))
	setSymbolMethod(d.iterable.proto, "iterator", function("batches[Symbol.iterator]", kindMethod(d.iterable, "batches", d.iterableIterator)))
	defineGetter(d.batch, "__ttBundle", function("batch", batchBundle))
	// tt.train.fit takes a DataLoader as it is: its batches stay in Go, and
	// epoch e of the fit is epoch e of the loader's shuffling, as natively.
	loaderAdapters = append(loaderAdapters, func(v js.Value) (data.Loader, bool) {
		l, ok := valueOf[*loaderState](d.loader, v)
		if !ok {
			return nil, false
		}
		return l.DataLoader, true
	})
	// Datasets, loaders and transforms display as their description.
	for _, k := range []*kind{d.dataset, d.loader, d.transform} {
		defineGetter(k.proto, "__ttBundle", function("display", describeBundle))
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
		"mnist":            d.imageSets("tt.data.mnist", "mnist", "MNIST digits", 8000, 2000),
		"fashionMNIST":     d.imageSets("tt.data.fashionMNIST", "fashion-mnist", "Fashion-MNIST", 10000, 10000),
		"clearCache":       clearDataCache,
		"showBatch":        showBatchFunc,
		"shakespeare":      shakespeareFunc, // data_text.go
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

// datasetValue reads a dataset: one of tt.data's, or a cell's own (an
// object with length and get(i), see jsDataset).
func (d *dataBindings) datasetValue(r *argReader, v js.Value) data.Dataset {
	if !r.ok() {
		return nil
	}
	if ds, ok := valueOf[data.Dataset](d.dataset, v); ok {
		return ds
	}
	ds, err := customDataset(v)
	r.fail(err)
	return ds
}

// transformValue reads a transform.
func (d *dataBindings) transformValue(r *argReader, v js.Value) data.Transform {
	t, ok := valueOf[data.Transform](d.transform, v)
	if r.ok() && !ok {
		r.failf("expected a transform (such as tt.data.transforms.Normalize([0.5], [0.5])), got %s", describeJS(v))
	}
	return t
}

// wrapDataset wraps the dataset an engine call made.
func (d *dataBindings) wrapDataset(ds data.Dataset, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return d.dataset.wrap(ds), nil
}

// seedOption reads the option {seed}; without one, the seed is drawn from
// tt's generator, so tt.manualSeed makes it reproducible.
func seedOption(o *optReader) uint64 {
	v := o.Value("seed")
	if !missing(v) || !o.r.ok() {
		return read(o.r, v, "seed", 0, toSeed)
	}
	return drawSeed()
}

// drawSeed draws a seed from tt's generator.
func drawSeed() uint64 {
	g := tensor.DefaultGenerator()
	return uint64(g.Uint32())<<32 | uint64(g.Uint32())
}

// toSeed reads a seed, a whole number ≥ 0.
func toSeed(what string, v js.Value) (uint64, error) {
	n, err := toInt(what, v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s must be a whole number ≥ 0, got %s", what, describeJS(v))
	}
	return uint64(n), nil
}
