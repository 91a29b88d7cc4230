//go:build js && wasm

package kernel

import (
	"fmt"
	"iter"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// What tt.train.fit trains on (see train.go): tt.data loaders, tensor
// pairs batched here, or any iterable of {x, y} batches a cell makes.

// tensorLoader is tt.train.batches(x, y, {batchSize, shuffle, dropLast,
// seed}): a data.DataLoader over the rows of two tensors, so a seed gives
// the batches that tt.data.DataLoader and Go's data.DataLoader give with
// it. Shuffling draws a fresh order every epoch from (seed, epoch), so a
// rerun after tt.manualSeed gives the same batches.
type tensorLoader struct {
	*data.DataLoader
	epoch int // the next epoch of a JavaScript for…of loop
}

// batchesFunc is tt.train.batches(x, y, {batchSize = 32, shuffle = false,
// dropLast = false, seed}).
func batchesFunc(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.train.batches"
	r := readArgs(name, args)
	x, y, o := r.Tensor(0, "x"), r.Tensor(1, "y"), r.Options(2)
	bs, shuffle, dropLast, seed := o.Int("batchSize", 32), o.Bool("shuffle", false), o.Bool("dropLast", false), o.Int("seed", -1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if x.Dim() == 0 || y.Dim() == 0 || x.Shape()[0] != y.Shape()[0] {
		return nil, fmt.Errorf("%s: x of shape %v and y of shape %v: expected the same number of rows (first dimension)", name, x.Shape(), y.Shape())
	}
	if bs <= 0 {
		return nil, fmt.Errorf("%s: batchSize must be positive, got %d", name, bs)
	}
	ds, err := data.NewTensorDataset(x, y)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	l := &tensorLoader{DataLoader: &data.DataLoader{Dataset: ds, BatchSize: bs, Shuffle: shuffle, DropLast: dropLast}}
	if seed < 0 { // from the default generator, so tt.manualSeed fixes it
		l.Seed = uint64(tensor.DefaultGenerator().Uint32())
	} else {
		l.Seed = uint64(seed)
	}
	if l.Len() == 0 {
		return nil, fmt.Errorf("%s: %d rows give no batch of %d with dropLast", name, x.Shape()[0], bs)
	}
	return loaderKind.wrap(data.Loader(l)), nil
}

// jsLoader adapts a JavaScript iterable of batches — [x, y] pairs or
// {x, y} objects — to data.Loader. Its length, if any, is the number of
// batches (an array's length, or a length property).
type jsLoader struct{ obj js.Value }

// Len returns the length property, or 0 when it has none.
func (l jsLoader) Len() int {
	if n := getProp(l.obj, "length"); typeOf(n) == js.TypeNumber {
		return n.Int()
	}
	return 0
}

// Batches iterates the object once.
func (l jsLoader) Batches(int) iter.Seq2[data.Batch, error] {
	return func(yield func(data.Batch, error) bool) {
		fn := js.Global().Get("Reflect").Call("get", l.obj, js.Global().Get("Symbol").Get("iterator"))
		it, err := callMethod(fn, "call", l.obj)
		if err != nil {
			yield(data.Batch{}, err)
			return
		}
		for i := 0; ; i++ {
			r, err := callMethod(it, "next")
			if err != nil {
				yield(data.Batch{}, err)
				return
			}
			if getProp(r, "done").Truthy() {
				return
			}
			b, err := batchOf(fmt.Sprintf("batch %d", i+1), getProp(r, "value"))
			if !yield(b, err) || err != nil {
				return
			}
		}
	}
}

// batchOf reads one batch: [x, y] or {x, y}.
func batchOf(name string, v js.Value) (data.Batch, error) {
	var xv, yv js.Value
	switch {
	case isArray(v) && v.Length() == 2:
		xv, yv = v.Index(0), v.Index(1)
	case typeOf(v) == js.TypeObject && !getProp(v, "x").IsUndefined():
		xv, yv = getProp(v, "x"), getProp(v, "y")
	default:
		return data.Batch{}, fmt.Errorf("%s is %s, expected [x, y] or {x, y}", name, describeJS(v))
	}
	x, err := tensors.operand(name+": x", xv)
	if err != nil {
		return data.Batch{}, err
	}
	y, err := tensors.operand(name+": y", yv)
	return data.Batch{X: x, Y: y}, err
}

// loaderOf reads a data argument: a loader object, [x, y] (one batch), or
// any iterable of batches.
func loaderOf(name string, v js.Value) (data.Loader, error) {
	if x, ok := objects.get(v); ok {
		if l, ok := x.(data.Loader); ok {
			return l, nil
		}
	}
	for _, adapt := range loaderAdapters {
		if l, ok := adapt(v); ok {
			return l, nil
		}
	}
	if isArray(v) && v.Length() == 2 {
		if _, ok := tensors.unwrap(v.Index(0)); ok {
			b, err := batchOf(name, v)
			return data.Batches{b}, err
		}
	}
	if typeOf(v) == js.TypeObject && js.Global().Get("Reflect").Call("has", v, js.Global().Get("Symbol").Get("iterator")).Bool() {
		return jsLoader{v}, nil
	}
	return nil, fmt.Errorf("%s: expected a loader such as tt.train.batches(x, y, {batchSize: 32}), [x, y] or an iterable of [x, y] batches, got %s", name, describeJS(v))
}

// shapeRecorder remembers the shape of the first input it yields, for the
// model's summary.
type shapeRecorder struct {
	data.Loader
	shape []int
}

// Batches passes the batches through.
func (r *shapeRecorder) Batches(epoch int) iter.Seq2[data.Batch, error] {
	return func(yield func(data.Batch, error) bool) {
		for b, err := range r.Loader.Batches(epoch) {
			if r.shape == nil && err == nil && b.X != nil {
				r.shape = b.X.Shape()
			}
			if !yield(b, err) {
				return
			}
		}
	}
}
