//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// tt.data binds engine/data. This file builds the tt.data object and
// holds the handle table its objects share; each concept has a file of
// its own: the datasets and synthetic sets (data_datasets.go), the
// DataLoader (data_loader.go), transforms (data_transforms.go), datasets
// written in a cell and toTensor (data_custom.go), the real image sets
// (data_fetch.go), and the image grid of a batch (data_show.go).
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
	loaderAdapters = append(loaderAdapters, func(v js.Value) (data.Loader, bool) {
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
	if typeOf(v) != js.TypeObject || !proto.Call("isPrototypeOf", v).Bool() {
		return nil, false
	}
	x, ok := d.table[handleOf(v, "_d")]
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
	if typeOf(opts) == js.TypeObject {
		v = getProp(opts, "seed")
	}
	if v.IsUndefined() || v.IsNull() {
		g := tensor.DefaultGenerator()
		return uint64(g.Uint32())<<32 | uint64(g.Uint32()), nil
	}
	if typeOf(v) != js.TypeNumber || v.Float() < 0 || v.Float() != float64(int64(v.Float())) {
		return 0, fmt.Errorf("%s: seed must be a whole number ≥ 0, got %s", name, describeJS(v))
	}
	return uint64(v.Float()), nil
}
